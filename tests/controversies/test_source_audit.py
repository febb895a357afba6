"""Every fact cites a document: the source audit finds each unsourced fact, each uncited
event and each source that is a home page, a search or a listing; the command prints
them, admin lists them for curators, and public pages label unsourced facts."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from controversies.models import Campaign, Source
from controversies.source_audit import (
    SUSPECT_SOURCE,
    UNCITED_EVENT,
    UNSOURCED,
    audit_findings,
    fetched_page_reason,
    title_non_document_reason,
    url_non_document_reason,
)
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.services]

ARTICLE = "https://news.example.org/2019/05/22/amazon-shareholders-reject-ban"


def _document(**fields) -> Source:
    return f.SourceFactory(**fields)


def _change_url(model_name: str, pk: int) -> str:
    return reverse(f"admin:controversies_{model_name}_change", args=[pk])


# --- By URL shape and by title (pure) -------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://techcrunch.com/", "home page"),
        ("https://techcrunch.com", "home page"),
        ("https://www.example.org/index.html", "home page"),
        ("https://www.example.org/search?q=rekognition", "search"),
        ("https://www.example.org/news?query=amazon", "search"),
        ("https://blog.example.org/?s=rekognition", "search"),
        ("https://www.example.org/search/rekognition", "search"),
        (
            "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=0001018724&type=8-K",
            "EDGAR company listing",
        ),
        (
            "https://www.sec.gov/Archives/edgar/data/1018724/000101872419000043/"
            "0001018724-19-000043-index.htm",
            "filing index",
        ),
        ("https://www.sec.gov/Archives/edgar/data/1018724/000121465919002914/", "folder"),
        ("https://www.example.org/tag/facial-recognition/", "listing"),
        ("https://www.example.org/topics/ai", "listing"),
        ("https://www.crunchbase.com/organization/x/company/amazon", "listing"),
        ("https://www.example.org/companies/", "listing"),
        ("https://www.example.org/category/privacy", "listing"),
        ("https://www.example.org/news/archive", "listing"),
        ("https://www.example.org/2019/05/", "date archive"),
        ("https://thehill.com/policy/technology/", "section front"),
        ("https://www.example.org/press-releases/", "section front"),
    ],
)
def test_it_flags_a_url_shaped_like_a_non_document(url, expected):
    reason = url_non_document_reason(url)
    assert reason is not None and expected in reason


@pytest.mark.parametrize(
    "url",
    [
        ARTICLE,
        "https://www.aclu.org/press-releases/pressure-mounts-amazon-microsoft-and-google",
        "https://thehill.com/policy/technology/445047-amazon-shareholders-vote-down-limits",
        "https://www.sec.gov/Archives/edgar/data/1018724/000101872419000043/d742170d8k.htm",
        "https://www.sec.gov/Archives/edgar/data/1018724/000119312519102995/d707316ddef14a.htm",
        "https://www.example.org/?p=1234",
        "https://www.example.org/research/face-recognition-audit",
        "https://www.ibm.com/policy/facial-recognition-sunset-racial-justice-reforms/",
    ],
)
def test_it_accepts_a_url_shaped_like_a_document(url):
    assert url_non_document_reason(url) is None


@pytest.mark.parametrize(
    "title",
    [
        "Search results for “rekognition”",
        "Index of /Archives/edgar/data/1018724",
        "EDGAR Filing Documents for 0001214659-19-002914",
        "Facial Recognition Archives - Example News",
        "Home | Example News",
        "Page not found",
    ],
)
def test_it_flags_a_title_that_announces_a_listing_or_an_error(title):
    assert title_non_document_reason(title) is not None


@pytest.mark.parametrize(
    "title",
    [
        "The AI Index Report 2023 finds more incidents",
        "Home Office fines police over face recognition",
        "Search engines and racism: a study",
        "National Archives: records show the contract",
    ],
)
def test_it_accepts_a_headline_that_merely_mentions_such_a_word(title):
    assert title_non_document_reason(title) is None


def _page(**overrides) -> dict:
    page = {
        "requested_url": ARTICLE,
        "final_url": ARTICLE,
        "status_code": 200,
        "content_type": "text/html; charset=utf-8",
        "text_length": 4000,
        "title": "Amazon shareholders reject facial recognition ban",
    }
    return {**page, **overrides}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"final_url": "https://news.example.org/"}, "redirected to a site's home page"),
        ({"text_length": 120}, "almost no text"),
        ({"title": "Search results"}, "search page"),
        ({"status_code": 404}, "HTTP 404"),
    ],
)
def test_it_flags_a_fetched_page_that_is_not_a_document(overrides, expected):
    reason = fetched_page_reason(**_page(**overrides))
    assert reason is not None and expected in reason


def test_it_accepts_a_fetched_article_a_short_pdf_and_a_refused_fetch():
    assert fetched_page_reason(**_page()) is None
    # A PDF's text may be short or not extracted; its length says nothing.
    assert fetched_page_reason(**_page(content_type="application/pdf", text_length=0)) is None
    # A site that refuses robots (403) says nothing about what is at the address.
    assert fetched_page_reason(**_page(status_code=403, text_length=40)) is None


# --- The audit on seeded gaps --------------------------------------------------------------


def _seed_one_fact_of_each_kind(source: Source | None):
    resolution = f.ShareholderResolutionFactory()
    f.VoteResultFactory(resolution=resolution, source=source)
    f.ProxyAdviserRecommendationFactory(resolution=resolution, source=source)
    demand = f.DemandFactory()
    f.DemandStatusFactory(demand=demand, source=source)
    membership = f.CoalitionMembershipFactory(source=source)
    campaign = demand.campaign
    campaign.source = source
    campaign.save()
    return resolution, demand, membership, campaign


def test_it_lists_each_kind_of_unsourced_fact_with_the_page_that_fixes_it():
    resolution, demand, membership, campaign = _seed_one_fact_of_each_kind(source=None)

    found = [(x.kind, x.admin_path, x.reason) for x in audit_findings() if x.kind == UNSOURCED]

    resolution_page = _change_url("shareholderresolution", resolution.pk)
    assert found == [
        (UNSOURCED, resolution_page, "the vote result has no source"),
        (UNSOURCED, resolution_page, "the proxy adviser's recommendation has no source"),
        (UNSOURCED, _change_url("demand", demand.pk), "the demand's status has no source"),
        (
            UNSOURCED,
            _change_url("coalition", membership.coalition_id),
            "the membership has no source",
        ),
        (UNSOURCED, _change_url("campaign", campaign.pk), "the campaign's dates have no source"),
    ]


def test_it_finds_nothing_when_every_fact_cites_a_document():
    _seed_one_fact_of_each_kind(source=_document(url=ARTICLE))
    f.EventSourceFactory()

    assert audit_findings() == []


def test_it_leaves_an_undated_campaign_alone():
    f.CampaignFactory(started_on=None, ended_on=None)

    assert audit_findings() == []


def test_it_lists_an_event_without_a_citation():
    cited = f.EventSourceFactory().event
    uncited = f.EventFactory(title="Letter nobody linked")

    findings = audit_findings()

    assert [(x.kind, x.record) for x in findings] == [(UNCITED_EVENT, f"Event: {uncited}")]
    assert findings[0].admin_path == _change_url("event", uncited.pk)
    assert cited.pk != uncited.pk


def test_it_lists_a_source_that_is_a_home_page_even_when_a_vote_cites_it():
    home = _document(url="https://techcrunch.com/", title="TechCrunch")
    f.VoteResultFactory(source=home)

    findings = audit_findings()

    assert [(x.kind, x.admin_path) for x in findings] == [
        (SUSPECT_SOURCE, _change_url("source", home.pk))
    ]
    assert "home page" in findings[0].reason


def test_it_lists_a_source_whose_title_says_it_is_an_index():
    index = _document(title="Rule 14a-8 no-action responses (index holding the 2019 letters)")

    (finding,) = audit_findings()

    assert finding.kind == SUSPECT_SOURCE and finding.admin_path.endswith(f"/{index.pk}/change/")


def _snapshot(source: Source, **fields):
    from archive.models import SourceSnapshot

    values = {
        "source": source,
        "fetched_at": timezone.now(),
        "requested_url": source.url,
        "final_url": source.url,
        "status_code": 200,
        "content_type": "text/html",
        "text": "A long article. " * 100,
        "title": source.title,
    }
    return SourceSnapshot.objects.create(**{**values, **fields})


def test_it_lists_a_source_whose_fetch_landed_on_the_home_page():
    source = _document(url=ARTICLE, title="Amazon shareholders reject ban")
    _snapshot(
        source,
        fetched_at=timezone.now() - dt.timedelta(days=30),
        final_url=ARTICLE,
    )
    _snapshot(source, final_url="https://news.example.org/", text="Latest news. Subscribe.")

    (finding,) = audit_findings()

    assert finding.kind == SUSPECT_SOURCE
    assert "redirected to a site's home page" in finding.reason


def test_it_trusts_a_source_whose_latest_fetch_is_a_full_article():
    source = _document(url=ARTICLE, title="Amazon shareholders reject ban")
    _snapshot(source, fetched_at=timezone.now() - dt.timedelta(days=30), text="Stub.")
    _snapshot(source)

    assert audit_findings() == []


def test_it_refuses_to_delete_a_source_that_backs_a_fact():
    source = _document(url=ARTICLE)
    f.VoteResultFactory(source=source)

    with pytest.raises(ProtectedError):
        source.delete()


# --- The command ---------------------------------------------------------------------------


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("audit_sources", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_nothing_when_there_is_nothing_to_report():
    _seed_one_fact_of_each_kind(source=_document(url=ARTICLE))

    assert _run() == ""
    assert _run("--fail-on-findings") == ""


def test_the_command_prints_one_line_per_finding():
    campaign = f.CampaignFactory(name="Stop selling\tface surveillance")
    home = _document(url="https://techcrunch.com/", title="TechCrunch")

    lines = _run().splitlines()

    assert lines == [
        "\t".join(
            [
                UNSOURCED,
                "Campaign dates: Stop selling face surveillance",
                _change_url("campaign", campaign.pk),
                "the campaign's dates have no source",
            ]
        ),
        "\t".join(
            [
                SUSPECT_SOURCE,
                "Source: TechCrunch",
                _change_url("source", home.pk),
                "URL looks like a site's home page",
            ]
        ),
    ]


def test_the_command_fails_on_findings_only_when_asked():
    f.CampaignFactory()

    assert _run().count("\n") == 1
    with pytest.raises(CommandError) as raised:
        _run("--fail-on-findings")
    assert raised.value.returncode == 1


def test_the_command_writes_json():
    campaign = f.CampaignFactory()

    assert json.loads(_run("--format", "json")) == [
        {
            "kind": UNSOURCED,
            "record": f"Campaign dates: {campaign.name}",
            "admin_path": _change_url("campaign", campaign.pk),
            "reason": "the campaign's dates have no source",
        }
    ]


# --- Admin ---------------------------------------------------------------------------------

AUDIT_URL = "/admin/controversies/source/audit/"


@pytest.fixture
def source_viewer(client):
    """Staff who may only view sources: enough to read the queue, not to fix it."""
    user = f.StaffUserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_source"))
    client.force_login(user)
    return client


def test_admin_shows_the_queue_to_staff_who_can_view_sources(source_viewer):
    campaign = f.CampaignFactory(name="Stop selling face surveillance")
    home = _document(url="https://techcrunch.com/", title="TechCrunch")

    response = source_viewer.get(AUDIT_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "2 findings" in html
    assert f'href="{_change_url("campaign", campaign.pk)}"' in html
    assert "Campaign dates: Stop selling face surveillance" in html
    assert f'href="{_change_url("source", home.pk)}"' in html
    assert "URL looks like a site&#x27;s home page" in html


def test_admin_says_so_when_the_queue_is_empty(source_viewer):
    response = source_viewer.get(AUDIT_URL)

    assert "Nothing to fix" in response.content.decode()


def test_admin_links_the_queue_from_the_source_list(source_viewer):
    response = source_viewer.get(reverse("admin:controversies_source_changelist"))

    assert f'href="{AUDIT_URL}"' in response.content.decode()


def test_admin_refuses_the_queue_to_staff_who_cannot_view_sources(client):
    client.force_login(f.StaffUserFactory())

    assert client.get(AUDIT_URL).status_code == 403


def test_admin_sends_anonymous_users_from_the_queue_to_login(client):
    response = client.get(AUDIT_URL)

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_admin_warns_on_the_change_page_of_a_source_that_is_not_a_document(source_viewer):
    home = _document(url="https://techcrunch.com/", title="TechCrunch")
    article = _document(url=ARTICLE)

    warned = source_viewer.get(_change_url("source", home.pk)).content.decode()
    fine = source_viewer.get(_change_url("source", article.pk)).content.decode()

    assert "Likely not a document: URL looks like a site&#x27;s home page" in warned
    assert "Looks like a document." in fine


def test_admin_offers_a_source_on_a_campaign_and_a_membership(client):
    client.force_login(f.CuratorFactory())
    coalition = f.CoalitionMembershipFactory().coalition
    campaign = f.CampaignFactory()

    coalition_form = client.get(_change_url("coalition", coalition.pk)).content.decode()
    campaign_form = client.get(_change_url("campaign", campaign.pk)).content.decode()

    assert 'name="memberships-0-source"' in coalition_form
    assert 'name="source"' in campaign_form
    # Both are autocomplete widgets, as every other relation here.
    assert coalition_form.count("admin-autocomplete") >= 2
    assert "admin-autocomplete" in campaign_form


# --- Public pages --------------------------------------------------------------------------


def test_a_resolution_page_labels_an_unsourced_vote_and_cites_a_sourced_one(client):
    unsourced = f.VoteResultFactory().resolution
    sourced = f.VoteResultFactory(
        source=_document(url=ARTICLE, title="Shareholders reject ban", publisher="Reuters")
    ).resolution

    bare = client.get(unsourced.get_absolute_url()).content.decode()
    cited = client.get(sourced.get_absolute_url()).content.decode()

    assert 'class="unsourced-fact"' in bare and ">unsourced</small>" in bare
    assert 'title="No document backing this has been attached yet' in bare
    assert f'href="{ARTICLE}"' in cited and "unsourced" not in cited


def test_a_resolution_page_labels_an_unsourced_adviser_recommendation(client):
    rec = f.ProxyAdviserRecommendationFactory()

    html = client.get(rec.resolution.get_absolute_url()).content.decode()

    dd = html.split("(proxy adviser)</dt>")[1].split("</dd>")[0]
    assert ">unsourced</small>" in dd


def test_a_campaign_page_labels_unsourced_dates_and_steps(client):
    status = f.DemandStatusFactory(source=None)
    campaign = status.demand.campaign

    html = client.get(campaign.get_absolute_url()).content.decode()

    header = _campaign_header(html)
    steps = html.split('class="status-history"')[1].split("</ol>")[0]
    assert ">unsourced</small>" in header and ">unsourced</small>" in steps

    Campaign.objects.filter(pk=campaign.pk).update(source=_document(url=ARTICLE))
    header = _campaign_header(client.get(campaign.get_absolute_url()).content.decode())
    assert f'href="{ARTICLE}"' in header and "unsourced" not in header


def _campaign_header(html: str) -> str:
    return html.split('<article class="entity campaign">')[1].split("</header>")[0]


def test_a_coalition_page_cites_each_membership_or_labels_it(client):
    sourced = f.CoalitionMembershipFactory(source=_document(url=ARTICLE, publisher="ACLU"))
    f.CoalitionMembershipFactory(coalition=sourced.coalition)

    html = client.get(sourced.coalition.get_absolute_url()).content.decode()

    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[:2]
    assert sorted("unsourced" in row for row in rows) == [False, True]
    assert f'href="{ARTICLE}"' in html


# --- Open data -----------------------------------------------------------------------------


def test_the_api_gives_each_facts_source_or_null(client):
    document = _document(url=ARTICLE, title="Shareholders reject ban")
    vote = f.VoteResultFactory(source=document)
    f.ProxyAdviserRecommendationFactory(resolution=vote.resolution)
    status = f.DemandStatusFactory(source=document)
    membership = f.CoalitionMembershipFactory()

    resolution = client.get(f"/api/resolutions/{vote.resolution.slug}").json()
    campaign = client.get(f"/api/campaigns/{status.demand.campaign.slug}").json()
    coalition = client.get(f"/api/coalitions/{membership.coalition.slug}").json()

    assert resolution["vote"]["source"]["url"] == ARTICLE
    assert resolution["adviser_recommendations"][0]["source"] is None
    assert campaign["source"] is None
    assert campaign["demands"][0]["statuses"][0]["source"]["title"] == "Shareholders reject ban"
    assert coalition["members"][0]["source"] is None


def test_the_resolution_export_ends_with_the_vote_source(client):
    f.VoteResultFactory(source=_document(url=ARTICLE))

    response = client.get("/exports/resolutions.csv")
    header, line = b"".join(response.streaming_content).decode().splitlines()[:2]

    assert header.endswith('"url","vote_source_url"')
    assert line.endswith(f'"{ARTICLE}"')


# --- The demo ------------------------------------------------------------------------------


def test_the_demo_cites_a_document_for_every_fact():
    """Every fact and every event of the demo cites a source, and every source is a
    document: the audit has nothing to say about it."""
    from controversies.demo.loader import load_demo

    load_demo()

    assert audit_findings() == []
