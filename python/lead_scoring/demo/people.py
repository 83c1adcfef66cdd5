"""Companies and contacts of one chunk, with their hidden fit and intent."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import catalogs as cat
from .arrays import (
    DAY,
    HOUR,
    as_string_array,
    concat,
    first_in_group,
    int_strings,
    pick_exact,
    replace_at,
    sigmoid,
    take,
    uniform_between,
    weighted_choice,
    where,
)
from .world import HISTORY_DAYS, World

COMPANY_ID_BASE = 3_000_000_000
CONTACT_ID_BASE = 1_000_000_000
ID_BLOCK = 1_000_000

EMAIL_WORK, EMAIL_PERSONAL, EMAIL_STUDENT, EMAIL_MALFORMED, EMAIL_BLANK = range(5)
EMAIL_KINDS = ("work", "personal", "student", "malformed", "blank")

STAGE_SUBSCRIBER, STAGE_LEAD, STAGE_MQL, STAGE_SQL, STAGE_OPPORTUNITY, STAGE_CUSTOMER = range(6)


@dataclass
class Companies:
    """Companies of a chunk (arrays indexed by local company index)."""

    n: int
    ids: pa.Array
    name: pa.Array
    domain: pa.Array
    industry: np.ndarray
    country: np.ndarray
    place: np.ndarray
    employees: np.ndarray
    revenue: np.ndarray
    technologies: pa.Array
    fit: np.ndarray
    is_competitor: np.ndarray
    is_partner: np.ndarray
    owner: np.ndarray
    created: np.ndarray
    updated: np.ndarray


@dataclass
class Contacts:
    """Contacts of a chunk (arrays indexed by local contact index)."""

    n: int
    ids: pa.Array
    company: np.ndarray
    has_association: np.ndarray
    first: np.ndarray
    last: np.ndarray
    title: np.ndarray
    seniority: np.ndarray
    function: np.ndarray
    email: pa.Array
    email_kind: np.ndarray
    lead_source: np.ndarray
    form_created: np.ndarray
    creation_form: np.ndarray
    start_stage: np.ndarray
    created: np.ndarray
    fit: np.ndarray
    intent: np.ndarray
    country: np.ndarray
    owner: np.ndarray


# ------------------------------------------------------------------------ catalog tables


def ascii_slug(text: str) -> str:
    """Lowercase ASCII letters of a name ('Müller' -> 'muller', "O'Brien" -> 'obrien')."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


@cache
def places() -> tuple[np.ndarray, np.ndarray, np.ndarray, pa.Array, pa.Array]:
    """Flat (country, region, city) table: country of each place, per-country start/count."""
    country, regions, cities = [], [], []
    for ci, c in enumerate(cat.COUNTRIES):
        for region, towns in c.places:
            for town in towns:
                country.append(ci)
                regions.append(region)
                cities.append(town)
    country_arr = np.asarray(country, dtype=np.int64)
    counts = np.bincount(country_arr, minlength=len(cat.COUNTRIES))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return country_arr, starts, counts, as_string_array(regions), as_string_array(cities)


@cache
def country_spellings() -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """All spellings (canonical first) and each country's start/count in that table."""
    names: list[str] = []
    starts, counts = [], []
    for c in cat.COUNTRIES:
        starts.append(len(names))
        names += [c.name, *c.variants]
        counts.append(1 + len(c.variants))
    return as_string_array(names), np.asarray(starts), np.asarray(counts)


def _typo(title: str) -> str:
    for word, typo in cat.TITLE_TYPOS.items():
        if word in title:
            return title.replace(word, typo, 1)
    return title.lower()


def _abbreviated(title: str) -> str:
    for word, short in cat.TITLE_ABBREVIATIONS.items():
        title = title.replace(word, short)
    return title


@cache
def title_spellings() -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Spellings of every title and where each title's aliases start in that table.

    Title ``t`` has canonical, ALL CAPS, extra-spaces and typo spellings at ``4 t`` to
    ``4 t + 3``; its aliases (catalog aliases and abbreviations) follow all of those.
    """
    out: list[str] = []
    for title, _, _ in cat.JOB_TITLES:
        spaced = "  " + title.replace(" ", "   ") + " "
        out += [title, title.upper(), spaced, _typo(title)]
    starts, counts = [], []
    for title, _, _ in cat.JOB_TITLES:
        aliases = list(cat.TITLE_ALIASES.get(title, ()))
        if _abbreviated(title) != title:
            aliases.append(_abbreviated(title))
        starts.append(len(out))
        counts.append(len(aliases))
        out += aliases
    return as_string_array(out), np.asarray(starts), np.asarray(counts)


def job_titles(rng: np.random.Generator, title: np.ndarray, noisy_rate: float) -> pa.Array:
    """Job titles as typed: mostly clean, some abbreviated, ALL CAPS, spaced, typo'd, blank."""
    n = len(title)
    table, alias_start, alias_count = title_spellings()
    noisy = pick_exact(rng, n, noisy_rate)
    style = np.full(n, -1)
    style[noisy] = rng.permutation(np.arange(len(noisy)) % 5)  # alias, caps, spaces, typo, blank
    idx = 4 * title + np.where((style >= 1) & (style <= 3), style, 0)
    alias = style == 0
    has = alias & (alias_count[title] > 0)
    pick = (rng.random(n) * alias_count[title]).astype(np.int64)
    idx[has] = alias_start[title[has]] + pick[has]
    idx[alias & ~has] += 1
    blank = np.flatnonzero(style == 4)
    idx[blank] = -1
    out = take(table, idx)
    empty = blank[::2]
    return replace_at(out, empty, pa.array([""] * len(empty), pa.string()))


@cache
def title_weights() -> np.ndarray:
    """Sampling weight of each title (seniority x function, spread over the titles)."""
    combos: dict[tuple[str, str], int] = {}
    for _, s, f in cat.JOB_TITLES:
        combos[(s, f)] = combos.get((s, f), 0) + 1
    return np.array(
        [
            cat.SENIORITY_WEIGHT[s] * cat.FUNCTION_WEIGHT[f] / combos[(s, f)]
            for _, s, f in cat.JOB_TITLES
        ]
    )


# ------------------------------------------------------------------------ companies


def _company_names(
    world: World, rng: np.random.Generator, global_index: np.ndarray, region: np.ndarray
) -> tuple[pa.Array, pa.Array]:
    """Unique (name, bare domain) per global company index."""
    na, nb, npat = len(cat.COMPANY_WORDS_A), len(cat.COMPANY_WORDS_B), len(cat.COMPANY_PATTERNS)
    total = na * nb * npat
    perm = (global_index * world.name_multiplier + world.name_offset) % total
    rounds = global_index // total
    a, b, pat = perm % na, (perm // na) % nb, perm // (na * nb)
    words_a, words_b = as_string_array(cat.COMPANY_WORDS_A), as_string_array(cat.COMPANY_WORDS_B)
    wa, wb = take(words_a, a), take(words_b, b)
    sep, lower_b, name_sfx, dom_pre, dom_sfx = zip(*cat.COMPANY_PATTERNS, strict=True)
    b_part = where(np.asarray(lower_b)[pat], pc.utf8_lower(wb), wb)
    name = concat(wa, take(sep, pat), b_part, take(name_sfx, pat))
    legal_all = [(r, s) for r, sfx in cat.LEGAL_SUFFIXES.items() for s in sfx]
    regions = [r for r, _ in legal_all]
    legal = np.empty(len(global_index), dtype=np.int64)
    for r in sorted(set(regions)):  # sorted: set order of str varies per process
        options = np.flatnonzero(np.asarray(regions) == r)
        sel = region == r
        legal[sel] = rng.choice(options, size=int(sel.sum()))
    legal_str = [("" if not s else " " + s) for _, s in legal_all]
    name = concat(name, take(legal_str, legal))
    number = where(rounds > 0, int_strings(rounds + 1), pa.array([""] * len(rounds)))
    slug = pc.utf8_lower(concat(wa, wb))
    domain = concat(take(dom_pre, pat), slug, take(dom_sfx, pat), number)
    return name, domain


def make_companies(
    world: World, rng: np.random.Generator, chunk: int, n: int, global_offset: int
) -> Companies:
    """``n`` companies with size, industry, geography, technologies and fit."""
    countries = cat.COUNTRIES
    country = weighted_choice(rng, [c.weight for c in countries], n)
    _, place_start, place_count, _, _ = places()
    place = place_start[country] + (rng.random(n) * place_count[country]).astype(np.int64)
    industry = weighted_choice(rng, [i.weight for i in cat.INDUSTRIES], n)
    employees = np.clip(np.round(np.exp(rng.normal(3.9, 1.65, n))), 1, 400_000)
    rev_per_emp = np.array([i.revenue_per_employee for i in cat.INDUSTRIES])[industry]
    revenue = np.round(employees * rev_per_emp * np.exp(rng.normal(0, 0.45, n)), -3)

    competitor = np.zeros(n, dtype=bool)
    competitor[pick_exact(rng, n, 0.01)] = True
    partner = np.zeros(n, dtype=bool)
    partner[pick_exact(rng, n, 0.01)] = True
    partner &= ~competitor
    industry[competitor] = 0  # competitors are software vendors
    industry[partner] = [i.name for i in cat.INDUSTRIES].index("Professional Services")

    pop = np.array([t[1] for t in cat.TECHNOLOGIES])
    tech_fit = np.array([t[2] for t in cat.TECHNOLOGIES])
    size_boost = np.clip(np.log10(employees) / 3.0, 0.3, 1.6)
    has_tech = rng.random((n, len(pop))) < np.clip(pop[None, :] * size_boost[:, None], 0, 0.95)
    _, cols = np.nonzero(has_tech)
    tech_names = as_string_array([t[0] for t in cat.TECHNOLOGIES])
    offsets = np.concatenate([[0], np.cumsum(has_tech.sum(axis=1))]).astype(np.int32)
    lists = pa.ListArray.from_arrays(pa.array(offsets), take(tech_names, cols))
    technologies = pc.binary_join(lists, ";")
    no_tech = (has_tech.sum(axis=1) == 0) | (rng.random(n) < 0.15)
    technologies = replace_at(
        technologies, np.flatnonzero(no_tech), pa.nulls(int(no_tech.sum()), pa.string())
    )

    log_emp = np.log10(employees)
    size_fit = np.clip(0.55 - 0.28 * (log_emp - 2.9) ** 2, -1.0, 0.55)
    region = np.array([c.sales_region for c in countries])[country]
    fit = (
        size_fit
        + np.array([i.fit for i in cat.INDUSTRIES])[industry]
        + np.vectorize(cat.REGION_FIT.get)(region)
        + 0.35 * np.tanh((has_tech * tech_fit[None, :]).sum(axis=1))
        + rng.normal(0, 0.25, n)
    )
    fit[competitor] -= 3.0

    global_index = global_offset + np.arange(n, dtype=np.int64)
    name, domain = _company_names(world, rng, global_index, region)
    tld = np.array([c.tld for c in countries], dtype=object)[country]
    software = industry == 0
    alt = rng.random(n)
    tld = np.where(alt < 0.3, "com", tld)
    tld = np.where(software & (alt > 0.8), "io", tld)
    domain = concat(domain, ".", pa.array(tld.astype(str)))

    ids = int_strings(COMPANY_ID_BASE + chunk * ID_BLOCK + np.arange(n))
    return Companies(
        n=n,
        ids=ids,
        name=name,
        domain=domain,
        industry=industry,
        country=country,
        place=place,
        employees=employees,
        revenue=revenue,
        technologies=technologies,
        fit=fit,
        is_competitor=competitor,
        is_partner=partner,
        owner=rng.integers(0, len(cat.SALES_REP_IDS), n),
        created=np.full(n, np.nan),
        updated=np.full(n, np.nan),
    )


# ------------------------------------------------------------------------ contacts


def _created_times(world: World, rng: np.random.Generator, lead_source: np.ndarray) -> np.ndarray:
    """Creation times over the last HISTORY_DAYS, growing; event leads cluster at events."""
    n = len(lead_source)
    growth = 0.6
    u = rng.random(n)
    x = (-1 + np.sqrt(1 + 2 * growth * u * (1 + growth / 2))) / growth
    created = world.horizon - HISTORY_DAYS * DAY + x * (HISTORY_DAYS * DAY - HOUR)
    sources = [s[0] for s in cat.LEAD_SOURCES]
    event = np.flatnonzero(lead_source == sources.index("event"))
    which = rng.random(len(event))
    for k, t in enumerate(world.event_times):
        sel = event[(which >= 0.4 * k) & (which < 0.4 * (k + 1))]
        created[sel] = t + uniform_between(rng, np.full(len(sel), DAY), np.full(len(sel), 5 * DAY))
    return np.minimum(created, world.horizon - 60.0)


def _emails(
    rng: np.random.Generator,
    companies: Companies,
    company: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    kind: np.ndarray,
) -> pa.Array:
    """Email addresses by kind (work at the company domain, personal, student)."""
    n = len(kind)
    f = take([ascii_slug(x) for x in cat.FIRST_NAMES], first)
    lst = take([ascii_slug(x) for x in cat.LAST_NAMES], last)
    f0, l0 = pc.utf8_slice_codeunits(f, 0, 1), pc.utf8_slice_codeunits(lst, 0, 1)
    pattern = weighted_choice(rng, [45, 20, 10, 10, 5, 10], n)
    local = pc.choose(
        pa.array(pattern.astype(np.int8)),
        concat(f, ".", lst),
        concat(f0, lst),
        f,
        concat(f, lst),
        concat(f, "_", lst),
        concat(f, ".", l0),
    )
    digits = int_strings(rng.integers(1, 2000, n))
    personal = (kind == EMAIL_PERSONAL) & (rng.random(n) < 0.6)
    local = where(personal, concat(local, digits), local)
    pdom = weighted_choice(rng, [w for _, w in cat.PERSONAL_EMAIL_DOMAINS], n)
    domain = where(
        kind == EMAIL_PERSONAL,
        take([d for d, _ in cat.PERSONAL_EMAIL_DOMAINS], pdom),
        where(
            kind == EMAIL_STUDENT,
            take(cat.STUDENT_EMAIL_DOMAINS, rng.integers(0, len(cat.STUDENT_EMAIL_DOMAINS), n)),
            companies.domain.take(pa.array(company)),
        ),
    )
    email = concat(local, "@", domain)
    # Two different people must not share an address: number the repeats.
    codes = pc.dictionary_encode(email).indices.to_numpy()
    order = np.argsort(codes, kind="stable")
    repeat = ~first_in_group(codes[order])
    dup = np.sort(order[repeat])
    if len(dup):
        fixed = concat(
            local.take(pa.array(dup)), int_strings(dup % 97 + 2), "@", domain.take(pa.array(dup))
        )
        email = replace_at(email, dup, fixed)
    return email


def malform(rng: np.random.Generator, email: pa.Array) -> pa.Array:
    """Broken spellings: missing @, double @@, a space inside, a trailing dot."""
    n = len(email)
    style = rng.permutation(np.arange(n) % 4)  # every style shows up once n >= 4
    no_at = pc.replace_substring(email, "@", "", max_replacements=1)
    double = pc.replace_substring(email, "@", "@@", max_replacements=1)
    space = pc.replace_substring(email, ".", " ", max_replacements=1)
    trailing = concat(email, ".")
    return pc.choose(pa.array(style.astype(np.int8)), no_at, double, space, trailing)


def make_contacts(
    world: World, rng: np.random.Generator, chunk: int, n: int, companies: Companies
) -> Contacts:
    """``n`` contacts spread over the chunk's companies (bigger companies get more)."""
    weight = np.sqrt(companies.employees)
    company = weighted_choice(rng, weight, n)
    title = weighted_choice(rng, title_weights(), n)
    sen_names = [t[1] for t in cat.JOB_TITLES]
    fun_names = [t[2] for t in cat.JOB_TITLES]
    seniority = np.array([cat.SENIORITIES.index(s) for s in sen_names])[title]
    function = np.array([cat.FUNCTIONS.index(f) for f in fun_names])[title]
    first = rng.integers(0, len(cat.FIRST_NAMES), n)
    last = rng.integers(0, len(cat.LAST_NAMES), n)

    student = seniority == cat.SENIORITIES.index("student")
    kind = np.full(n, EMAIL_WORK)
    kind[rng.random(n) < 0.08] = EMAIL_PERSONAL
    kind[student] = np.where(rng.random(int(student.sum())) < 0.7, EMAIL_STUDENT, EMAIL_PERSONAL)
    email = _emails(rng, companies, company, first, last, kind)
    valid_pool = np.flatnonzero(kind != EMAIL_STUDENT)
    bad = valid_pool[pick_exact(rng, len(valid_pool), 0.02)]
    email = replace_at(email, bad, malform(rng, email.take(pa.array(bad))))
    kind[bad] = EMAIL_MALFORMED
    rest = np.flatnonzero(kind == EMAIL_WORK)
    blank = rest[pick_exact(rng, len(rest), 0.01)]
    kind[blank] = EMAIL_BLANK
    email = replace_at(email, blank, pa.array([None] * len(blank), pa.string()))
    cased = np.flatnonzero(kind == EMAIL_WORK)
    cased = cased[pick_exact(rng, len(cased), 0.02)]
    email = replace_at(email, cased, pc.utf8_capitalize(email.take(pa.array(cased))))

    no_company = (kind == EMAIL_PERSONAL) | (kind == EMAIL_STUDENT)
    no_company &= rng.random(n) < 0.45
    no_company[rng.random(n) < 0.01] = True

    sources = cat.LEAD_SOURCES
    lead_source = weighted_choice(rng, [s[1] for s in sources], n)
    form_created = np.array([s[3] for s in sources])[lead_source]
    created = _created_times(world, rng, lead_source)

    comp_fit = companies.fit[company]
    fit = (
        np.array([cat.SENIORITY_FIT[s] for s in cat.SENIORITIES])[seniority]
        + np.array([cat.FUNCTION_FIT[f] for f in cat.FUNCTIONS])[function]
        + comp_fit
        - 0.9 * (kind == EMAIL_PERSONAL)
        - 0.6 * (kind == EMAIL_STUDENT)
        + rng.normal(0, 0.3, n)
        - 1.12
    )
    intent = 0.9 * rng.normal(0, 1, n) + np.array([s[2] for s in sources])[lead_source] + 0.25 * fit

    # How they entered: newsletter sign-up (subscriber), demo request (straight to MQL),
    # another form (lead) or an import by sales/events/partners (lead).
    start_stage = np.full(n, STAGE_LEAD)
    creation_form = np.full(n, -1)
    u = rng.random(n)
    newsletter = form_created & (u < 0.3)
    demo = form_created & ~newsletter & (rng.random(n) < sigmoid(-2.6 + 0.9 * intent))
    start_stage[newsletter] = STAGE_SUBSCRIBER
    start_stage[demo] = STAGE_MQL
    creation_form[newsletter] = cat.FORM_NEWSLETTER
    creation_form[demo] = cat.FORM_DEMO
    other = form_created & ~newsletter & ~demo
    choices = np.array([cat.FORM_CONTACT, cat.FORM_EBOOK, cat.FORM_WEBINAR])
    creation_form[other] = choices[weighted_choice(rng, [3, 4, 3], int(other.sum()))]
    content = lead_source == [s[0] for s in sources].index("content_download")
    creation_form[other & content] = cat.FORM_EBOOK
    imported_sub = ~form_created & (rng.random(n) < 0.1)
    start_stage[imported_sub] = STAGE_SUBSCRIBER

    ids = int_strings(CONTACT_ID_BASE + chunk * ID_BLOCK + np.arange(n))
    _, spell_start, spell_count = country_spellings()
    comp_country = companies.country[company]
    random_country = weighted_choice(rng, [c.weight for c in cat.COUNTRIES], n)
    ctry = np.where(rng.random(n) < 0.9, comp_country, random_country)
    variant = np.where(
        rng.random(n) < 0.15, 1 + (rng.random(n) * (spell_count[ctry] - 1)).astype(int), 0
    )
    country = spell_start[ctry] + variant
    country[rng.random(n) < 0.1] = -1
    return Contacts(
        n=n,
        ids=ids,
        company=company,
        has_association=~no_company,
        first=first,
        last=last,
        title=title,
        seniority=seniority,
        function=function,
        email=email,
        email_kind=kind,
        lead_source=lead_source,
        form_created=form_created,
        creation_form=creation_form,
        start_stage=start_stage,
        created=created,
        fit=fit,
        intent=intent,
        country=country,
        owner=companies.owner[company],
    )


def finish_companies(
    world: World, rng: np.random.Generator, companies: Companies, contacts: Contacts
) -> None:
    """Set company created/updated times from their first contact (or at random)."""
    first_contact = np.full(companies.n, np.inf)
    np.minimum.at(first_contact, contacts.company, contacts.created)
    n = companies.n
    lonely = ~np.isfinite(first_contact)
    created = first_contact - rng.exponential(10 * DAY, n)
    created[lonely] = uniform_between(
        rng,
        np.full(int(lonely.sum()), world.start),
        np.full(int(lonely.sum()), world.horizon - DAY),
    )
    companies.created = np.maximum(created, world.start - 200 * DAY)
    companies.updated = uniform_between(rng, companies.created, np.full(n, world.horizon - 60.0))
