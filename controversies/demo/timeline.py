"""The controversies and their dated events, summarised in the project's own words.

Dates known only to the month are stored as the first of the month with month precision.
Every event cites the documents that state it (see sources.py); a fact no document we
could see states is left out. A moment several cases share (the January 2019 coalition
letters, IBM's exit, Microsoft's pause) is one event listed on each of those
controversies.
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

# The proponents of each year's proposals, as the proponents' SEC exempt solicitations
# (PX14A6G) name them; the lead filer comes first in each filing and is kept apart.
CO_FILERS_2019 = (
    "azzad-asset-management",
    "maryknoll-sisters",
    "sisters-of-st-francis-charitable-trust",
    "sisters-of-st-francis-of-philadelphia",
)
CO_FILERS_2020 = (
    "american-baptist-home-mission-society",
    "maryknoll-sisters",
    "capuchin-province-of-st-joseph",
    "sisters-of-charity-of-st-elizabeth",
    "sisters-of-st-francis-of-philadelphia",
    "sisters-of-st-joseph-of-peace",
    "sisters-of-the-holy-names-of-jesus-and-mary",
    "unitarian-universalist-association",
)
CO_FILERS_2021 = (
    "american-baptist-home-mission-society",
    "friends-fiduciary-corporation",
    "maryknoll-sisters",
    "robeco",
    "sisters-of-charity-of-st-elizabeth",
    "sisters-of-st-dominic-of-amityville",
    "sisters-of-st-francis-of-philadelphia",
    "unitarian-universalist-association",
)
FACE_TOPICS = ("facial-recognition", "surveillance", "policing", "civil-rights", "privacy")

CONTROVERSIES: tuple[ControversySpec, ...] = (
    ControversySpec(
        slug=REKOGNITION,
        title="Amazon Rekognition sales to police and government",
        summary=(
            "Amazon's cloud arm sold its Rekognition face-matching service to US police. "
            "Civil liberties groups, Amazon's own staff and a group of shareholders pushed "
            "the company to stop, pointing to surveillance risks and to a test in which the "
            "system wrongly matched members of Congress to arrest photos, people of color "
            "disproportionately. Shareholder proposals failed in 2019; in June 2020 Amazon "
            "paused police use for a year and in May 2021 extended the pause until further "
            "notice."
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
    "technology to government. The ACLU gave the count as over 85 that day and as 90 two "
    "days later."
)
FIRST_LETTER_TITLE = "About 40 groups ask Amazon to stop selling Rekognition to government"
JUNE_DELIVERY_TITLE = (
    "Coalition letter, now with nearly 70 groups, delivered to Amazon with a petition"
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
        "Office in Oregon among its users. The post was co-written at the ACLU of Northern "
        "California.",
        actors=(
            ("aclu", "author"),
            ("aclu-of-northern-california", "author"),
            ("amazon", "target"),
            ("orlando-police-department", "customer"),
            ("washington-county-sheriffs-office", "customer"),
        ),
        sources=(Cite("aclu-2018-05-22"), Cite("zdnet-2018-05-22")),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2018, 5, 22),
        DAY,
        "open_letter",
        FIRST_LETTER_TITLE,
        "The same day, a coalition of civil rights groups led by the ACLU, the Electronic "
        "Frontier Foundation among them, wrote to Jeff Bezos asking Amazon to stop "
        "providing Rekognition to governments. The number of signatories is approximate: "
        "reports put it at about 40.",
        actors=(
            ("aclu", "organiser"),
            ("electronic-frontier-foundation", "signatory"),
            ("amazon", "target"),
        ),
        sources=(Cite("zdnet-2018-05-22"),),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2018, 6, 1),
        MONTH,
        "open_letter",
        "Amazon employees ask Jeff Bezos to stop selling Rekognition to police",
        "An internal letter, with more than 100 signatures at first, asked Amazon to stop "
        "selling Rekognition to police and to stop providing cloud services to Palantir and "
        "other partners of U.S. Immigration and Customs Enforcement (ICE).",
        actors=(("amazon-employees", "author"), ("amazon", "target")),
        sources=(Cite("digitaltrends-2018-06-22"), Cite("medium-2018-10-interview")),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2018, 6, 18),
        DAY,
        "open_letter",
        JUNE_DELIVERY_TITLE,
        "The ACLU of Washington and allied groups handed Amazon the coalition letter, by "
        "then signed by nearly 70 organisations, with a petition of more than 150,000 "
        "signatures and a separate letter from Amazon shareholders.",
        actors=(
            ("aclu-of-washington", "organiser"),
            ("aclu", "organiser"),
            ("amazon", "target"),
        ),
        sources=(Cite("coalition-letter-2018-06-18"), Cite("newatlas-2018-06")),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2018, 7, 26),
        DAY,
        "research",
        "ACLU test: Rekognition falsely matches 28 members of Congress with mugshots",
        "Using Rekognition's default settings, the ACLU of Northern California compared "
        "photos of every member of Congress with 25,000 public arrest photos, for $12.33. "
        "The service wrongly matched 28 members of Congress, and members of color were "
        "over-represented among the false matches.",
        actors=(
            ("aclu", "author"),
            ("aclu-of-northern-california", "author"),
            ("amazon", "target"),
        ),
        sources=(Cite("aclu-2018-07-26"),),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2018, 10, 16),
        DAY,
        "open_letter",
        "An Amazon employee says the staff letter, now over 450 signatures, reached Bezos",
        "In an anonymous op-ed, an Amazon employee wrote that the staff letter against "
        "selling Rekognition to police, signed by more than 450 employees, had been handed "
        "to Jeff Bezos and other executives.",
        actors=(("amazon-employees", "author"), ("amazon", "target")),
        sources=(Cite("medium-2018-10-16"), Cite("medium-2018-10-interview")),
    ),
    EventSpec(
        (REKOGNITION, MICROSOFT, GOOGLE),
        D(2019, 1, 15),
        DAY,
        "open_letter",
        COALITION_LETTER_TITLE,
        COALITION_LETTER_SUMMARY,
        actors=(
            ("aclu", "organiser"),
            ("amazon", "target"),
            ("microsoft", "target"),
            ("google", "target"),
        ),
        sources=(Cite("aclu-2019-01-15"), Cite("aclu-2019-01-17", "the count of 90")),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2019, 1, 17),
        DAY,
        "resolution_filed",
        "Shareholders file a proposal to halt Rekognition sales to government",
        "Investors organised by Open MIC, led by the Sisters of St. Joseph of Brentwood, "
        "asked Amazon's board to stop selling Rekognition to government agencies unless an "
        "independent evaluation finds it does not cause or contribute to rights violations. "
        "Open MIC put the filers' assets under management at about $1.32bn. The ACLU of "
        "Washington welcomed the proposal.",
        actors=(
            ("sisters-of-st-joseph-of-brentwood", "filer"),
            *((slug, "filer") for slug in CO_FILERS_2019),
            ("open-mic", "organiser"),
            ("aclu-of-washington", "actor"),
            ("amazon", "target"),
        ),
        sources=(
            Cite("seekingalpha-2019-01-17"),
            Cite("openmic-ban-proposal-2019"),
            Cite("aclu-2019-01-17"),
            Cite("px14a6g-2019-item6", "names of the persons relying on the exemption"),
        ),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2019, 3, 28),
        DAY,
        "regulator",
        "SEC staff refuse to let Amazon drop the two Rekognition proposals",
        "Amazon had asked the SEC's staff in January to agree it could leave both "
        "Rekognition proposals out of its proxy materials. The staff could not agree, so "
        "both had to go to a vote.",
        actors=(("sec", "regulator"), ("amazon", "respondent")),
        sources=(Cite("sec-staff-2019-03-28"),),
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
        sources=(Cite("sec-staff-2019-04-03"),),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2019, 4, 11),
        DAY,
        "company_response",
        "Amazon's proxy statement puts both Rekognition proposals to a vote, board opposed",
        "The 2019 proxy listed the ban on government sales as Item 6 and Harrington "
        "Investments' independent study as Item 7; Amazon's board recommended voting "
        "against every shareholder proposal, these two included.",
        actors=(("amazon", "respondent"), ("harrington-investments", "filer")),
        sources=(
            Cite("amazon-proxy-2019", "notice dated 11 April 2019"),
            Cite("px14a6g-2019-item6", "Item 6"),
            Cite("px14a6g-2019-item7", "Item 7"),
        ),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2019, 5, 22),
        DAY,
        "shareholder_vote",
        "Amazon shareholders reject both Rekognition proposals",
        "At the annual meeting in Seattle, shareholders voted down the proposed ban on "
        "government sales, moved by the ACLU of Washington for the proponents, and the "
        "proposed independent study. Reuters, reading Amazon's filing, put support at about "
        "2.4% and about 27.5% of the votes for, against and abstaining. Open MIC put the "
        "study's support at about 37% leaving out the shares Jeff Bezos controls. The "
        "proxy advisers ISS and Glass Lewis had backed the study and opposed the ban.",
        actors=(
            ("amazon", "target"),
            ("open-mic", "organiser"),
            ("aclu-of-washington", "actor"),
            ("iss", "actor"),
            ("glass-lewis", "actor"),
        ),
        sources=(
            Cite("businesstimes-2019-05-25"),
            Cite("irishtimes-ft-2019-05"),
            Cite("openmic-2019-05-28"),
            Cite("iasj-2019-agm"),
        ),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2020, 5, 27),
        DAY,
        "shareholder_vote",
        "2020 annual meeting: a customer due-diligence proposal on the ballot",
        "Item 6 asked Amazon for an independent report on how it checks whether customers' "
        "use of its surveillance and computer vision products, facial recognition among "
        "them, contributes to human rights violations. Amazon had asked the SEC staff in "
        "January to let it leave the proposal out and, per Open MIC, failed. Open MIC also "
        "reported a separate proposal on Rekognition sales to government on the ballot. "
        "The results are not recorded here: the filing that reports them was not checked.",
        actors=(
            ("sisters-of-st-joseph-of-brentwood", "filer"),
            *((slug, "filer") for slug in CO_FILERS_2020),
            ("amazon", "target"),
        ),
        sources=(
            Cite("px14a6g-2020-item6"),
            Cite("amazon-no-action-request-2020"),
            Cite("openmic-2020-05-05"),
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
        "Amazon said police would not be allowed to use Rekognition for a year, hoping "
        "Congress would use the time to write rules; groups fighting human trafficking and "
        "finding missing children kept access.",
        actors=(("amazon", "actor"),),
        sources=(Cite("amazon-2020-06-10"), Cite("buzzfeed-2020-06-10")),
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
        "With the one-year pause about to lapse and no federal law passed, Amazon told "
        "Reuters it was keeping police use of Rekognition suspended until further notice; "
        "it gave no reason.",
        actors=(("amazon", "actor"),),
        sources=(Cite("reuters-2021-05-18"), Cite("verge-2021-05-18")),
    ),
    EventSpec(
        (REKOGNITION,),
        D(2021, 5, 26),
        DAY,
        "shareholder_vote",
        "2021 annual meeting: customer due diligence on the ballot again",
        "At the virtual annual meeting, Item 4 again asked for an independent report on "
        "Amazon's customer due diligence for its surveillance and computer vision "
        "products. ICCR's list of 2021 Amazon proposals also includes one on Rekognition. "
        "The results are not recorded here: the filing that reports them was not checked.",
        actors=(
            ("sisters-of-st-joseph-of-brentwood", "filer"),
            *((slug, "filer") for slug in CO_FILERS_2021),
            ("amazon", "target"),
        ),
        sources=(
            Cite("px14a6g-2021-item4"),
            Cite("amazon-proxy-2021"),
            Cite("iccr-2021-amazon"),
        ),
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
