"""Amazon's 2019, 2020 and 2021 annual meetings and the proposals about Rekognition and
its customers on their ballots.

Only figures a cited document states are stored. The 2019 results are the percentages
Reuters reported from Amazon's filing; the Form 8-K itself was not consulted, so the
raw-count fields stay empty rather than being rebuilt from percentages. The 2020 and
2021 results were not checked, so those proposals stay "on the ballot" with no vote, and
their board recommendation is "not recorded" because the proxy statement's wording on
them was not seen.
"""

from __future__ import annotations

import datetime as dt

from .advocacy import SHAREHOLDER_CAMPAIGN
from .specs import MeetingSpec, ResolutionSpec, VoteSpec
from .timeline import CO_FILERS_2019, CO_FILERS_2020, CO_FILERS_2021, REKOGNITION

D = dt.date
FACE_TOPICS = ("facial-recognition", "surveillance", "civil-rights", "privacy")
# The basis Reuters gives for the 2019 percentages, and what was not checked.
REPORTED_2019_BASIS = (
    "Of votes for, against and abstaining; broker non-votes excluded. As Reuters reported "
    "Amazon's filing; the Form 8-K itself was not consulted, so no raw counts are stored."
)
ADVISERS_SOURCE = "irishtimes-ft-2019-05"
CUSTOMER_DUE_DILIGENCE_ASK = (
    "Commission an independent third-party report on how Amazon checks whether its "
    "customers' use of its surveillance and computer vision products or cloud services "
    "contributes to human rights violations."
)

MEETINGS: tuple[MeetingSpec, ...] = (
    MeetingSpec("amazon-2019", "amazon", D(2019, 5, 22), location="Seattle, Washington"),
    MeetingSpec("amazon-2020", "amazon", D(2020, 5, 27), location="Virtual meeting"),
    MeetingSpec("amazon-2021", "amazon", D(2021, 5, 26), location="Virtual meeting"),
)

RESOLUTIONS: tuple[ResolutionSpec, ...] = (
    ResolutionSpec(
        slug="amazon-2019-item-6-rekognition-government-sales",
        meeting="amazon-2019",
        item_number="6",
        title="Ban on Rekognition sales to government agencies",
        ask=(
            "Stop selling facial recognition technology to government agencies unless the "
            "board concludes, after an evaluation based on independent evidence, that it "
            "does not cause or contribute to actual or potential violations of civil and "
            "human rights."
        ),
        status="voted",
        board_recommendation="against",
        controversy=REKOGNITION,
        lead_filer="sisters-of-st-joseph-of-brentwood",
        co_filers=CO_FILERS_2019,
        organiser="open-mic",
        campaign=SHAREHOLDER_CAMPAIGN,
        filed_on=D(2019, 1, 17),
        topics=(*FACE_TOPICS, "policing"),
        advisers=(("iss", "against", ADVISERS_SOURCE), ("glass-lewis", "against", ADVISERS_SOURCE)),
        vote=VoteSpec(
            reported_support_pct="2.4",
            reported_basis=REPORTED_2019_BASIS,
            passed=False,
            source="businesstimes-2019-05-25",
        ),
    ),
    ResolutionSpec(
        slug="amazon-2019-item-7-rekognition-independent-study",
        meeting="amazon-2019",
        item_number="7",
        title="Independent study of Rekognition's risks",
        ask=(
            "Commission an independent study of how far Rekognition threatens civil rights "
            "and privacy, whether it is sold to foreign governments that abuse rights, and "
            "the financial and operational risks that follow, and report to shareholders."
        ),
        status="voted",
        board_recommendation="against",
        controversy=REKOGNITION,
        lead_filer="harrington-investments",
        organiser="open-mic",
        campaign=SHAREHOLDER_CAMPAIGN,
        topics=FACE_TOPICS,
        advisers=(("iss", "for", ADVISERS_SOURCE), ("glass-lewis", "for", ADVISERS_SOURCE)),
        vote=VoteSpec(
            reported_support_pct="27.5",
            reported_basis=REPORTED_2019_BASIS,
            passed=False,
            source="businesstimes-2019-05-25",
        ),
    ),
    ResolutionSpec(
        slug="amazon-2020-item-6-customer-due-diligence",
        meeting="amazon-2020",
        item_number="6",
        title="Report on customer due diligence",
        ask=CUSTOMER_DUE_DILIGENCE_ASK,
        status="on_ballot",
        board_recommendation="unknown",
        controversy=REKOGNITION,
        lead_filer="sisters-of-st-joseph-of-brentwood",
        co_filers=CO_FILERS_2020,
        filed_on=D(2019, 12, 4),  # received by Amazon that day, per its SEC request
        topics=FACE_TOPICS,
    ),
    ResolutionSpec(
        slug="amazon-2021-item-4-customer-due-diligence",
        meeting="amazon-2021",
        item_number="4",
        title="Report on customer due diligence",
        ask=CUSTOMER_DUE_DILIGENCE_ASK,
        status="on_ballot",
        board_recommendation="unknown",
        controversy=REKOGNITION,
        lead_filer="sisters-of-st-joseph-of-brentwood",
        co_filers=CO_FILERS_2021,
        topics=FACE_TOPICS,
    ),
)
