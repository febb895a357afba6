"""Entity matching, relevance and controversy suggestions on stored articles."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from controversies.models import Organization
from ingestion.models import Article
from ingestion.pipeline import article_advance, article_rematch
from ingestion.pipeline.matching import Matcher, current_matcher
from tests.ingestion.documents import OTHER_STORY, STORY

pytestmark = pytest.mark.django_db


def extracted(text: str, *, title: str = "", published_on: dt.date | None = None) -> Article:
    n = Article.objects.count() + 1
    return Article.objects.create(
        state=Article.State.EXTRACTED,
        url=f"https://example.test/{n}",
        link_canonical=f"https://example.test/{n}",
        canonical_url=f"https://example.test/{n}",
        title=title,
        text=text,
        published_on=published_on,
    )


ENTITIES = [
    ("organization", 1, ["International Business Machines", "IBM"]),
    ("organization", 2, ["U.S. Immigration and Customs Enforcement", "ICE"]),
    ("organization", 3, ["Amazon", "AWS"]),
    ("product", 4, ["Rekognition"]),
]
LABELS = {1: "IBM", 2: "ICE", 3: "Amazon", 4: "Rekognition"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ICE signed a contract with IBM.", {"ICE": 1, "IBM": 1}),
        ("Roads were covered in ice; the Ice Age film was on.", {}),
        ("Amazonian rainforest and amazonia", {}),
        ("AMAZON and amazon and Amazon's shares", {"Amazon": 3}),
        ("IBM's deal; (IBM) and IBMX", {"IBM": 2}),
        ("rekognition, REKOGNITION and Rekognitions", {"Rekognition": 2}),
        ("Caf\u00e9 owners and AWS\u2014the cloud arm", {"Amazon": 1}),
    ],
)
def test_it_matches_whole_words_and_acronyms_only_in_capitals(text, expected):
    hits = Matcher(ENTITIES).find(text)

    assert {LABELS[h.pk]: h.count for h in hits} == expected


def test_it_records_mentions_and_relevance(domain):
    article = extracted("\n\n".join(STORY), title="Amazon sold Rekognition to police")

    state = article_advance(article=article)

    assert state == Article.State.IN_REVIEW
    counts = {m.entity.name: (m.count, m.alias) for m in article.mentions.all()}
    assert counts["Amazon"][0] >= 3
    assert counts["American Civil Liberties Union"] == (2, "ACLU")
    assert counts["U.S. Immigration and Customs Enforcement"] == (1, "ICE")
    assert counts["Amazon Rekognition"][0] == 3
    assert article.relevance > 0.8
    assert "facial recognition" in article.relevance_terms


def test_an_article_left_matched_by_an_earlier_version_goes_on_to_review(domain):
    article = extracted("\n\n".join(STORY), title="Amazon sold Rekognition to police")
    Article.objects.filter(pk=article.pk).update(state=Article.State.MATCHED)
    article.refresh_from_db()

    state = article_advance(article=article)

    assert state == Article.State.IN_REVIEW == Article.objects.get(pk=article.pk).state
    assert article.mentions.filter(organization=domain.amazon).exists()
    assert [s.controversy for s in article.suggestions.all()] == [domain.controversy]


def test_it_scores_an_unrelated_story_low(domain):
    article = extracted("\n\n".join(OTHER_STORY), title="Road budget approved")

    article_advance(article=article)

    assert article.mentions.count() == 0
    assert article.relevance < 0.2


def test_it_rebuilds_the_automaton_when_aliases_change(domain):
    before = current_matcher()
    assert before is current_matcher()  # cached while nothing changes
    domain.aclu.aliases = "ACLU\nthe civil liberties group"
    domain.aclu.save()

    article = extracted("\n\n".join(STORY))
    article_advance(article=article)

    assert current_matcher() is not before
    aclu = article.mentions.get(organization=domain.aclu)
    assert aclu.count == 3  # twice "ACLU", once "the civil liberties group"


def test_one_articles_steps_read_the_generation_once_and_see_an_earlier_edit(domain, monkeypatch):
    from controversies import curated_version
    from ingestion.pipeline import curated
    from ingestion.pipeline.relevance import topic_terms

    reads = []
    real = curated_version.curated_data_version
    monkeypatch.setattr(curated_version, "curated_data_version", lambda: reads.append(1) or real())
    domain.aclu.aliases = "ACLU\nthe civil liberties group"
    domain.aclu.save()  # before the article's steps start: they must see it

    with curated.one_reading():
        matcher = current_matcher()
        topic_terms()
        current_matcher()

    assert len(reads) == 1
    hits = matcher.find("A statement from the civil liberties group.")
    assert [hit.pk for hit in hits] == [domain.aclu.pk]


def test_it_suggests_the_controversy_sharing_entities_with_reasons(domain):
    domain.controversy.last_event_on = dt.date(2024, 4, 25)
    domain.controversy.save()
    article = extracted(
        "\n\n".join(STORY), title="Amazon sold Rekognition", published_on=dt.date(2024, 5, 2)
    )
    state = article_advance(article=article)

    assert state == Article.State.IN_REVIEW
    suggestions = list(article.suggestions.all())
    assert [s.controversy for s in suggestions] == [domain.controversy]
    reasons = suggestions[0].reasons
    assert "Mentions Amazon (company)" in reasons
    assert "Mentions Amazon Rekognition (product)" in reasons
    assert "Topic: facial recognition" in reasons
    assert "Published 7 days after its latest event (25 Apr 2024)" in reasons


def test_suggestions_rank_by_shared_entities_topics_and_date_then_title(domain, settings):
    from controversies.models import Controversy, Topic

    settings.INGESTION_MAX_SUGGESTIONS = 5

    def case(title, *, companies=(), products=(), topics=(), started=None, last=None):
        made = Controversy.objects.create(
            title=title, slug=title.lower().replace(" ", "-"), started_on=started
        )
        made.companies.add(*companies)
        made.products.add(*products)
        made.topics.add(*topics)
        # last_event_on is kept up to date from events; set here as events would set it
        Controversy.objects.filter(pk=made.pk).update(last_event_on=last)
        return made

    chatbots = Topic.objects.create(name="chatbots", slug="chatbots")
    case("Amazon Hiring Tool", companies=[domain.amazon], last=dt.date(2024, 5, 20))
    case("Amazon Doorbell", companies=[domain.amazon], started=dt.date(2023, 12, 1))
    case("Amazon Warehouse Cameras", companies=[domain.amazon])
    case("Amazon Alexa Recordings", companies=[domain.amazon])
    case("Rekognition Chatbot", products=[domain.rekognition], topics=[chatbots])
    case("Amazon Voice Data", companies=[domain.amazon], last=dt.date(2020, 1, 1))
    article = extracted(
        "\n\n".join(STORY), title="Amazon sold Rekognition", published_on=dt.date(2024, 5, 2)
    )
    article_advance(article=article)

    ranked = [(s.controversy.title, s.score) for s in article.suggestions.order_by("-score", "pk")]
    # Amazon (3) + Rekognition (4) + a topic named in the text (1.5); the date is years
    # off. Then Amazon and a latest event 18 days later (+2); a product; Amazon and a
    # start 153 days before (+1), ahead of Amazon alone by title. Five at most.
    assert ranked == [
        ("Amazon Rekognition sold to police", 8.5),
        ("Amazon Hiring Tool", 5.0),
        ("Amazon Doorbell", 4.0),
        ("Rekognition Chatbot", 4.0),
        ("Amazon Alexa Recordings", 3.0),
    ]
    reasons = {s.controversy.title: s.reasons for s in article.suggestions.all()}
    assert reasons["Amazon Hiring Tool"] == [
        "Mentions Amazon (company)",
        "Published 18 days before its latest event (20 May 2024)",
    ]
    assert reasons["Amazon Doorbell"] == [
        "Mentions Amazon (company)",
        "Published 153 days after it started (01 Dec 2023)",
    ]
    assert reasons["Rekognition Chatbot"] == ["Mentions Amazon Rekognition (product)"]


def test_it_suggests_nothing_without_shared_entities(domain):
    Organization.objects.create(name="City Council", slug="council")
    article = extracted("\n\n".join(OTHER_STORY))
    article_advance(article=article)

    assert article.state == Article.State.IN_REVIEW
    assert article.suggestions.count() == 0


def test_matching_and_suggesting_twice_changes_nothing(domain):
    article = extracted("\n\n".join(STORY))
    article_advance(article=article)
    before = (
        list(article.mentions.order_by("pk").values_list("pk", "count")),
        list(article.suggestions.values_list("pk", "score")),
    )

    assert article_advance(article=article) == Article.State.IN_REVIEW

    after = (
        list(article.mentions.order_by("pk").values_list("pk", "count")),
        list(article.suggestions.values_list("pk", "score")),
    )
    assert after == before


def test_rematch_picks_up_a_new_alias_on_articles_in_review(domain, capsys):
    from django.core.management import call_command

    from controversies.models import Controversy

    domain.ice.aliases = ""  # at first only the long official name is known
    domain.ice.save()
    agency_case = Controversy.objects.create(title="ICE contracts", slug="ice-contracts")
    agency_case.companies.add(domain.ice)
    article = extracted("\n\n".join(STORY))
    article_advance(article=article)
    assert not article.mentions.filter(organization=domain.ice).exists()

    domain.ice.aliases = "ICE"
    domain.ice.save()
    call_command("rematch")

    assert article.mentions.get(organization=domain.ice).count == 1
    assert agency_case in [s.controversy for s in article.suggestions.all()]
    assert "mentions changed on 1" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_two_rematches_of_one_article_at_once_leave_one_set_of_matches(domain):
    # Both re-matches find their matches, then wait for the article's row, which the
    # test holds; released, they replace the matches one after the other.
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite has one writer")
    article = extracted("\n\n".join(STORY))
    article_advance(article=article)
    mentions = article.mentions.order_by("organization", "product")
    expected = list(mentions.values_list("organization", "product", "count"))
    errors: list[BaseException] = []

    def rematch() -> None:
        try:
            article_rematch(article=Article.objects.get(pk=article.pk))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    with transaction.atomic():
        Article.objects.select_for_update().get(pk=article.pk)
        threads = [threading.Thread(target=rematch) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(1)  # both waiting for the row
        assert all(thread.is_alive() for thread in threads)
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert list(mentions.values_list("organization", "product", "count")) == expected
    assert article.suggestions.count() == 1
