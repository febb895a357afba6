"""Who is who in the Amazon Rekognition case: organisations, the product, the topics.

Aliases are the names the news uses, so the ingestion matcher can find these actors in
article text. Identifiers are filled in only where they are certain (tickers and SEC CIKs
of listed companies, Wikidata ids of the largest companies); everything else stays blank
for a curator to complete rather than being guessed. A description states only what a
source the demo cites supports; proponents are named as their SEC filings name them.
"""

from __future__ import annotations

from .specs import OrgSpec, ProductSpec, TopicSpec

COMPANY = "company"
ADVOCACY = "advocacy_group"
INVESTOR = "investor"
AGENCY = "government_agency"
WORKFORCE = "union"

ORGANIZATIONS: tuple[OrgSpec, ...] = (
    # Companies
    OrgSpec(
        slug="amazon",
        name="Amazon",
        kind=COMPANY,
        aliases=("Amazon.com", "Amazon.com, Inc.", "Amazon.com Inc", "Amazon Inc"),
        description="Online retailer and cloud computing company; sells Rekognition through "
        "Amazon Web Services.",
        website="https://www.amazon.com",
        country="US",
        ticker="AMZN",
        sec_cik="0001018724",
        wikidata_id="Q3884",
    ),
    OrgSpec(
        slug="amazon-web-services",
        name="Amazon Web Services",
        kind=COMPANY,
        aliases=("AWS", "Amazon Web Services, Inc.", "Amazon AWS"),
        description="Amazon's cloud computing business, which offers Rekognition.",
        website="https://aws.amazon.com",
        country="US",
        parent="amazon",
    ),
    OrgSpec(
        slug="microsoft",
        name="Microsoft",
        kind=COMPANY,
        aliases=("Microsoft Corporation", "Microsoft Corp", "Microsoft Corp."),
        description="Software and cloud company; one of three recipients of the "
        "January 2019 coalition letters.",
        website="https://www.microsoft.com",
        country="US",
        ticker="MSFT",
        sec_cik="0000789019",
        wikidata_id="Q2283",
    ),
    OrgSpec(
        slug="alphabet",
        name="Alphabet",
        kind=COMPANY,
        aliases=("Alphabet Inc.", "Alphabet Inc"),
        description="Parent company of Google.",
        website="https://abc.xyz",
        country="US",
        ticker="GOOGL",
        sec_cik="0001652044",
    ),
    OrgSpec(
        slug="google",
        name="Google",
        kind=COMPANY,
        aliases=("Google LLC", "Google Cloud"),
        description="Search and cloud company; one of three recipients of the January "
        "2019 coalition letters.",
        website="https://www.google.com",
        country="US",
        parent="alphabet",
        wikidata_id="Q95",
    ),
    OrgSpec(
        slug="ibm",
        name="IBM",
        kind=COMPANY,
        aliases=("International Business Machines", "International Business Machines Corp."),
        description="Technology company that left the general-purpose facial recognition "
        "business in June 2020.",
        website="https://www.ibm.com",
        country="US",
        ticker="IBM",
        sec_cik="0000051143",
        wikidata_id="Q37156",
    ),
    OrgSpec(
        slug="iss",
        name="Institutional Shareholder Services",
        kind=COMPANY,
        aliases=("ISS",),
        description="Proxy adviser that issues voting recommendations to investors.",
        website="https://www.issgovernance.com",
        country="US",
    ),
    OrgSpec(
        slug="glass-lewis",
        name="Glass Lewis",
        kind=COMPANY,
        aliases=("Glass, Lewis & Co.", "Glass Lewis & Co."),
        description="Proxy adviser that issues voting recommendations to investors.",
        website="https://www.glasslewis.com",
        country="US",
    ),
    # Government agencies
    OrgSpec(
        slug="fbi",
        name="Federal Bureau of Investigation",
        kind=AGENCY,
        aliases=("FBI",),
        description="US federal law enforcement agency.",
        website="https://www.fbi.gov",
        country="US",
    ),
    OrgSpec(
        slug="ice",
        name="U.S. Immigration and Customs Enforcement",
        kind=AGENCY,
        aliases=(
            "ICE",
            "Immigration and Customs Enforcement",
            "US Immigration and Customs Enforcement",
        ),
        description="US immigration enforcement agency.",
        website="https://www.ice.gov",
        country="US",
    ),
    OrgSpec(
        slug="sec",
        name="U.S. Securities and Exchange Commission",
        kind=AGENCY,
        aliases=("SEC", "Securities and Exchange Commission"),
        description="US securities regulator; its staff rule on companies' requests to "
        "leave shareholder proposals out of their proxy materials.",
        website="https://www.sec.gov",
        country="US",
    ),
    OrgSpec(
        slug="washington-county-sheriffs-office",
        name="Washington County Sheriff's Office (Oregon)",
        kind=AGENCY,
        aliases=("Washington County Sheriff's Office", "Washington County Sheriff"),
        description="Sheriff's office in Washington County, Oregon; an early police user of "
        "Rekognition.",
        country="US",
    ),
    OrgSpec(
        slug="orlando-police-department",
        name="City of Orlando Police (Florida)",
        kind=AGENCY,
        aliases=("Orlando Police Department", "Orlando police", "City of Orlando"),
        description="City of Orlando police, Florida; named by the ACLU in May 2018 as a "
        "Rekognition user.",
        country="US",
    ),
    # Advocacy groups
    OrgSpec(
        slug="aclu",
        name="American Civil Liberties Union",
        kind=ADVOCACY,
        aliases=("ACLU", "American Civil Liberties Union Foundation"),
        description="US civil liberties organisation; led the coalition letters to Amazon, "
        "Microsoft and Google.",
        website="https://www.aclu.org",
        country="US",
    ),
    OrgSpec(
        slug="aclu-of-northern-california",
        name="ACLU of Northern California",
        kind=ADVOCACY,
        aliases=("ACLU NorCal", "ACLU Foundation of Northern California"),
        description="ACLU affiliate for Northern California; co-wrote the May 2018 "
        "disclosure and ran the July 2018 test that matched members of Congress to mugshots.",
        website="https://www.aclunc.org",
        country="US",
    ),
    OrgSpec(
        slug="aclu-of-washington",
        name="ACLU of Washington",
        kind=ADVOCACY,
        aliases=("ACLU-WA", "ACLU of Washington Foundation"),
        description="ACLU affiliate for Washington state; delivered the coalition letter and "
        "petition in June 2018 and moved the ban proposal at Amazon's 2019 meeting.",
        website="https://www.aclu-wa.org",
        country="US",
    ),
    OrgSpec(
        slug="electronic-frontier-foundation",
        name="Electronic Frontier Foundation",
        kind=ADVOCACY,
        aliases=("EFF",),
        description="Digital civil liberties non-profit.",
        website="https://www.eff.org",
        country="US",
    ),
    OrgSpec(
        slug="open-mic",
        name="Open MIC",
        kind=ADVOCACY,
        aliases=("Open Media and Information Companies Initiative", "Open Mic"),
        description="Non-profit that supports shareholder engagement with technology and "
        "media companies; organised the 2019 Rekognition shareholder proposals.",
        website="https://www.openmic.org",
        country="US",
    ),
    # Investors (proponents and filers)
    OrgSpec(
        slug="sisters-of-st-joseph-of-brentwood",
        name="Sisters of St. Joseph of Brentwood",
        kind=INVESTOR,
        aliases=("Sisters of Saint Joseph of Brentwood",),
        description="Religious congregation and Amazon shareholder; lead filer of the 2019 "
        "ban proposal and of the 2020 and 2021 customer due-diligence proposals.",
        country="US",
    ),
    OrgSpec(
        slug="tri-state-coalition-for-responsible-investment",
        name="Tri-State Coalition for Responsible Investment",
        kind=INVESTOR,
        aliases=("Tri-State CRI", "Tri-State Coalition", "Investor Advocates for Social Justice"),
        description="Investor coalition, since renamed Investor Advocates for Social Justice; "
        "the proponents' SEC filings of 2019, 2020 and 2021 give its address as their "
        "contact. Not itself a proponent.",
        country="US",
    ),
    OrgSpec(
        slug="sisters-of-st-francis-of-philadelphia",
        name="Sisters of St. Francis of Philadelphia",
        kind=INVESTOR,
        aliases=("Sisters of Saint Francis of Philadelphia",),
        description="Religious congregation and Amazon shareholder; a proponent in 2019, "
        "2020 and 2021.",
        country="US",
    ),
    OrgSpec(
        slug="maryknoll-sisters",
        name="Maryknoll Sisters of St. Dominic",
        kind=INVESTOR,
        aliases=("Maryknoll Sisters", "Maryknoll Sisters of St. Dominic, Inc."),
        description="Religious congregation and Amazon shareholder; a proponent in 2019, "
        "2020 and 2021.",
        country="US",
    ),
    OrgSpec(
        slug="sisters-of-st-francis-charitable-trust",
        name="Sisters of St. Francis Charitable Trust",
        kind=INVESTOR,
        description="Named as a co-proponent of the 2019 ban proposal in the proponents' "
        "SEC exempt solicitation.",
        country="US",
    ),
    OrgSpec(
        slug="azzad-asset-management",
        name="Azzad Asset Management",
        kind=INVESTOR,
        description="Asset manager; named as a co-proponent of the 2019 ban proposal in the "
        "proponents' SEC exempt solicitation.",
        country="US",
    ),
    OrgSpec(
        slug="harrington-investments",
        name="Harrington Investments",
        kind=INVESTOR,
        aliases=("Harrington Investments, Inc.", "John C. Harrington", "John Harrington"),
        description="Investment adviser in Napa, California, led by John C. Harrington; "
        "filed the 2019 proposal for an independent study of Rekognition.",
        country="US",
    ),
    OrgSpec(
        slug="american-baptist-home-mission-society",
        name="American Baptist Home Mission Society",
        kind=INVESTOR,
        aliases=("American Baptist Home Mission Societies",),
        description="Named as a proponent of Amazon's 2020 and 2021 customer due-diligence "
        "proposals in the proponents' SEC exempt solicitation.",
    ),
    OrgSpec(
        slug="capuchin-province-of-st-joseph",
        name="Province of St. Joseph of the Capuchin Order",
        kind=INVESTOR,
        aliases=("Midwest Capuchins", "Province of Saint Joseph of the Capuchin Order"),
        description="Named as a proponent of Amazon's 2020 customer due-diligence "
        "proposal in the proponents' SEC exempt solicitation.",
    ),
    OrgSpec(
        slug="sisters-of-charity-of-st-elizabeth",
        name="Sisters of Charity of St. Elizabeth, NJ",
        kind=INVESTOR,
        aliases=("Sisters of Charity of Saint Elizabeth",),
        description="Named as a proponent of Amazon's 2020 and 2021 customer due-diligence "
        "proposals in the proponents' SEC exempt solicitation.",
    ),
    OrgSpec(
        slug="sisters-of-st-joseph-of-peace",
        name="Sisters of St. Joseph of Peace, NJ",
        kind=INVESTOR,
        aliases=("Congregation of the Sisters of St. Joseph of Peace",),
        description="Named as a proponent of Amazon's 2020 customer due-diligence "
        "proposal in the proponents' SEC exempt solicitation.",
    ),
    OrgSpec(
        slug="sisters-of-the-holy-names-of-jesus-and-mary",
        name="Sisters of the Holy Names of Jesus and Mary, US Ontario Province",
        kind=INVESTOR,
        description="Named as a proponent of Amazon's 2020 customer due-diligence "
        "proposal in the proponents' SEC exempt solicitation.",
    ),
    OrgSpec(
        slug="unitarian-universalist-association",
        name="Unitarian Universalist Association",
        kind=INVESTOR,
        aliases=("UUA",),
        description="Named as a proponent of Amazon's 2020 and 2021 customer due-diligence "
        "proposals in the proponents' SEC exempt solicitation.",
    ),
    OrgSpec(
        slug="friends-fiduciary-corporation",
        name="Friends Fiduciary Corporation",
        kind=INVESTOR,
        description="Named as a proponent of Amazon's 2021 customer due-diligence "
        "proposal in the proponents' SEC exempt solicitation.",
    ),
    OrgSpec(
        slug="robeco",
        name="Robeco Institutional Asset Management B.V.",
        kind=INVESTOR,
        aliases=("Robeco",),
        description="Named as a proponent of Amazon's 2021 customer due-diligence "
        "proposal in the proponents' SEC exempt solicitation.",
    ),
    OrgSpec(
        slug="sisters-of-st-dominic-of-amityville",
        name="Sisters of St. Dominic of Amityville",
        kind=INVESTOR,
        description="Named as a proponent of Amazon's 2021 customer due-diligence "
        "proposal in the proponents' SEC exempt solicitation.",
    ),
    # Workforce
    OrgSpec(
        slug="amazon-employees",
        name="Amazon employees",
        kind=WORKFORCE,
        aliases=("Amazon workers", "Amazon staff"),
        description="Amazon staff who signed a 2018 internal letter to Jeff Bezos; more than "
        "450 signatures were reported by October 2018.",
        country="US",
    ),
)

PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec(
        slug="amazon-rekognition",
        name="Rekognition",
        developer="amazon",
        aliases=("Amazon Rekognition", "AWS Rekognition"),
        description="AWS image and video analysis service, including face detection and "
        "face matching against collections of photos.",
        website="https://aws.amazon.com/rekognition/",
    ),
)

TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec("facial-recognition", "Facial recognition", "Identifying people by their faces."),
    TopicSpec("surveillance", "Surveillance", "Monitoring people at scale."),
    TopicSpec("policing", "Policing", "Use of AI by police and law enforcement."),
    TopicSpec("immigration", "Immigration", "Use of AI in immigration enforcement."),
    TopicSpec(
        "bias-and-discrimination",
        "Bias and discrimination",
        "Systems that work worse for, or single out, some groups of people.",
    ),
    TopicSpec("privacy", "Privacy", "Collection and use of personal data."),
    TopicSpec("civil-rights", "Civil rights", "Freedom of assembly, due process, equality."),
    TopicSpec("labour", "Labour", "Workers and their say in what they build."),
)
