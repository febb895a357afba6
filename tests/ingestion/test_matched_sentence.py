"""The sentence offered as a citation's quote: the first one naming a matched name."""

from __future__ import annotations

from ingestion.matched_sentence import MAX_QUOTE_CHARS, first_sentence_naming, sentences


def test_it_cuts_text_into_sentences_and_paragraphs():
    text = 'He said "no." Then he left!\n\nA new paragraph   with  spaces? Yes 2 times.'

    assert sentences(text) == [
        'He said "no."',
        "Then he left!",
        "A new paragraph with spaces?",
        "Yes 2 times.",
    ]


def test_it_does_not_cut_inside_a_decimal_or_a_web_address():
    assert sentences("Support was 2.4 per cent at amazon.com last year.") == [
        "Support was 2.4 per cent at amazon.com last year."
    ]


def test_it_returns_the_first_sentence_naming_a_name():
    text = "The weather was fine. Amazon sold the tool to police. Amazon declined to comment."

    assert first_sentence_naming(text, ["Amazon"]) == "Amazon sold the tool to police."


def test_a_name_counts_in_any_case_but_only_as_a_whole_word():
    text = "Amazonian forests burn. Critics wrote to amazon about it."

    assert first_sentence_naming(text, ["Amazon"]) == "Critics wrote to amazon about it."


def test_an_acronym_counts_only_in_capitals():
    text = "The ice was thin. Agents of ICE used the system."

    assert first_sentence_naming(text, ["ICE"]) == "Agents of ICE used the system."


def test_a_name_with_punctuation_is_found_as_written():
    text = "Shares fell. Amazon.com, Inc. replied on Friday."

    assert first_sentence_naming(text, ["Amazon.com"]) == "Amazon.com, Inc. replied on Friday."


def test_it_returns_nothing_without_a_match_or_a_usable_name():
    assert first_sentence_naming("Nothing here.", ["Amazon"]) == ""
    assert first_sentence_naming("A is here.", ["A", ""]) == ""
    assert first_sentence_naming("", ["Amazon"]) == ""


def test_a_very_long_sentence_is_shortened():
    text = "Amazon " + "and more " * 200 + "ends."

    quote = first_sentence_naming(text, ["Amazon"])

    assert len(quote) <= MAX_QUOTE_CHARS and quote.endswith("…")
    assert quote.startswith("Amazon and more")
