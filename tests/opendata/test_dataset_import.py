"""import_dataset treats a release as untrusted input: each row is checked with admin's
validators and any problem refuses the whole release, reported by file, row and field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from controversies.models import (
    Campaign,
    CoalitionMembership,
    Event,
    Organization,
    ShareholderMeeting,
    Source,
    VoteResult,
)
from opendata.dataset import BATCH
from tests.opendata.commands import REPO, manage_py, manage_py_env
from tests.opendata.release import (
    a_voted_resolution,
    row,
    write_large_release,
    write_release,
)

pytestmark = pytest.mark.django_db


def _import(directory: Path) -> None:
    for path in directory.glob("*.json") if directory.is_dir() else ():
        if not path.is_file():
            continue
        text = path.read_bytes()
        if HUGE.encode() in text:
            path.write_bytes(text.replace(f'"{HUGE}"'.encode(), b"1e999"))
    call_command("import_dataset", str(directory))


def _refusal(directory: Path) -> str:
    with pytest.raises(CommandError) as raised:
        _import(directory)
    message = str(raised.value)
    assert "nothing was imported" in message
    return message


def _nothing_loaded() -> bool:
    return not (
        Organization.objects.exists()
        or Source.objects.exists()
        or ShareholderMeeting.objects.exists()
    )


AMAZON = row("organizations", id=1, name="Amazon", slug="amazon")
# Written into the file as the bare number 1e999, which no integer column can hold.
HUGE = "__1e999__"


def test_it_loads_a_valid_hand_made_release(tmp_path):
    _import(write_release(tmp_path, a_voted_resolution(reported_support_pct="2.40", passed=False)))
    vote = VoteResult.objects.get()
    assert str(vote.reported_support_pct) == "2.40"
    assert vote.passed is False
    assert vote.resolution.meeting.company.slug == "amazon"


def test_it_loads_a_release_written_before_campaigns_and_memberships_had_a_source(tmp_path):
    """GIVEN a release from before the source_id columns of campaigns and coalition
    memberships existed, WHEN it is imported, THEN it loads with those facts unsourced."""
    campaign = row("campaigns", id=1, name="Stop face surveillance", slug="stop")
    membership = row("coalition_memberships", id=1, coalition_id=1, organization_id=1)
    del campaign["source_id"], membership["source_id"]
    tables = {
        "organizations": [AMAZON],
        "coalitions": [row("coalitions", id=1, name="Coalition", slug="coalition")],
        "coalition_memberships": [membership],
        "campaigns": [campaign],
    }

    _import(write_release(tmp_path, tables))

    assert Campaign.objects.get().source is None
    assert CoalitionMembership.objects.get().source is None


@pytest.mark.parametrize(
    ("column", "url"),
    [
        ("url", "javascript:alert(document.cookie)"),
        ("url", "data:text/html,<script>alert(1)</script>"),
        ("canonical_url", "javascript:alert(1)"),
        ("archive_url", "data:text/html;base64,PHNjcmlwdD4="),
    ],
)
def test_it_refuses_a_source_with_a_script_url(tmp_path, column, url):
    # GIVEN a release whose second source links to a script, WHEN it is imported,
    # THEN the report names the row and the column, and not even the good rows load.
    good = row("sources", id=1, url="https://example.org/a", canonical_url="https://example.org/a")
    values = {"url": "https://example.org/b", "canonical_url": "https://example.org/b", column: url}
    bad = row("sources", id=2, **values)
    release = write_release(tmp_path, {"organizations": [AMAZON], "sources": [good, bad]})

    message = _refusal(release)

    assert f"sources.json row 2, {column}: Enter a valid URL." in message
    assert _nothing_loaded()


def test_it_refuses_a_website_that_is_not_a_web_address(tmp_path):
    evil = row("organizations", id=2, name="X", slug="x", website="javascript:alert(1)")
    message = _refusal(write_release(tmp_path, {"organizations": [AMAZON, evil]}))
    assert "organizations.json row 2, website: Enter a valid URL." in message


@pytest.mark.parametrize(
    ("slug", "reason"),
    [
        ("has spaces", "Enter a valid “slug”"),
        ("amazon/../admin", "Enter a valid “slug”"),
        ("", "This field cannot be blank."),
        ("a" * 201, "Ensure this value has at most 200 characters (it has 201)."),
    ],
)
def test_it_refuses_a_malformed_slug(tmp_path, slug, reason):
    # One bad slug used to load and then answer 500 on every page that links to it.
    bad = row("organizations", id=2, name="Bad", slug=slug)
    message = _refusal(write_release(tmp_path, {"organizations": [AMAZON, bad]}))
    assert f"organizations.json row 2, slug: {reason}" in message
    assert _nothing_loaded()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"kind": "emperor"}, "kind: Value 'emperor' is not a valid choice."),
        ({"name": ""}, "name: This field cannot be blank."),
        ({"name": None}, "name: is null, but the column requires a value"),
        ({"name": "N" * 201}, "name: Ensure this value has at most 200 characters"),
        ({"country": "USA"}, "country: Ensure this value has at most 2 characters"),
        ({"name": ["a", "list"]}, 'name: should be text, not ["a", "list"]'),
        ({"name": "NUL\u0000inside"}, "name: contains a NUL character"),
        ({"id": HUGE}, "id: should be a whole number, not 1E+999"),
        ({"id": "2"}, 'id: should be a whole number, not "2"'),
    ],
)
def test_it_checks_choices_lengths_required_values_and_types(tmp_path, values, expected):
    bad = row("organizations", **{"id": 2, "name": "Bad", "slug": "bad", **values})
    message = _refusal(write_release(tmp_path, {"organizations": [AMAZON, bad]}))
    assert f"organizations.json row 2, {expected}" in message


def test_it_reads_a_release_of_the_previous_format(tmp_path):
    # Format 1 named one controversy on each event row and had no event_controversies
    # table: each event comes in on its one controversy.
    def old_event(pk: int, controversy_id: int) -> dict:
        event = row("events", id=pk, occurred_on="2019-01-15", title=f"Letter {pk}")
        return {**event, "controversy_id": controversy_id}

    release = write_release(
        tmp_path,
        {
            "controversies": [
                row("controversies", id=1, title="Amazon", slug="amazon-case"),
                row("controversies", id=2, title="Google", slug="google-case"),
            ],
            "events": [old_event(1, 1), old_event(2, 2)],
        },
        version="1",
    )
    call_command("import_dataset", str(release))

    assert [e.controversies.get().slug for e in Event.objects.order_by("pk")] == [
        "amazon-case",
        "google-case",
    ]


def test_it_refuses_an_event_of_the_previous_format_on_a_missing_controversy(tmp_path):
    event = {**row("events", id=1, occurred_on="2019-01-15", title="Letter"), "controversy_id": 9}
    release = write_release(tmp_path, {"events": [event]}, version="1")
    message = _refusal(release)
    assert "event_controversies.json row 1" in message and "controversy_id" in message
    assert not Event.objects.exists()


def test_it_applies_the_models_own_clean(tmp_path):
    # Event.clean(): a month-precise date must be the first of the month.
    release = write_release(
        tmp_path,
        {
            "controversies": [row("controversies", id=1, title="T", slug="t")],
            "events": [
                row(
                    "events",
                    id=1,
                    occurred_on="2019-03-12",
                    occurred_on_precision="month",
                    title="E",
                )
            ],
        },
    )
    message = _refusal(release)
    assert "events.json row 1, occurred_on:" in message


def test_it_refuses_a_reference_to_a_row_the_release_lacks(tmp_path):
    release = write_release(
        tmp_path,
        {
            "organizations": [
                AMAZON,
                row("organizations", id=2, name="AWS", slug="aws", parent_id=3),
                row("organizations", id=3, name="Twitch", slug="twitch", parent_id=1),
                row("organizations", id=4, name="Ring", slug="ring", parent_id=99),
            ],
            "shareholder_meetings": [
                row("shareholder_meetings", id=1, company_id=7, held_on="2019-05-22")
            ],
        },
    )
    message = _refusal(release)
    # A parent listed later in the same file is fine; one that is nowhere is not.
    assert "organizations.json row 2" not in message
    assert "organizations.json row 4, parent_id: refers to organizations id 99" in message
    assert "shareholder_meetings.json row 1, company_id: refers to organizations id 7" in message


def test_it_refuses_a_duplicate_that_the_database_would_refuse(tmp_path):
    # Uniqueness is the database's to check: the refused row is still named.
    others = [row("organizations", id=n, name=f"O{n}", slug=f"o{n}") for n in range(2, BATCH + 5)]
    twin = row("organizations", id=BATCH + 10, name="Amazon again", slug="amazon")
    release = write_release(tmp_path, {"organizations": [AMAZON, *others, twin]})
    message = _refusal(release)
    assert f"organizations.json row {BATCH + 5}:" in message
    assert "Key (slug)=(amazon) already exists" in message
    assert _nothing_loaded()


def test_it_refuses_an_id_given_twice(tmp_path):
    twin = row("organizations", id=1, name="Other", slug="other")
    message = _refusal(write_release(tmp_path, {"organizations": [AMAZON, twin]}))
    assert "organizations.json row 2: duplicate key value" in message
    assert "Key (id)=(1) already exists" in message


def test_it_lists_every_problem_up_to_a_limit(tmp_path):
    bad = [row("organizations", id=n, name="x", slug="bad slug") for n in range(2, 40)]
    message = _refusal(write_release(tmp_path, {"organizations": [AMAZON, *bad]}))
    lines = message.splitlines()
    assert "Problems (the first 20)" in lines[0]
    assert lines[1].strip().startswith("organizations.json row 2, slug:")
    assert len(lines) == 21


# --- Finding 9: a broken release ends in one clear line, and nothing is loaded -------------


@pytest.mark.parametrize(
    ("vote", "expected"),
    [
        ({"reported_support_pct": "NaN"}, "reported_support_pct: “NaN” value must be a decimal"),
        ({"reported_support_pct": "Infinity"}, "reported_support_pct: “Infinity” value must be"),
        ({"reported_support_pct": "-inf"}, "reported_support_pct: “-inf” value must be"),
        ({"reported_support_pct": "250"}, "reported_support_pct: A percentage must be between"),
        ({"reported_support_pct": "1000"}, "reported_support_pct: Ensure that there are no more"),
        ({"passed": "maybe"}, 'passed: should be true, false or null, not "maybe"'),
        ({"passed": 1}, "passed: should be true, false or null, not 1"),
        ({"votes_for": HUGE}, "votes_for: should be a whole number, not 1E+999"),
        ({"votes_for": -5, "votes_against": 1}, "votes_for: Ensure this value is greater than"),
    ],
)
def test_it_refuses_impossible_numbers_and_booleans(tmp_path, vote, expected):
    message = _refusal(write_release(tmp_path, a_voted_resolution(**vote)))
    assert message.count("\n") == 0  # one problem, one line
    assert f"votes.json row 1, {expected}" in message
    assert _nothing_loaded()


def test_it_refuses_nan_written_as_a_bare_json_literal(tmp_path):
    release = write_release(tmp_path, a_voted_resolution())
    path = release / "votes.json"
    path.write_text(path.read_text().replace('"reported_support_pct": null', '"x": NaN'))
    message = _refusal(release)
    assert "votes.json row 1: not valid UTF-8 JSON: lexical error" in message
    assert _nothing_loaded()


@pytest.mark.parametrize(
    "content",
    [
        json.dumps([AMAZON]).replace("Amazon", "Amaz\u00f6n").encode("latin-1"),
        json.dumps([AMAZON]).encode("utf-16"),
        bytes(range(256)) * 4,
        b'[{"id": 1,',  # cut short
        b'{"rows": []}',
        json.dumps([AMAZON]).encode() + b" trailing",
    ],
    ids=["latin-1", "utf-16", "binary", "truncated", "object", "trailing"],
)
def test_it_refuses_a_table_file_that_is_not_a_utf8_json_list(tmp_path, content):
    release = write_release(tmp_path, {"organizations": [AMAZON]})
    (release / "organizations.json").write_bytes(content)
    message = _refusal(release)
    assert message.count("\n") == 0
    assert "organizations.json" in message
    assert "not valid UTF-8 JSON" in message or "should hold a JSON list" in message
    assert _nothing_loaded()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "datapackage.json is not valid UTF-8 JSON"),
        ("{}".encode("utf-16"), "datapackage.json is not valid UTF-8 JSON"),
        (b"[1, 2]", "datapackage.json should hold a JSON object"),
        (b'{"format_version": "9"}', "this release has format '9'"),
        (b"[" * 100_000, "datapackage.json is not valid UTF-8 JSON"),
    ],
    ids=["not-json", "utf-16", "list", "other-format", "deeply-nested"],
)
def test_it_refuses_an_invalid_datapackage(tmp_path, content, expected):
    release = write_release(tmp_path, {"organizations": [AMAZON]})
    (release / "datapackage.json").write_bytes(content)
    assert expected in _refusal_or_plain(release)
    assert _nothing_loaded()


def _refusal_or_plain(directory: Path) -> str:
    """Problems with the release as a whole are said before anything is read."""
    with pytest.raises(CommandError) as raised:
        _import(directory)
    assert "\n" not in str(raised.value)
    return str(raised.value)


def test_it_refuses_a_file_given_for_the_release_directory(tmp_path):
    release = write_release(tmp_path / "release", {"organizations": [AMAZON]})
    message = _refusal_or_plain(release / "datapackage.json")
    assert "is not a directory" in message


def test_it_refuses_a_directory_where_a_table_file_should_be(tmp_path):
    release = write_release(tmp_path, {"organizations": [AMAZON]})
    (release / "topics.json").unlink()
    (release / "topics.json").mkdir()
    assert "topics.json is missing" in _refusal_or_plain(release)


def test_it_moves_sequences_past_imported_ids(tmp_path):
    imported = row("organizations", id=500, name="A", slug="a")
    _import(write_release(tmp_path, {"organizations": [imported]}))
    assert Organization.objects.create(name="B", slug="b").pk > 500


# --- Memory: the release is streamed, not held -------------------------------------------


# The child reports its own high-water mark (VmHWM). Not getrusage's ru_maxrss: Linux
# carries the parent's peak across fork and exec, so a child of the large pytest process
# would report pytest's size.
IMPORT_AND_REPORT_PEAK = """
import os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from django.core.management import call_command
call_command("import_dataset", sys.argv[1])
status = open("/proc/self/status").read()
print("peak_kb", next(l.split()[1] for l in status.splitlines() if l.startswith("VmHWM:")))
"""


def _peak_rss_of_import(directory: Path, env: dict[str, str]) -> int:
    """Import ``directory`` with the real command in a fresh process; return that
    process's peak resident size in bytes."""
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_AND_REPORT_PEAK, str(directory)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return int(result.stdout.split("peak_kb")[-1]) * 1024


@pytest.mark.django_db(transaction=True)
def test_it_imports_a_large_release_in_memory_that_does_not_grow_with_it(tmp_path):
    # GIVEN a release of about 40 MB (sources.json alone about 24 MB), WHEN it is
    # imported by the real command, THEN the process grows by well under half the
    # release's size over an import of an empty release. Reading whole files, as the
    # importer once did, grows it by about twice the size of the release.
    env = manage_py_env()
    empty = write_release(tmp_path / "empty", {})
    large = write_large_release(tmp_path / "large", cases=16_000)
    size = sum(path.stat().st_size for path in large.glob("*.json"))
    assert size > 35 * 2**20

    baseline = _peak_rss_of_import(empty, env)
    peak = _peak_rss_of_import(large, env)

    assert Source.objects.count() == 16_000
    growth = peak - baseline
    assert growth < size / 2, f"grew {growth / 2**20:.0f} MB for {size / 2**20:.0f} MB"


@pytest.mark.django_db(transaction=True)
def test_the_command_line_prints_one_line_and_no_traceback(tmp_path):
    release = write_release(tmp_path, a_voted_resolution(passed="maybe"))
    result = manage_py("import_dataset", str(release))
    assert result.returncode == 1
    # The error is the last line (before it, only the startup log line of django-axes).
    *before, last = result.stderr.splitlines()
    assert all(" INFO " in line for line in before), before
    assert last == (
        f"CommandError: Refused the release in {release}; nothing was imported: "
        'votes.json row 1, passed: should be true, false or null, not "maybe"'
    )
    assert "Traceback" not in result.stdout + result.stderr
    assert _nothing_loaded()
