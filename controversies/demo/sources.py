"""The documents the demo cites. Each is keyed here by a short name.

Every address is one a reviewer has seen, either the document itself or a faithful copy
of it (an SEC filing on a mirror, a staff letter on DocumentCloud), and no source is a
home page, a search or a listing: ``manage.py audit_sources`` prints nothing for the
demo. Where only a report of a document was found (the 2019 Form 8-K was not), the
report is cited and says so. Titles are the publishers' headlines where we have them,
otherwise a "Report: ..." or "Copy of ..." description in our own words. Excerpts are
our own short notes, never quotations.
"""

from __future__ import annotations

import datetime as dt

from .specs import SourceSpec

D = dt.date

SOURCES: tuple[SourceSpec, ...] = (
    # --- 2018: the ACLU's disclosure, the coalition letter, the employees' letter ------
    SourceSpec(
        key="aclu-2018-05-22",
        url="https://www.aclu.org/blog/privacy-technology/surveillance-technologies/"
        "amazon-teams-government-deploy-dangerous-new",
        title="Amazon Teams Up With Government to Deploy Dangerous New Facial Recognition "
        "Technology",
        publisher="ACLU",
        published_on=D(2018, 5, 22),
        excerpt="Post by Matt Cagle (ACLU of Northern California) and Nicole Ozer (ACLU of "
        "California): records obtained by ACLU affiliates in three states show Amazon "
        "marketing Rekognition to police, with Orlando and Washington County, Oregon, as "
        "users.",
    ),
    SourceSpec(
        key="zdnet-2018-05-22",
        url="https://www.zdnet.com/article/"
        "aclu-tells-aws-stop-selling-facial-recognition-tools-to-the-government/",
        title="Report: ACLU tells AWS to stop selling facial recognition tools to the government",
        publisher="ZDNet",
        published_on=D(2018, 5, 22),
        excerpt="Reports the coalition letter to Jeff Bezos, signed by about 40 groups "
        "including the EFF, and the Washington County Sheriff's Office's use of "
        "Rekognition on its booking photos.",
    ),
    SourceSpec(
        key="coalition-letter-2018-06-18",
        url="https://docslib.org/doc/11550375/june-18-2018-jeffrey-p-bezos-founder-and-"
        "chief-executive",
        title="Copy of the coalition letter to Jeff Bezos dated 18 June 2018",
        publisher="Docslib (copy of the letter)",
        published_on=D(2018, 6, 18),
        excerpt="The civil rights coalition's letter asking Amazon to stop providing face "
        "surveillance to government, in the version delivered on 18 June 2018.",
    ),
    SourceSpec(
        key="newatlas-2018-06",
        url="https://newatlas.com/amazon-petitioned-stop-selling-facial-recognition/55086/",
        title="Report: Amazon petitioned to stop selling facial recognition to police",
        publisher="New Atlas",
        excerpt="Reports the June 2018 delivery: the coalition letter, by then signed by "
        "almost 70 groups, a petition of more than 150,000 signatures and a letter from "
        "shareholders.",
    ),
    SourceSpec(
        key="digitaltrends-2018-06-22",
        url="https://www.digitaltrends.com/cool-tech/amazon-employees-protest-bezos-palantir/",
        title="Report: Amazon employees write to Jeff Bezos about Rekognition and Palantir",
        publisher="Digital Trends",
        published_on=D(2018, 6, 22),
        excerpt="Reports the internal letter asking Amazon to stop selling Rekognition to "
        "police and to stop supporting Palantir and other partners of ICE.",
    ),
    SourceSpec(
        key="medium-2018-10-interview",
        url="https://medium.com/s/oversight/88d927792950",
        title="Interview with the author of the Amazon employees' letter on Rekognition",
        publisher="Medium",
        excerpt="Trevor Timm's interview, October 2018: the letter had more than 100 "
        "signatures in June and more than 450 later.",
    ),
    SourceSpec(
        key="medium-2018-10-16",
        url="https://medium.com/s/story/im-an-amazon-employee-my-company-shouldn-t-sell-"
        "facial-recognition-tech-to-police-36b5fde934ac",
        title="I'm an Amazon Employee. My Company Shouldn't Sell Facial Recognition Tech to "
        "Police.",
        publisher="Medium",
        published_on=D(2018, 10, 16),
        excerpt="Anonymous op-ed by an Amazon employee: the letter, signed by more than 450 "
        "employees, had been handed to Jeff Bezos and other executives.",
    ),
    SourceSpec(
        key="aclu-2018-07-26",
        url="https://www.aclu.org/blog/privacy-technology/surveillance-technologies/"
        "amazons-face-recognition-falsely-matched-28",
        title="Amazon's Face Recognition Falsely Matched 28 Members of Congress With Mugshots",
        publisher="ACLU",
        published_on=D(2018, 7, 26),
        excerpt="Jacob Snow of the ACLU of Northern California on the test: 25,000 arrest "
        "photos, Rekognition's default settings, a cost of $12.33.",
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
    # --- 2019: the letters, the proposals, the SEC staff, the vote ---------------------
    SourceSpec(
        key="aclu-2019-01-15",
        url="https://www.aclu.org/press-releases/"
        "pressure-mounts-amazon-microsoft-and-google-against-selling-facial-recognition",
        title="Pressure Mounts on Amazon, Microsoft, and Google Against Selling Facial "
        "Recognition to Government",
        publisher="ACLU",
        published_on=D(2019, 1, 15),
        excerpt="Press release on the letters from more than 85 groups to the three companies.",
    ),
    SourceSpec(
        key="aclu-2019-01-17",
        url="https://www.aclu.org/press-releases/"
        "aclu-comment-amazon-shareholder-resolution-against-selling-facial-recognition",
        title="ACLU Comment on Amazon Shareholder Resolution Against Selling Facial "
        "Recognition to Government",
        publisher="ACLU",
        published_on=D(2019, 1, 17),
        excerpt="Shankar Narayan of the ACLU of Washington welcomes the shareholder "
        "proposal; says about 90 groups had written to Amazon days earlier.",
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
        key="openmic-ban-proposal-2019",
        url="https://iasj.org/shareholder-resolution-filed-with-amazon-on-prohibiting-sales-"
        "of-facial-recognition-to-government-citing-human-rights-risks/",
        title="Shareholder resolution filed with Amazon on prohibiting sales of facial "
        "recognition to government, citing human rights risks",
        publisher="Open MIC (release reprinted by Investor Advocates for Social Justice)",
        excerpt="Open MIC's announcement of the ban proposal; it puts the filers' assets "
        "under management at about $1.32bn.",
    ),
    SourceSpec(
        key="sec-staff-2019-03-28",
        url="https://assets.documentcloud.org/documents/5805630/"
        "Amazon-SEC-Face-Recognition-Rekognition-No.txt",
        title="Copy of the SEC staff's letter of 28 March 2019 to Amazon.com, Inc. on the "
        "two Rekognition proposals",
        publisher="DocumentCloud (copy of a letter from the SEC Division of Corporation Finance)",
        published_on=D(2019, 3, 28),
        excerpt="The staff could not agree that Amazon may leave out either proposal (the "
        "Sisters of St. Joseph of Brentwood et al., and John C. Harrington).",
    ),
    SourceSpec(
        key="sec-staff-2019-04-03",
        url="https://docslib.org/doc/3468579/amazon-com-inc-incoming-letter-dated-march-29-2019",
        title="Copy of the SEC staff's letter of 3 April 2019 to Amazon.com, Inc. (incoming "
        "letter dated 29 March 2019)",
        publisher="Docslib (copy of a letter from the SEC Division of Corporation Finance)",
        published_on=D(2019, 4, 3),
        excerpt="The staff saw no basis to reconsider and did not refer the matter to the "
        "Commission.",
    ),
    SourceSpec(
        key="amazon-proxy-2019",
        url="https://docslib.org/doc/2312768/notice-of-2019-annual-meeting-of-shareholders-"
        "to-be-held-on-wednesday-may-22-2019",
        title="Copy of Amazon's Notice of 2019 Annual Meeting of Shareholders and Proxy "
        "Statement (DEF 14A, accession 0001193125-19-102995)",
        publisher="Docslib (copy of an Amazon.com, Inc. SEC filing)",
        published_on=D(2019, 4, 11),
        excerpt="Meeting of 22 May 2019; the board recommends voting against every "
        "shareholder proposal.",
    ),
    SourceSpec(
        key="px14a6g-2019-item6",
        url="http://business.malvern-online.com/malvern-online/action/getedgarwindow"
        "?accesscode=121465919002914",
        title="Copy of the notice of exempt solicitation (PX14A6G, accession "
        "0001214659-19-002914) on Item 6 at Amazon's 2019 annual meeting",
        publisher="Copy of an SEC EDGAR filing",
        excerpt="Names the proponents of the ban proposal: the Sisters of St. Joseph of "
        "Brentwood, Azzad Asset Management, Maryknoll Sisters, Sisters of St. Francis "
        "Charitable Trust and Sisters of St. Francis of Philadelphia; their address is the "
        "Tri-State Coalition for Responsible Investment's.",
    ),
    SourceSpec(
        key="px14a6g-2019-item7",
        url="http://finance.walnutcreekguide.com/camedia.walnutcreekguide/action/"
        "getedgarwindow?accesscode=121465919003110",
        title="Copy of the notice of exempt solicitation (PX14A6G, accession "
        "0001214659-19-003110) on Item 7 at Amazon's 2019 annual meeting",
        publisher="Copy of an SEC EDGAR filing",
        excerpt="John Harrington of Harrington Investments, Inc. (Napa, California) argues "
        "for the independent study proposal.",
    ),
    SourceSpec(
        key="irishtimes-ft-2019-05",
        url="https://www.irishtimes.com/business/technology/"
        "amazon-shareholders-reject-facial-recognition-sales-ban-proposal-1.3901026",
        title="Amazon shareholders reject facial recognition sales ban proposal",
        publisher="The Irish Times (Financial Times report)",
        excerpt="Reports the 2019 vote and that ISS and Glass Lewis backed the study "
        "proposal but advised against the ban.",
    ),
    SourceSpec(
        key="iasj-2019-agm",
        url="https://iasj.org/amazon-agm-brings-attention-to-facial-recognition-technology-risks",
        title="Amazon AGM brings attention to facial recognition technology risks",
        publisher="Investor Advocates for Social Justice",
        excerpt="The proponents' account of the 2019 meeting: Shankar Narayan of the ACLU "
        "of Washington moved the ban proposal for the Sisters of St. Joseph of Brentwood.",
    ),
    SourceSpec(
        key="businesstimes-2019-05-25",
        url="https://www.businesstimes.com.sg/technology/"
        "at-amazon-facial-recognition-ban-won-just-2-of-shareholder-vote",
        title="At Amazon, facial recognition ban won just 2% of shareholder vote",
        publisher="The Business Times (Reuters)",
        published_on=D(2019, 5, 25),
        excerpt="Reuters report of the tallies Amazon filed: about 2.4% for the ban and "
        "about 27.5% for the study, counting votes for, against and abstaining and "
        "leaving out broker non-votes.",
    ),
    SourceSpec(
        key="openmic-2019-05-28",
        url="http://openmic.org/news/2019/5/28/strong-showing-for-amazon-proposal",
        title="In Strong Showing for First-of-its-Kind Shareholder Proposal, 37% of "
        "Independent Shareholders Vote for Amazon to Address Risks of Surveillance Technology",
        publisher="Open MIC",
        published_on=D(2019, 5, 28),
        excerpt="Open MIC's reading of the study proposal's result: about 28% of all votes, "
        "about 37% leaving out the shares Jeff Bezos controls.",
    ),
    # --- 2020-2021: customer due diligence, the moratorium -----------------------------
    SourceSpec(
        key="amazon-no-action-request-2020",
        url="https://pdfslide.net/documents/-inc-rule-14a-8-no-action-letter-re-inc-"
        "shareholder-proposal-of-the-sisters.html",
        title="Copy of Amazon's request of 24 January 2020 to omit the Sisters of St. "
        "Joseph of Brentwood et al. proposal",
        publisher="PDFSlide (copy of a letter from Gibson, Dunn & Crutcher for Amazon)",
        published_on=D(2020, 1, 24),
        excerpt="Amazon's counsel asks the SEC staff to let it leave the customer "
        "due-diligence proposal, received on 4 December 2019, out of its 2020 proxy.",
    ),
    SourceSpec(
        key="openmic-2020-05-05",
        url="http://openmic.org/news/relentlessly-reckless-amazon-surveillance-tech-"
        "customers-violate-human-rights",
        title="Relentlessly reckless: Amazon surveillance tech customers violate human rights",
        publisher="Open MIC",
        published_on=D(2020, 5, 5),
        excerpt="Says Amazon failed to keep the customer due-diligence proposal off the "
        "2020 ballot and that a separate proposal on Rekognition sales to government is "
        "also on it.",
    ),
    SourceSpec(
        key="px14a6g-2020-item6",
        url="https://www.sec.gov/Archives/edgar/data/1018724/000121465920004536/j514203px14a6g.htm",
        title="Notice of exempt solicitation (PX14A6G): Report on Customer Due Diligence, "
        "Item 6 at Amazon's 2020 annual meeting",
        publisher="U.S. Securities and Exchange Commission (EDGAR)",
        excerpt="Names the nine proponents; their address is Investor Advocates for Social "
        "Justice, formerly the Tri-State Coalition for Responsible Investment.",
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
        key="amazon-2020-06-10",
        url="https://www.aboutamazon.com/news/policy-news-views/"
        "we-are-implementing-a-one-year-moratorium-on-police-use-of-rekognition",
        title="We are implementing a one-year moratorium on police use of Rekognition",
        publisher="Amazon",
        published_on=D(2020, 6, 10),
        excerpt="Amazon's own announcement of the one-year pause on police use, with "
        "anti-trafficking and missing-children groups keeping access.",
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
        key="reuters-2021-05-18",
        url="https://www.nasdaq.com/articles/exclusive-amazon-extends-moratorium-on-police-"
        "use-of-facial-recognition-software-2021-05",
        title="Exclusive: Amazon extends moratorium on police use of facial recognition software",
        publisher="Reuters (on Nasdaq.com)",
        published_on=D(2021, 5, 18),
        excerpt="Amazon told Reuters it was extending the pause until further notice; it "
        "gave no reason.",
    ),
    SourceSpec(
        key="verge-2021-05-18",
        url="https://www.theverge.com/2021/5/18/22442580/"
        "amazon-law-enforcement-police-facial-recognition-software-ban",
        title="Report: Amazon extends its police moratorium until further notice",
        publisher="The Verge",
        published_on=D(2021, 5, 18),
    ),
    SourceSpec(
        key="amazon-proxy-2021",
        url="https://content.edgar-online.com/ExternalLink/EDGAR/0001104659-21-050333.html"
        "?hash=efb360bc5435b53cbd694a04fc925987674e0f64a9c017c76b1a9c117f037dd6"
        "&dest=TM2035374-1_DEF14A_HTM",
        title="Copy of Amazon's Notice of 2021 Annual Meeting of Shareholders and Proxy "
        "Statement (DEF 14A, accession 0001104659-21-050333)",
        publisher="EDGAR Online (copy of an Amazon.com, Inc. SEC filing)",
        excerpt="Virtual annual meeting on 26 May 2021.",
    ),
    SourceSpec(
        key="px14a6g-2021-item4",
        url="https://www.sec.gov/Archives/edgar/data/1018724/000121465921004830/d54211px14a6g.htm",
        title="Notice of exempt solicitation (PX14A6G): Report on Customer Due Diligence, "
        "Item 4 at Amazon's 2021 annual meeting",
        publisher="U.S. Securities and Exchange Commission (EDGAR)",
        excerpt="Names the nine proponents; their address is Investor Advocates for Social "
        "Justice.",
    ),
    SourceSpec(
        key="iccr-2021-amazon",
        url="https://www.iccr.org/2021-amazon-proposals",
        title="2021 Amazon proposals",
        publisher="Interfaith Center on Corporate Responsibility",
        excerpt="ICCR members' proposals to Amazon for 2021, among them customer due "
        "diligence and one on Rekognition.",
    ),
)
