"""The controversies and their dated events, summarised in the project's own words.

Dates known only to the month are stored as the first of the month with month precision.
The Rekognition timeline carries every row of the case file's timeline (plus the 2019
proxy statement and Amazon's no-comment, both part of the story). A moment several cases
share (the January 2019 coalition letter, IBM's exit, Microsoft's pause) is one event
listed on each of those controversies.
"""

from __future__ import annotations

import datetime as dt

from .specs import Cite, ControversySpec, EventSpec

D = dt.date
DAY, MONTH = "day", "month"
REKOGNITION = "amazon-rekognition"
MICROSOFT = "microsoft-face-recognition-police"
GOOGLE = "google-face-recognition-government"
IBM = "ibm-facial-recognition-exit"

CO_FILERS_2019 = (
    "sisters-of-st-francis-of-philadelphia",
    "maryknoll-sisters",
    "sisters-of-st-francis-charitable-trust",
    "azzad-asset-management",
)
COALITION_SIGNATORIES = (
    "aclu-of-california",
    "aclu-of-washington",
    "national-lawyers-guild",
    "freedom-of-the-press-foundation",
    "electronic-frontier-foundation",
    "raices",
    "mijente",
)
FACE_TOPICS = ("facial-recognition", "surveillance", "policing", "civil-rights", "privacy")

CONTROVERSIES: tuple[ControversySpec, ...] = (
    ControversySpec(
        slug=REKOGNITION,
        title="Amazon Rekognition sales to police and government",
        summary=(
            "Amazon's cloud arm sold its Rekognition face-matching service to US police and "
            "offered it to federal agencies. Civil liberties groups, Amazon's own staff and a "
            "group of shareholders pushed the company to stop, pointing to surveillance "
            "risks and to tests in which the system misidentified people of color more "
            "often. Shareholder proposals failed in 2019; in June 2020 Amazon paused police "
            "use for a year and in May 2021 extended the pause indefinitely."
        ),
        status="ongoing",
        started_on=D(2018, 5, 22),
        companies=("amazon", "amazon-web-services"),
        products=("amazon-rekognition",),
        topics=(*FACE_TOPICS, "immigration", "bias-and-discrimination", "labour"),
    ),
    ControversySpec(
        slug=MICROSOFT,
        title="Microsoft and face recognition for police",
        summary=(
            "Microsoft was one of three companies asked by a coalition of more than 85 "
            "groups in January 2019 not to sell face surveillance to government. In June "
            "2020 it said it would not sell facial recognition to US police until a federal "
            "law governs the technology."
        ),
        status="dormant",
        started_on=D(2019, 1, 15),
        companies=("microsoft",),
        topics=FACE_TOPICS,
    ),
    ControversySpec(
        slug=GOOGLE,
        title="Google and face surveillance for government",
        summary=(
            "Google said in December 2018 that it would hold back general-purpose face "
            "recognition from its cloud for now; a month later the coalition letters asked "
            "it, alongside Amazon and Microsoft, to commit never to sell face surveillance "
            "to government."
        ),
        status="dormant",
        started_on=D(2018, 12, 13),
        companies=("google",),
        topics=FACE_TOPICS,
    ),
    ControversySpec(
        slug=IBM,
        title="IBM leaves the facial recognition business",
        summary=(
            "In a June 2020 letter to members of Congress, IBM's chief executive said the "
            "company no longer offers general-purpose facial recognition or analysis "
            "software and opposes its use for mass surveillance and racial profiling."
        ),
        status="resolved",
        started_on=D(2020, 6, 8),
        companies=("ibm",),
        topics=(*FACE_TOPICS, "bias-and-discrimination"),
    ),
)

COALITION_LETTER_TITLE = (
    "Coalition of 85+ groups asks Amazon, Microsoft and Google not to sell face surveillance"
)
COALITION_LETTER_SUMMARY = (
    "More than 85 racial justice, faith, civil, human and immigrants' rights groups sent "
    "letters to the three companies asking each to commit not to provide face surveillance "
    "technology to government."
)
COALITION_ACTORS = (
    ("aclu", "organiser"),
    *((slug, "signatory") for slug in COALITION_SIGNATORIES),
)
MICROSOFT_PAUSE_TITLE = "Microsoft says it will not sell facial recognition to US police for now"
MICROSOFT_PAUSE_SUMMARY = (
    "Microsoft's president said the company would not sell facial recognition to police "
    "departments in the United States until a national law grounded in human rights "
    "governs the technology."
)
IBM_EXIT_TITLE = "IBM stops offering general-purpose facial recognition"
IBM_EXIT_SUMMARY = (
    "IBM's chief executive told members of Congress the company had ended its "
    "general-purpose facial recognition and analysis products and called for a national "
    "discussion on police use of the technology."
)

EVENTS: tuple[EventSpec, ...] = (
    # --- Amazon Rekognition -------------------------------------------------------------
    EventSpec(
        (REKOGNITION,),
        D(2018, 5, 22),
        DAY,
        "report",
        "ACLU reveals Amazon is marketing Rekognition to police",
        "Public records obtained by ACLU affiliates showed Amazon promoting Rekognition to "
        "law enforcement, with the Orlando police and the Washington County Sheriff's "
        "Office in Oregon among its users. A coalition of groups asked Amazon to stop "
        "providing the service to governments.",
        actors=(
            ("aclu", "author"),
            ("aclu-of-california", "author"),
            ("amazon", "target"),
            ("orlando-police-department", "customer"),
            ("washington-county-sheriffs-office", "customer"),
        ),
        sources=(Cite("aclu-2018-05-22"),),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2018, 6, 1),
        MONTH,
        "open_letter",
        "Amazon employees ask Jeff Bezos to stop selling Rekognition to police",
        "An internal letter, later reported to carry about 450 signatures, asked Amazon to "
        "stop selling Rekognition to police and to stop providing cloud services to "
        "Palantir, a contractor of U.S. Immigration and Customs Enforcement (ICE).",
        actors=(("amazon-employees", "author"), ("amazon", "target")),
        sources=(Cite("wapo-2018-06-22"),),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2018, 7, 26),
        DAY,
        "research",
        "ACLU test: Rekognition falsely matches 28 members of Congress with mugshots",
        "Using Rekognition's default settings, the ACLU compared photos of every member of "
        "Congress with 25,000 public arrest photos. The service wrongly matched 28 members "
        "of Congress, and members of color were over-represented among the false matches.",
        actors=(("aclu", "author"), ("aclu-of-california", "author"), ("amazon", "target")),
        sources=(Cite("aclu-2018-07-26"),),
    ),
    EventSpec(
        (REKOGNITION, MICROSOFT, GOOGLE),
        D(2019, 1, 15),
        DAY,
        "open_letter",
        COALITION_LETTER_TITLE,
        COALITION_LETTER_SUMMARY,
        actors=(
            *COALITION_ACTORS,
            ("amazon", "target"),
            ("microsoft", "target"),
            ("google", "target"),
        ),
        sources=(Cite("aclu-2019-01-15"),),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2019, 1, 17),
        DAY,
        "resolution_filed",
        "Shareholders file a proposal to halt Rekognition sales to government",
        "Investors coordinated by Open MIC, led by the Sisters of St. Joseph of Brentwood, "
        "asked Amazon's board to stop selling Rekognition to government agencies unless an "
        "independent evaluation finds it does not cause or contribute to rights violations. "
        "The filers held about $1.32bn in assets under management.",
        actors=(
            ("sisters-of-st-joseph-of-brentwood", "filer"),
            *((slug, "filer") for slug in CO_FILERS_2019),
            ("tri-state-coalition-for-responsible-investment", "filer"),
            ("open-mic", "organiser"),
            ("amazon", "target"),
        ),
        sources=(
            Cite("seekingalpha-2019-01-17"),
            Cite("sec-px14a6g-item6", "list of persons relying on the exemption"),
        ),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2019, 1, 17),
        DAY,
        "no_comment",
        "Amazon declines to comment on the shareholder proposal",
        "Asked about the filing, Amazon gave no comment.",
        actors=(("amazon", "respondent"),),
        sources=(Cite("techcrunch", "report of 17 January 2019"),),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2019, 3, 28),
        DAY,
        "regulator",
        "SEC staff refuse to let Amazon drop the two Rekognition proposals",
        "Amazon had asked the SEC's staff to agree it could leave both Rekognition proposals "
        "out of its proxy materials. The staff declined, so both had to go to a vote.",
        actors=(("sec", "regulator"), ("amazon", "respondent")),
        sources=(Cite("sec-14a8-responses", "Amazon.com, Inc., staff response of 28 March 2019"),),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2019, 4, 3),
        DAY,
        "regulator",
        "SEC staff turn down Amazon's request to reconsider",
        "Amazon asked the staff to think again; the staff found no basis to change its view "
        "and declined to refer the question to the Commission.",
        actors=(("sec", "regulator"), ("amazon", "respondent")),
        sources=(Cite("sec-14a8-responses", "Amazon.com, Inc., staff letter of 3 April 2019"),),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2019, 4, 1),
        MONTH,
        "company_response",
        "Amazon's proxy statement puts both Rekognition proposals to a vote, board opposed",
        "The 2019 proxy listed the ban on government sales as Item 6 and the independent "
        "study as Item 7; Amazon's board recommended voting against both.",
        actors=(("amazon", "respondent"), ("harrington-investments", "filer")),
        sources=(
            Cite("edgar-amazon-def14a", "2019 definitive proxy statement"),
            Cite("sec-px14a6g-item7"),
        ),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2019, 5, 22),
        DAY,
        "shareholder_vote",
        "Amazon shareholders reject both Rekognition proposals",
        "At the annual meeting in Seattle, shareholders voted down the proposed ban on "
        "government sales and the proposed independent study; the board had opposed both.",
        actors=(("amazon", "target"), ("open-mic", "organiser")),
        sources=(Cite("thehill-2019-05-22"), Cite("reuters-2019-05-22")),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2019, 5, 24),
        DAY,
        "shareholder_vote",
        "Form 8-K vote totals: the ban won about 2.4%, the study about 27.5%",
        "Amazon's filing with the vote counts showed the ban on government sales supported "
        "by about 2.4% of votes and the independent study by about 27.5%, with broker "
        "non-votes left out and abstentions counted against. Open MIC put support for the "
        "study at about 37% of shares not held by insiders.",
        actors=(("amazon", "author"),),
        sources=(
            Cite("businesstimes-2019-05-25"),
            Cite("edgar-amazon-8k", "Form 8-K filed 24 May 2019, Item 5.07"),
            Cite("openmic-2019-05-28"),
        ),
    ),
    EventSpec(
        (REKOGNITION, IBM),
        D(2020, 6, 8),
        DAY,
        "policy_change",
        IBM_EXIT_TITLE,
        IBM_EXIT_SUMMARY,
        actors=(("ibm", "actor"),),
        sources=(Cite("ibm-2020-06-08"),),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2020, 6, 10),
        DAY,
        "policy_change",
        "Amazon announces a one-year moratorium on police use of Rekognition",
        "Amazon said police would not be allowed to use Rekognition for a year, to give "
        "Congress time to write rules; groups fighting human trafficking and finding "
        "missing children kept access.",
        actors=(("amazon", "actor"),),
        sources=(Cite("buzzfeed-2020-06-10"),),
    ),
    EventSpec(
        (REKOGNITION, MICROSOFT),
        D(2020, 6, 11),
        DAY,
        "policy_change",
        MICROSOFT_PAUSE_TITLE,
        MICROSOFT_PAUSE_SUMMARY,
        actors=(("microsoft", "actor"),),
        sources=(Cite("usatoday-2020-06-11"),),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2021, 5, 18),
        DAY,
        "policy_change",
        "Amazon extends the police moratorium until further notice",
        "With the one-year pause about to lapse and no federal law passed, Amazon kept "
        "police use of Rekognition suspended with no end date, without giving a reason.",
        actors=(("amazon", "actor"),),
        sources=(Cite("verge-2021-05-18"),),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2021, 5, 26),
        DAY,
        "shareholder_vote",
        "2021 annual meeting again votes on a Rekognition proposal",
        "Amazon's 2021 ballot again carried a shareholder proposal, this time asking for an "
        "independent audit of the risks of government use of Rekognition.",
        actors=(("amazon", "target"),),
        sources=(Cite("edgar-amazon-def14a", "2021 definitive proxy statement"),),
    ),
    # --- Microsoft ----------------------------------------------------------------------
    # --- Google -------------------------------------------------------------------------
    EventSpec(
        (GOOGLE,),
        D(2018, 12, 13),
        DAY,
        "company_response",
        "Google holds back general-purpose face recognition from its cloud",
        "Google said its cloud would not offer general-purpose facial recognition APIs until "
        "technology and policy questions are worked through; the ACLU welcomed the step.",
        actors=(("google", "actor"),),
        sources=(Cite("9to5google-2018-12-13"),),
    ),
    # --- IBM ----------------------------------------------------------------------------
)
