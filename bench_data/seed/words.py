"""Vocabulary for synthetic names and text.

Every generated text mentions "AI", so a search for it finds most rows (the worst case
for ranking); RARE_TERM appears in about one row in RARE_EVERY, the best case.
"""

from __future__ import annotations

import random

COMMON_TERM = "AI"
RARE_TERM = "heliograph"
RARE_EVERY = 2_000

_SYLLABLE_TEXT = (
    "ac ad al am an ar as at ax ba be bi bo ca ce ci co cu da de di do du el em en er ex fa "
    "fe fi fo ga ge gi go ha he hi ho ka ke ki ko la le li lo lu ma me mi mo mu na ne ni no "
    "nu or pa pe pi po ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo xa xe ya ze "
    "zo qu tri plex vant dyn orb syn cor lux nov quant"
)
SYLLABLES = tuple(_SYLLABLE_TEXT.split())

COMPANY_SUFFIXES = ("Corp", "Labs", "AI", "Systems", "Technologies", "Inc", "Analytics", "Data")
ORG_PATTERNS = {
    "advocacy_group": ("{} Rights Watch", "Coalition for {}", "{} Digital Freedom", "{} Alliance"),
    "investor": ("{} Capital", "{} Asset Management", "{} Pension Fund", "{} Investors"),
    "government_agency": ("Department of {}", "{} Police Department", "{} Data Authority"),
    "union": ("{} Workers Union", "{} Tech Workers", "{} Employees Guild"),
    "academic": ("{} University", "{} Institute of Technology", "{} Research Center"),
    "media": ("The {} Times", "{} News", "{} Post", "{} Review"),
    "affected_group": ("{} Residents", "{} Tenants", "{} Drivers", "{} Students"),
    "other": ("{} Foundation", "{} Council", "{} Society"),
}
PRODUCT_NOUNS = (
    "Vision",
    "Face",
    "Recognize",
    "Predict",
    "Score",
    "Voice",
    "Chat",
    "Guard",
    "Scan",
    "Insight",
    "Sense",
    "Match",
    "Assist",
    "Lens",
    "Sentinel",
    "Pulse",
    "Signal",
    "Mind",
)
TOPICS = (
    "Facial recognition",
    "Surveillance",
    "Policing",
    "Immigration",
    "Bias and discrimination",
    "Privacy",
    "Labour",
    "Military use",
    "Misinformation",
    "Deepfakes",
    "Copyright",
    "Child safety",
    "Healthcare",
    "Hiring",
    "Credit scoring",
    "Education",
    "Housing",
    "Elections",
    "Content moderation",
    "Autonomous vehicles",
    "Environmental impact",
    "Data protection",
    "Emotion recognition",
    "Predictive policing",
    "Welfare",
    "Insurance",
    "Generative AI",
    "Chatbots",
    "Voice cloning",
    "Biometrics",
)
HARMS = (
    "sold to police despite accuracy concerns",
    "misidentified people of colour in an independent test",
    "pitched to immigration authorities",
    "trained on scraped personal data without consent",
    "used to screen job applicants unfairly",
    "flagged for discriminatory credit decisions",
    "deployed for mass surveillance of protesters",
    "generated false and defamatory claims",
    "monitored warehouse workers' productivity",
    "licensed for military targeting",
    "collected children's voice recordings",
    "denied welfare benefits through opaque scoring",
)
VERBS = (
    "criticised",
    "questioned",
    "defended",
    "expanded",
    "paused",
    "reviewed",
    "audited",
    "challenged",
    "disclosed",
    "investigated",
    "restricted",
    "suspended",
    "promoted",
)
NOUNS = (
    "system",
    "contract",
    "policy",
    "model",
    "dataset",
    "audit",
    "report",
    "moratorium",
    "letter",
    "resolution",
    "lawsuit",
    "hearing",
    "study",
    "deployment",
    "pilot",
    "ban",
)
ADJECTIVES = (
    "independent",
    "internal",
    "public",
    "federal",
    "municipal",
    "leaked",
    "annual",
    "controversial",
    "automated",
    "biased",
    "opaque",
    "voluntary",
    "indefinite",
    "new",
)
PLACES = (
    "Seattle",
    "Oregon",
    "London",
    "Berlin",
    "Toronto",
    "New York",
    "Chicago",
    "Paris",
    "San Francisco",
    "Delhi",
    "Sydney",
    "Boston",
    "Detroit",
    "Amsterdam",
    "Nairobi",
)
PUBLISHER_WORDS = (
    "Ledger",
    "Wire",
    "Observer",
    "Herald",
    "Dispatch",
    "Chronicle",
    "Tribune",
    "Journal",
    "Gazette",
    "Monitor",
    "Register",
    "Bulletin",
    "Courier",
    "Sentinel",
    "Review",
)
COUNTRIES = ("US", "GB", "DE", "FR", "CA", "IN", "AU", "NL", "KE", "BR", "JP", "SE", "")


def pseudo_word(rng: random.Random, syllables: int = 3) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()


def sentence(rng: random.Random, subject: str) -> str:
    return (
        f"{subject} {rng.choice(VERBS)} the {rng.choice(ADJECTIVES)} {COMMON_TERM} "
        f"{rng.choice(NOUNS)} in {rng.choice(PLACES)} after a {rng.choice(ADJECTIVES)} "
        f"{rng.choice(NOUNS)}."
    )


def sentence_pool(rng: random.Random, subjects: list[str], size: int) -> list[str]:
    """Sentences to assemble long texts from quickly; joining is far cheaper than making."""
    return [sentence(rng, rng.choice(subjects)) for _ in range(size)]
