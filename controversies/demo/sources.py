"""The documents the demo cites. Each is keyed here by a short name.

Only addresses known to exist are used. Titles are the publishers' headlines where we
have them; otherwise a "Report: ..." description in our own words that a curator can
replace with the headline. Where the case file names a publication without
an address we could confirm (a TechCrunch report, SEC staff letters), the source points at
the publisher's site or the official index that holds the document, and says so in its
title, instead of guessing an article address. Excerpts are our own short notes.
"""

from __future__ import annotations

import datetime as dt

from .specs import SourceSpec

D = dt.date

SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec(
        key="aclu-2018-05-22",
        url="https://www.aclu.org/blog/privacy-technology/surveillance-technologies/"
        "amazon-teams-government-deploy-dangerous-new",
        title="Amazon Teams Up With Government to Deploy Dangerous New Facial Recognition "
        "Technology",
        publisher="ACLU",
        published_on=D(2018, 5, 22),
        excerpt="Records obtained by ACLU affiliates show Amazon marketing Rekognition to "
        "police, with Orlando and Washington County, Oregon, as users.",
    ),
    SourceSpec(
        key="wapo-2018-06-22",
        url="https://www.washingtonpost.com/news/the-switch/wp/2018/06/22/"
        "amazon-employees-demand-company-cut-ties-with-ice/",
        title="Amazon employees demand company cut ties with ICE",
        publisher="The Washington Post",
        published_on=D(2018, 6, 22),
        excerpt="Reports the internal employee letter asking Amazon to stop selling "
        "Rekognition to police and to stop supporting ICE contractors.",
    ),
    SourceSpec(
        key="aclu-2018-07-26",
        url="https://www.aclu.org/blog/privacy-technology/surveillance-technologies/"
        "amazons-face-recognition-falsely-matched-28",
        title="Amazon's Face Recognition Falsely Matched 28 Members of Congress With Mugshots",
        publisher="ACLU",
        published_on=D(2018, 7, 26),
        excerpt="The ACLU's test of Rekognition against a mugshot database, run with the "
        "default settings.",
    ),
    SourceSpec(
        key="9to5google-2018-12-13",
        url="https://9to5google.com/2018/12/13/google-not-selling-face-recognition/",
        title="Report: Google Cloud holds back general-purpose face recognition",
        publisher="9to5Google",
        published_on=D(2018, 12, 13),
        excerpt="Reports Google Cloud's statement that it will not offer general-purpose "
        "facial recognition APIs for now.",
    ),
    SourceSpec(
        key="aclu-2019-01-15",
        url="https://www.aclu.org/press-releases/"
        "pressure-mounts-amazon-microsoft-and-google-against-selling-facial-recognition",
        title="Pressure Mounts on Amazon, Microsoft, and Google Against Selling Facial "
        "Recognition to Government",
        publisher="ACLU",
        published_on=D(2019, 1, 15),
        excerpt="Press release on the coalition letters sent to the three companies.",
    ),
    SourceSpec(
        key="seekingalpha-2019-01-17",
        url="https://seekingalpha.com/news/3423856-shareholder-proposal-targets-amazons-rekognition",
        title="Shareholder proposal targets Amazon's Rekognition",
        publisher="Seeking Alpha",
        published_on=D(2019, 1, 17),
        excerpt="News brief on the proposal organised by Open MIC and filed by the Sisters "
        "of St. Joseph of Brentwood.",
    ),
    SourceSpec(
        key="techcrunch",
        url="https://techcrunch.com/",
        title="TechCrunch (report of 17 January 2019 on the Amazon shareholder proposal; "
        "article address not recorded)",
        publisher="TechCrunch",
        excerpt="TechCrunch reported the filing and that Amazon had not commented.",
    ),
    SourceSpec(
        key="sec-px14a6g-item6",
        url="https://www.sec.gov/Archives/edgar/data/1018724/000121465919002914/",
        title="Notice of exempt solicitation (PX14A6G): proponents of Item 6 at Amazon's "
        "2019 annual meeting",
        publisher="U.S. Securities and Exchange Commission (EDGAR)",
        excerpt="Names the lead filer and its four co-proponents of the ban proposal.",
    ),
    SourceSpec(
        key="sec-px14a6g-item7",
        url="https://www.sec.gov/Archives/edgar/data/1018724/000121465919003110/",
        title="Notice of exempt solicitation (PX14A6G): Harrington Investments on Item 7 at "
        "Amazon's 2019 annual meeting",
        publisher="U.S. Securities and Exchange Commission (EDGAR)",
        excerpt="Harrington Investments' case for the independent study proposal.",
    ),
    SourceSpec(
        key="sec-14a8-responses",
        url="https://www.sec.gov/divisions/corpfin/cf-noaction/14a-8.shtml",
        title="SEC Division of Corporation Finance: Rule 14a-8 no-action responses "
        "(index holding the Amazon.com, Inc. letters of 28 March and 3 April 2019)",
        publisher="U.S. Securities and Exchange Commission",
        excerpt="The staff's published responses to companies' requests to omit shareholder "
        "proposals.",
    ),
    SourceSpec(
        key="edgar-amazon-def14a",
        url="https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=0001018724"
        "&type=DEF+14A",
        title="Amazon.com, Inc. definitive proxy statements (DEF 14A) on EDGAR",
        publisher="U.S. Securities and Exchange Commission (EDGAR)",
        excerpt="Amazon's proxy statements, with the shareholder proposals and the board's "
        "recommendations.",
    ),
    SourceSpec(
        key="edgar-amazon-8k",
        url="https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=0001018724&type=8-K",
        title="Amazon.com, Inc. current reports (Form 8-K) on EDGAR",
        publisher="U.S. Securities and Exchange Commission (EDGAR)",
        excerpt="Includes the Form 8-K of 24 May 2019 with the 2019 annual meeting vote totals.",
    ),
    SourceSpec(
        key="thehill-2019-05-22",
        url="https://thehill.com/policy/technology/"
        "445047-amazon-shareholders-vote-down-limits-on-facial-recognition-software",
        title="Report: Amazon shareholders vote down limits on facial recognition",
        publisher="The Hill",
        published_on=D(2019, 5, 22),
    ),
    SourceSpec(
        key="reuters-2019-05-22",
        url="https://www.reuters.com/article/amazoncom-facial-recognition/"
        "amazon-shareholders-reject-proposal-to-ban-facial-recognition-sales-to-governments-"
        "idUSL2N22Y0YM",
        title="Amazon shareholders reject proposal to ban facial recognition sales to governments",
        publisher="Reuters",
        published_on=D(2019, 5, 22),
    ),
    SourceSpec(
        key="businesstimes-2019-05-25",
        url="https://www.businesstimes.com.sg/technology/"
        "at-amazon-facial-recognition-ban-won-just-2-of-shareholder-vote",
        title="At Amazon, facial recognition ban won just 2% of shareholder vote",
        publisher="The Business Times (Reuters)",
        published_on=D(2019, 5, 25),
        excerpt="Reuters report of the Form 8-K tallies: about 2.4% for the ban and about "
        "27.5% for the study, broker non-votes excluded.",
    ),
    SourceSpec(
        key="openmic-2019-05-28",
        url="http://openmic.org/news/2019/5/28/strong-showing-for-amazon-proposal",
        title="In Strong Showing for First-of-its-Kind Shareholder Proposal, 37% of "
        "Independent Shareholders Vote for Amazon to Address Risks of Surveillance Technology",
        publisher="Open MIC",
        published_on=D(2019, 5, 28),
        excerpt="Open MIC's reading of the study proposal's result: about 28% of all votes, "
        "about 37% excluding shares controlled by insiders.",
    ),
    SourceSpec(
        key="ibm-2020-06-08",
        url="https://www.ibm.com/policy/facial-recognition-sunset-racial-justice-reforms/",
        title="IBM CEO's letter to Congress on racial justice reform",
        publisher="IBM",
        published_on=D(2020, 6, 8),
        excerpt="Arvind Krishna's letter saying IBM no longer offers general-purpose facial "
        "recognition or analysis software.",
    ),
    SourceSpec(
        key="buzzfeed-2020-06-10",
        url="https://www.buzzfeednews.com/article/carolinehaskins1/"
        "amazon-suspending-facial-recognition-police",
        title="Report: Amazon suspends police use of Rekognition for a year",
        publisher="BuzzFeed News",
        published_on=D(2020, 6, 10),
    ),
    SourceSpec(
        key="usatoday-2020-06-11",
        url="https://www.usatoday.com/story/tech/2020/06/11/"
        "microsoft-not-sell-facial-recognition-us-police-departments/5345988002/",
        title="Report: Microsoft will not sell facial recognition to US police",
        publisher="USA Today",
        published_on=D(2020, 6, 11),
    ),
    SourceSpec(
        key="verge-2021-05-18",
        url="https://www.theverge.com/2021/5/18/22442580/"
        "amazon-law-enforcement-police-facial-recognition-software-ban",
        title="Report: Amazon extends its police moratorium until further notice",
        publisher="The Verge",
        published_on=D(2021, 5, 18),
    ),
)
