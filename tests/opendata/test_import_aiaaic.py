from __future__ import annotations

import csv
import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from controversies.models import Controversy, Event, Organization, Product, Source, Topic
from opendata.importers.aiaaic import OLDER_COLUMNS

pytestmark = pytest.mark.django_db

TITLE_ROW = ["AIAAIC Repository", "", "Incidents and controversies driven by AI"]
NOTES_ROW = ["Unique id", "Short description", "Year or date", "", "", "", "", "", "", ""]

ROWS = [
    [  # row 4
        "AIAAIC0001", "Amazon Rekognition matches lawmakers to mugshots", "2018",
        "USA", "Govt - police", "Amazon; Police forces", "Amazon", "Rekognition",
        "Facial recognition", "Identify suspects", "Research study",
        "Accuracy/reliability; Bias/discrimination - race",
        "A civil liberties test found false matches. https://www.aclu.org/news/x "
        "https://example.org/coverage?utm_source=sheet",
    ],
    [  # row 5
        "AIAAIC0002", "Clearview AI scrapes billions of photos", "March 2020",
        "USA; Canada", "Technology", "Clearview AI", "Clearview AI", "Clearview AI",
        "Facial recognition", "Identify people", "Investigative report", "Privacy", "",
    ],
    ["", "No id here", "2019", "", "", "", "", "", "", "", "", "", ""],  # row 6
    ["AIAAIC0004", "No year", "sometime", "", "", "", "", "", "", "", "", "", ""],  # row 7
    [  # row 8
        "AIAAIC0005", "Too many cells", "2019", "", "", "", "", "", "", "", "", "", "", "stray",
    ],
    ["", "", "", "", "", "", "", "", "", "", "", "", ""],  # row 9: blank, skipped
    [  # row 10
        "AIAAIC0006", "", "2019", "", "", "", "", "", "", "", "", "", "",
    ],
    [  # row 11
        "AIAAIC0007", "Chatbot spreads falsehoods", "2019-2021", "", "", "Acme", "", "",
        "Chatbot", "", "", "Mis/disinformation", "",
    ],
]  # fmt: skip


def _write(path: Path, rows: list[list[str]], *, trigger: str = "News trigger(s)") -> Path:
    header = [trigger if c == "News trigger(s)" else c for c in OLDER_COLUMNS]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerows([TITLE_ROW, header, NOTES_ROW, *rows])
    return path


@pytest.fixture
def sheet(tmp_path) -> Path:
    return _write(tmp_path / "aiaaic.csv", ROWS)


def _run(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_aiaaic", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_imports_rows_as_controversies(sheet):
    _run(sheet)
    controversy = Controversy.objects.get(aiaaic_id="AIAAIC0001")
    assert controversy.title == "Amazon Rekognition matches lawmakers to mugshots"
    assert controversy.summary == "A civil liberties test found false matches."
    assert controversy.started_on == dt.date(2018, 1, 1)
    assert sorted(c.name for c in controversy.companies.all()) == ["Amazon", "Police forces"]
    assert [p.name for p in controversy.products.all()] == ["Rekognition"]
    assert Product.objects.get(name="Rekognition").developer.name == "Amazon"
    assert sorted(t.name for t in controversy.topics.all()) == [
        "Accuracy/reliability",
        "Bias/discrimination - race",
        "Facial recognition",
    ]


def test_it_dates_the_first_event_as_precisely_as_known(sheet):
    _run(sheet)
    event = Event.objects.get(controversies__aiaaic_id="AIAAIC0001")
    assert (event.occurred_on, event.occurred_on_precision) == (dt.date(2018, 1, 1), "year")
    assert event.summary == (
        "Country: USA. Sector: Govt - police. Purpose: Identify suspects. "
        "News trigger: Research study."
    )
    clearview = Event.objects.get(controversies__aiaaic_id="AIAAIC0002")
    assert (clearview.occurred_on, clearview.occurred_on_precision) == (
        dt.date(2020, 3, 1),
        "month",
    )
    span = Event.objects.get(controversies__aiaaic_id="AIAAIC0007")
    assert (span.occurred_on, span.occurred_on_precision) == (dt.date(2019, 1, 1), "year")


def test_it_cites_the_links_of_the_summary(sheet):
    _run(sheet)
    event = Event.objects.get(controversies__aiaaic_id="AIAAIC0001")
    assert [c.source.canonical_url for c in event.citations.all()] == [
        "https://www.aclu.org/news/x",
        "https://example.org/coverage",
    ]


def test_it_splits_multi_valued_cells_and_reuses_records(sheet):
    _run(sheet)
    clearview = Controversy.objects.get(aiaaic_id="AIAAIC0002")
    # "Clearview AI" is both deployer and developer: one organisation, listed once.
    assert [c.name for c in clearview.companies.all()] == ["Clearview AI"]
    assert Organization.objects.filter(name="Clearview AI").count() == 1
    # "Facial recognition" appears on two rows: one topic.
    assert Topic.objects.filter(name="Facial recognition").count() == 1
    assert "Country: USA, Canada." in clearview.events.get().summary


def test_it_reports_rejected_rows_and_imports_the_rest(sheet):
    output = _run(sheet)
    assert "AIAAIC incidents: 3 created, 0 updated, 4 rejected" in output
    assert "row 6: AIAAIC ID# is empty" in output
    assert "row 7: Occurred 'sometime' holds no year" in output
    assert "row 8: the row has more cells than the header has columns" in output
    assert "row 10: Headline is empty" in output
    assert "row 9" not in output
    assert set(Controversy.objects.values_list("aiaaic_id", flat=True)) == {
        "AIAAIC0001",
        "AIAAIC0002",
        "AIAAIC0007",
    }


def test_it_reads_older_files_with_a_media_trigger_column(tmp_path):
    path = _write(tmp_path / "old.csv", ROWS[:1], trigger="Media trigger(s)")
    output = _run(path)
    assert "1 created" in output
    assert "News trigger: Research study." in Event.objects.get().summary


def test_it_writes_nothing_in_a_dry_run(sheet):
    output = _run(sheet, "--dry-run")
    assert "AIAAIC incidents: 3 created, 0 updated, 4 rejected" in output
    assert "Dry run: nothing was saved." in output
    assert Controversy.objects.count() == 0
    assert Organization.objects.count() == 0
    assert Source.objects.count() == 0
    assert Topic.objects.count() == 0


def test_it_updates_instead_of_duplicating_on_a_second_run(sheet, tmp_path):
    _run(sheet)
    counts = [m.objects.count() for m in (Controversy, Event, Organization, Product, Topic, Source)]
    rows = [list(r) for r in ROWS]
    rows[0][1] = "Amazon Rekognition falsely matches 28 lawmakers"
    _write(sheet, rows)
    output = _run(sheet)
    assert "0 created, 3 updated" in output
    assert counts == [
        m.objects.count() for m in (Controversy, Event, Organization, Product, Topic, Source)
    ]
    assert (
        Controversy.objects.get(aiaaic_id="AIAAIC0001").title
        == "Amazon Rekognition falsely matches 28 lawmakers"
    )


def test_it_refuses_a_file_without_the_header_rows(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("id,title\n1,x\n")
    with pytest.raises(CommandError, match="none of the first 3 rows names the column"):
        _run(path)


def test_it_refuses_a_file_that_lacks_columns(tmp_path):
    path = tmp_path / "short.csv"
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerows([TITLE_ROW, ["AIAAIC ID#", "Headline"], NOTES_ROW])
    with pytest.raises(CommandError, match="lacks the columns Occurred"):
        _run(path)


def test_it_draws_a_progress_bar_on_a_terminal(sheet):
    from opendata.importers.aiaaic import import_aiaaic

    class Terminal(StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    import_aiaaic(sheet, progress=terminal)
    assert "AIAAIC incidents: 100%" in terminal.getvalue()
    assert "7/7" in terminal.getvalue()


# --- A bad file ends in one clear line, never a traceback, and imports nothing ------------


def _encoded(path: Path, encoding: str) -> None:
    path.write_text(path.read_text(encoding="utf-8"), encoding=encoding)


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (
            lambda p: _encoded(p, "latin-1"),
            r"aiaaic.csv line 5 is not UTF-8 text \(byte 0xe9\): save the file as UTF-8",
        ),
        (lambda p: _encoded(p, "utf-16"), r"aiaaic.csv line 1 is not UTF-8 text \(UTF-16 text\)"),
        (
            lambda p: p.write_bytes(p.read_bytes() + bytes(range(256))),
            "aiaaic.csv line 12 holds a NUL byte: not a text CSV file",
        ),
    ],
    ids=["latin-1", "utf-16", "binary"],
)
def test_it_refuses_a_file_that_is_not_utf8_csv_before_importing_anything(
    tmp_path, spoil, expected
):
    rows = [list(r) for r in ROWS]
    rows[1][1] = "Clearview AI scrapes billions of photos, café owners say"
    path = _write(tmp_path / "aiaaic.csv", rows)
    spoil(path)
    with pytest.raises(CommandError, match=expected) as raised:
        _run(path)
    assert "\n" not in str(raised.value)
    assert Controversy.objects.count() == 0
    assert Organization.objects.count() == 0


def test_it_refuses_a_directory_given_for_the_file(tmp_path):
    with pytest.raises(CommandError, match="is a directory, not a CSV file"):
        _run(tmp_path)


def test_it_imports_a_summary_longer_than_csvs_default_cell_limit(tmp_path):
    rows = [list(ROWS[0])]
    rows[0][12] = "A long account of what happened. " * 6_000  # about 200 kB
    _run(_write(tmp_path / "aiaaic.csv", rows))
    assert len(Controversy.objects.get(aiaaic_id="AIAAIC0001").summary) > 128 * 1024
