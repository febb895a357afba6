"""The coalition behind the January 2019 letters, and the two campaigns.

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
    COALITION_SIGNATORIES,
    GOOGLE,
    MICROSOFT,
    REKOGNITION,
)

D = dt.date
LETTERS_SENT = D(2019, 1, 15)
COALITION_SLUG = "face-surveillance-coalition-2019"
LEADS = ("aclu", "aclu-of-california", "aclu-of-washington")
LETTERS_SOURCE = "aclu-2019-01-15"

COALITION = CoalitionSpec(
    slug=COALITION_SLUG,
    name="Coalition against government face surveillance (85+ groups)",
    description=(
        "More than 85 racial justice, faith, civil, human and immigrants' rights groups, "
        "led by the ACLU and its California and Washington affiliates, that wrote to "
        "Amazon, Microsoft and Google in January 2019. Only the members named in the case "
        "file are listed; the full signatory list is in the letters."
    ),
    formed_on=None,  # the case file does not say when the coalition formed
    # The source the coalition-letter event cites for its signatories; the letters
    # themselves, once cited, are the better source for each membership.
    members=(
        MemberSpec("aclu", "lead", LETTERS_SENT, LETTERS_SOURCE),
        *(
            MemberSpec(slug, "lead" if slug in LEADS else "member", LETTERS_SENT, LETTERS_SOURCE)
            for slug in COALITION_SIGNATORIES
        ),
    ),
    actions=(EventRef(LETTERS_SENT, COALITION_LETTER_TITLE),),
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
        source="aclu-2018-05-22",  # the disclosure and demand that opened the campaign
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
                        "Demand made of Amazon alongside the ACLU's disclosure of Rekognition "
                        "marketing to police.",
                        "aclu-2018-05-22",
                    ),
                    StatusSpec(
                        "made",
                        LETTERS_SENT,
                        "Repeated to Amazon, Microsoft and Google in the coalition letters.",
                        "aclu-2019-01-15",
                    ),
                    StatusSpec(
                        "committed",
                        D(2020, 6, 10),
                        "Amazon: partial and temporary - a one-year pause on police use of "
                        "Rekognition; other government customers not covered.",
                        "buzzfeed-2020-06-10",
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
                        "verge-2021-05-18",
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
            "Both 2019 proposals were defeated (about 2.4% and about 27.5% support); a "
            "further proposal went to the 2021 meeting."
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
