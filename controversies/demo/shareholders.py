"""Amazon's 2019 and 2021 annual meetings and the Rekognition proposals on their ballots.

Vote results are stored as reported percentages only: the case file has no share counts,
so the raw-count fields stay empty rather than being reconstructed from percentages.
"""

from __future__ import annotations

import datetime as dt

from .advocacy import SHAREHOLDER_CAMPAIGN
from .specs import MeetingSpec, ResolutionSpec, VoteSpec
from .timeline import CO_FILERS_2019, REKOGNITION

D = dt.date
FACE_TOPICS = ("facial-recognition", "surveillance", "civil-rights", "privacy")

MEETINGS: tuple[MeetingSpec, ...] = (
    MeetingSpec("amazon-2019", "amazon", D(2019, 5, 22), location="Seattle, Washington"),
    MeetingSpec("amazon-2021", "amazon", D(2021, 5, 26)),
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
        advisers=(("iss", "against"), ("glass-lewis", "against")),
        vote=VoteSpec(
            reported_support_pct="2.4",
            reported_basis=(
                "About 2.4% of votes cast; abstentions counted against, broker non-votes "
                "excluded (Form 8-K of 24 May 2019, per Reuters; some reports say 2.5%)."
            ),
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
        advisers=(("iss", "for"), ("glass-lewis", "for")),
        vote=VoteSpec(
            reported_support_pct="27.5",
            reported_basis=(
                "About 27.5% of votes cast; abstentions counted against, broker non-votes "
                "excluded (Form 8-K of 24 May 2019, per Reuters). Open MIC: about 37% of "
                "shares not held by insiders."
            ),
            passed=False,
            source="businesstimes-2019-05-25",
        ),
    ),
    ResolutionSpec(
        slug="amazon-2021-rekognition-government-use-audit",
        meeting="amazon-2021",
        # The case file does not give the 2021 ballot item number; a curator fills it in.
        item_number="",
        title="Independent audit of government use of Rekognition",
        ask=(
            "Commission an independent, third-party audit of the risks that arise when "
            "government agencies use Rekognition."
        ),
        status="voted",
        board_recommendation="against",
        controversy=REKOGNITION,
        topics=FACE_TOPICS,
    ),
)
