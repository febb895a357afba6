"""Rows an earlier version of the demo wrote that the current specs no longer have.

The loader removes them so a database loaded with an older demo ends up like a fresh
one: no duplicated event, no uncited claim left behind. Each is named by the natural key
the old specs used. Events and resolutions belong to the demo and are deleted outright;
an organisation or a source is deleted only when nothing else refers to it any more (a
curator may have linked it to their own records), otherwise it is left in place.
"""

from __future__ import annotations

import datetime as dt

D = dt.date

RETIRED_EVENTS: tuple[tuple[dt.date, str], ...] = (
    (D(2019, 1, 17), "Amazon declines to comment on the shareholder proposal"),
    (
        D(2019, 4, 1),
        "Amazon's proxy statement puts both Rekognition proposals to a vote, board opposed",
    ),
    (D(2019, 5, 24), "Form 8-K vote totals: the ban won about 2.4%, the study about 27.5%"),
    (D(2021, 5, 26), "2021 annual meeting again votes on a Rekognition proposal"),
)

RETIRED_RESOLUTIONS: tuple[str, ...] = ("amazon-2021-rekognition-government-use-audit",)

RETIRED_ORGANIZATIONS: tuple[str, ...] = (
    "aclu-of-california",
    "national-lawyers-guild",
    "freedom-of-the-press-foundation",
    "raices",
    "mijente",
)

RETIRED_SOURCE_URLS: tuple[str, ...] = (
    "https://www.washingtonpost.com/news/the-switch/wp/2018/06/22/"
    "amazon-employees-demand-company-cut-ties-with-ice/",
    "https://techcrunch.com/",
    "https://www.sec.gov/Archives/edgar/data/1018724/000121465919002914/",
    "https://www.sec.gov/Archives/edgar/data/1018724/000121465919003110/",
    "https://www.sec.gov/divisions/corpfin/cf-noaction/14a-8.shtml",
    "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=0001018724&type=DEF+14A",
    "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=0001018724&type=8-K",
    "https://thehill.com/policy/technology/"
    "445047-amazon-shareholders-vote-down-limits-on-facial-recognition-software",
    "https://www.reuters.com/article/amazoncom-facial-recognition/"
    "amazon-shareholders-reject-proposal-to-ban-facial-recognition-sales-to-governments-"
    "idUSL2N22Y0YM",
)
