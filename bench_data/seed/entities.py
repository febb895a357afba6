"""Organisations of every kind (with aliases), AI products and topics."""

from __future__ import annotations

import itertools

from django.utils.text import slugify

from bench_data.seed import words
from bench_data.seed.context import FIRST_DAY, SeedContext
from controversies.models import Organization, Product, Topic

Kind = Organization.Kind
# Share of each kind among the organisations; companies are the targets of controversies.
KIND_SHARES = (
    (Kind.COMPANY, 0.40),
    (Kind.ADVOCACY_GROUP, 0.20),
    (Kind.INVESTOR, 0.10),
    (Kind.GOVERNMENT_AGENCY, 0.10),
    (Kind.UNION, 0.05),
    (Kind.ACADEMIC, 0.07),
    (Kind.MEDIA, 0.05),
    (Kind.AFFECTED_GROUP, 0.01),
    (Kind.OTHER, 0.02),
)
ORG_COLUMNS = (
    "id", "name", "slug", "kind", "aliases", "description", "website", "country", "parent_id",
    "ticker", "sec_cik", "wikidata_id", "aiid_slug", "created_at", "updated_at",
)  # fmt: skip
PRODUCT_COLUMNS = (
    "id", "name", "slug", "developer_id", "aliases", "description", "website", "launched_on",
    "created_at", "updated_at",
)  # fmt: skip


def _kinds(total: int) -> list[str]:
    """Every kind at least once (tiny scales too), then in proportion."""
    kinds = [kind for kind, _ in KIND_SHARES]
    for kind, share in KIND_SHARES:
        kinds += [kind] * max(0, round(total * share) - 1)
    kinds += [Kind.COMPANY] * (total - len(kinds))
    return kinds[:total]


def _acronym(name: str) -> str:
    return "".join(part[0] for part in name.split() if part[0].isalpha()).upper()


class _Unique:
    """Hands out names and slugs that were not used before."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.slugs: set[str] = set()

    def name(self, candidate: str) -> str:
        for n in itertools.count(2):
            if candidate not in self.names:
                self.names.add(candidate)
                return candidate
            candidate = f"{candidate.rsplit(' #', 1)[0]} #{n}"
        raise AssertionError("unreachable")

    def slug(self, name: str) -> str:
        base = slugify(name)[:180] or "item"
        slug, n = base, 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        return slug


def seed_organizations(ctx: SeedContext) -> None:
    rng, unique = ctx.rng, _Unique()
    kinds = _kinds(ctx.scale.organizations)
    rng.shuffle(kinds)
    # The biggest target is organisation 1: a company moved to the front, so no kind
    # that occurs once is overwritten.
    first_company = kinds.index(Kind.COMPANY)
    kinds[0], kinds[first_company] = kinds[first_company], kinds[0]
    rows = []
    for pk, kind in enumerate(kinds, start=1):
        base = words.pseudo_word(rng, rng.choice((2, 3)))
        if kind == Kind.COMPANY:
            name = unique.name(f"{base} {rng.choice(words.COMPANY_SUFFIXES)}")
            aliases = [base, _acronym(name)] if rng.random() < 0.6 else [base]
        else:
            name = unique.name(rng.choice(words.ORG_PATTERNS[kind]).format(base))
            aliases = [_acronym(name)] if rng.random() < 0.5 else []
        slug = unique.slug(name)
        ticker = sec_cik = ""
        # The biggest target is always listed (as Amazon is), so it holds annual meetings.
        if kind == Kind.COMPANY and (rng.random() < 0.5 or pk == 1):
            ticker = base[:4].upper()
            sec_cik = f"{1_000_000 + pk:010d}"
            ctx.ticker_companies.append(pk)
            aliases.append(ticker)
        parent_id = None
        if kind == Kind.COMPANY and ctx.companies and rng.random() < 0.08:
            parent_id = rng.choice(ctx.companies[: max(1, len(ctx.companies) // 10)])
        created = ctx.moment(ctx.day_between(FIRST_DAY, ctx.today))
        rows.append(
            (
                pk, name, slug, kind, "\n".join(dict.fromkeys(aliases)),
                f"{name} is a synthetic {kind.replace('_', ' ')} made for benchmarks. "
                + words.sentence(rng, name),
                f"https://{slug}.example.org/", rng.choice(words.COUNTRIES), parent_id,
                ticker, sec_cik, f"Q{5_000_000 + pk}" if rng.random() < 0.6 else "", "",
                created, created,
            )
        )  # fmt: skip
        ctx.org_names[pk] = name
        ctx.orgs_by_kind.setdefault(kind, []).append(pk)
        if kind == Kind.COMPANY:
            ctx.companies.append(pk)
    # Zipf-like weights: the first companies are targeted far more often than the tail.
    total = 0.0
    for rank in range(1, len(ctx.companies) + 1):
        total += 1.0 / rank**0.9
        ctx.company_cum_weights.append(total)
    ctx.writer.write(Organization, ORG_COLUMNS, rows)


def seed_products(ctx: SeedContext) -> None:
    rng, unique = ctx.rng, _Unique()
    rows = []
    for pk in range(1, ctx.scale.products + 1):
        (developer,) = ctx.pick_companies(1)
        brand = words.pseudo_word(rng, 2)
        name = unique.name(f"{brand} {rng.choice(words.PRODUCT_NOUNS)}")
        slug = unique.slug(name)
        created = ctx.moment(ctx.day_between(FIRST_DAY, ctx.today))
        rows.append(
            (
                pk, name, slug, developer, brand if rng.random() < 0.5 else "",
                f"{name} is an AI product by {ctx.org_names[developer]}.",
                f"https://{slug}.example.org/", ctx.day_between(FIRST_DAY, ctx.today),
                created, created,
            )
        )  # fmt: skip
        ctx.product_names[pk] = name
        ctx.products_by_company.setdefault(developer, []).append(pk)
    ctx.writer.write(Product, PRODUCT_COLUMNS, rows)


def seed_topics(ctx: SeedContext) -> None:
    rows = [
        (pk, name, slugify(name), f"Controversies about {name.lower()}.")
        for pk, name in enumerate(words.TOPICS, start=1)
    ]
    ctx.topic_ids = [row[0] for row in rows]
    ctx.writer.write(Topic, ("id", "name", "slug", "description"), rows)
