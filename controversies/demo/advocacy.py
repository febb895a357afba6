"""The coalition behind the 2018 and 2019 letters, and the two campaigns.

Demand statuses are chosen conservatively: Amazon's moratorium answered part of the
demand (police only, not every government customer), so it is recorded as a partial
commitment with a note saying so, and nothing is marked "met".
"""

from __future__ import annotations

import datetime as dt

from .specs import (
    CampaignSpec,
    CoalitionSpec,
    DemandSpec,
    EventRef,
    MemberSpec,
    StatusSpec,
)
from .timeline import (
    COALITION_LETTER_TITLE,
    FIRST_LETTER_TITLE,
    GOOGLE,
    JUNE_DELIVERY_TITLE,
    MICROSOFT,
    REKOGNITION,
)

D = dt.date
FIRST_LETTER = D(2018, 5, 22)
JUNE_DELIVERY = D(2018, 6, 18)
LETTERS_SENT = D(2019, 1, 15)
COALITION_SLUG = "face-surveillance-coalition-2019"
LEADS = ("aclu", "aclu-of-northern-california", "aclu-of-washington")

COALITION = CoalitionSpec(
    slug=COALITION_SLUG,
    name="Coalition against government face surveillance",
    description=(
        "Civil rights, racial justice, faith and immigrants' rights groups, led by the "
        "ACLU, that wrote to Amazon in May 2018 (about 40 groups), delivered the letter "
        "again in June 2018 (nearly 70) and wrote to Amazon, Microsoft and Google in "
        "January 2019 (more than 85). Only the members a cited document names are listed; "
        "the full signatory lists are in the letters."
    ),
    formed_on=None,  # no document we cite says when the coalition formed
    # Each membership cites the document that names the member and dates its joining.
    members=(
        MemberSpec("aclu", "lead", FIRST_LETTER, "zdnet-2018-05-22"),
        MemberSpec("electronic-frontier-foundation", "member", FIRST_LETTER, "zdnet-2018-05-22"),
        MemberSpec("aclu-of-washington", "member", JUNE_DELIVERY, "newatlas-2018-06"),
    ),
    actions=(
        EventRef(FIRST_LETTER, FIRST_LETTER_TITLE),
        EventRef(JUNE_DELIVERY, JUNE_DELIVERY_TITLE),
        EventRef(LETTERS_SENT, COALITION_LETTER_TITLE),
    ),
)

FACE_SURVEILLANCE_CAMPAIGN = "stop-selling-face-surveillance"
SHAREHOLDER_CAMPAIGN = "amazon-rekognition-shareholder-campaign"

CAMPAIGNS: tuple[CampaignSpec, ...] = (
    CampaignSpec(
        slug=FACE_SURVEILLANCE_CAMPAIGN,
        name="Stop selling face surveillance to government",
        summary=(
            "The ACLU and allied groups pressed Amazon, and later Microsoft and Google, to "
            "stop supplying face surveillance technology to government agencies."
        ),
        started_on=D(2018, 5, 22),
        organisers=LEADS,
        organising_coalition=COALITION_SLUG,
        source="aclu-2018-05-22",  # the disclosure that opened the campaign
        targets=("amazon", "microsoft", "google"),
        controversies=(REKOGNITION, MICROSOFT, GOOGLE),
        outcome=(
            "Partly answered: Amazon suspended police use of Rekognition in June 2020 and "
            "extended the suspension indefinitely in May 2021; Microsoft said it would not "
            "sell to US police until a federal law exists. Neither covers every government "
            "customer."
        ),
        demands=(
            DemandSpec(
                position=1,
                text="Stop selling face surveillance technology to government.",
                statuses=(
                    StatusSpec(
                        "made",
                        D(2018, 5, 22),
                        "Demand made of Amazon in the coalition letter sent with the ACLU's "
                        "disclosure of Rekognition marketing to police.",
                        "zdnet-2018-05-22",
                    ),
                    StatusSpec(
                        "made",
                        LETTERS_SENT,
                        "Repeated to Amazon, Microsoft and Google in the letters of more "
                        "than 85 groups.",
                        "aclu-2019-01-15",
                    ),
                    StatusSpec(
                        "committed",
                        D(2020, 6, 10),
                        "Amazon: partial and temporary - a one-year pause on police use of "
                        "Rekognition; other government customers not covered.",
                        "amazon-2020-06-10",
                    ),
                    StatusSpec(
                        "responded",
                        D(2020, 6, 11),
                        "Microsoft: no sales of facial recognition to US police until a "
                        "federal law governs it.",
                        "usatoday-2020-06-11",
                    ),
                    StatusSpec(
                        "committed",
                        D(2021, 5, 18),
                        "Amazon: police pause extended until further notice; still limited "
                        "to police, so the demand is not met.",
                        "reuters-2021-05-18",
                    ),
                ),
            ),
        ),
    ),
    CampaignSpec(
        slug=SHAREHOLDER_CAMPAIGN,
        name="Shareholder campaign on Rekognition sales to government",
        summary=(
            "Investors coordinated by Open MIC used shareholder proposals to ask Amazon's "
            "board to halt Rekognition sales to government and to study the risks."
        ),
        started_on=D(2019, 1, 17),
        organisers=("open-mic",),
        source="seekingalpha-2019-01-17",  # the filing that opened the campaign
        targets=("amazon",),
        controversies=(REKOGNITION,),
        outcome=(
            "Both 2019 proposals were defeated, with about 2.4% and about 27.5% of the "
            "votes as Reuters reported them."
        ),
        demands=(
            DemandSpec(
                position=1,
                text=(
                    "Halt Rekognition sales to government agencies unless the board finds, "
                    "after an independent evaluation, that they do not cause or contribute "
                    "to rights violations."
                ),
                statuses=(
                    StatusSpec(
                        "made",
                        D(2019, 1, 17),
                        "Filed as a shareholder proposal for the 2019 annual meeting.",
                        "seekingalpha-2019-01-17",
                    ),
                ),
            ),
        ),
    ),
)
