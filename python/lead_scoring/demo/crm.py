"""CRM export tables of one chunk, rendered as the CRM would export them (dirt included)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import catalogs as cat
from . import dirt
from .activities import ACTIVITY_TYPES, Activities
from .arrays import (
    DAY,
    HOUR,
    MINUTE,
    concat,
    int_strings,
    pick_exact,
    replace_at,
    take,
    where,
)
from .duplicates import Duplicates, reassign
from .email import EmailEvents
from .lifecycle import Deals, Lifecycle, reached
from .people import (
    COMPANY_ID_BASE,
    CONTACT_ID_BASE,
    ID_BLOCK,
    STAGE_CUSTOMER,
    STAGE_SUBSCRIBER,
    Companies,
    Contacts,
    country_spellings,
    job_titles,
    places,
)
from .schema import TABLES
from .web import WebEvents
from .world import World

ACTIVITY_ID_BASE = 7_000_000_000
ACTIVITY_BLOCK = 10_000_000
DEAL_ID_BASE = 5_000_000_000
UNKNOWN_OFFSET = 900_000


def _table(name: str, columns: dict[str, pa.Array | np.ndarray]) -> pa.Table:
    schema = TABLES[name]
    arrays = [
        pa.array(columns[f.name], f.type)
        if not isinstance(columns[f.name], pa.Array)
        else columns[f.name].cast(f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def _null_mask(rng: np.random.Generator, n: int, rate: float) -> np.ndarray:
    """Exactly ``max(1, round(rate * n))`` rows (blank optional values)."""
    mask = np.zeros(n, dtype=bool)
    mask[pick_exact(rng, n, rate)] = True
    return mask


def _nullify(rng: np.random.Generator, values: pa.Array, rate: float) -> pa.Array:
    rows = pick_exact(rng, len(values), rate)
    return replace_at(values, rows, pa.nulls(len(rows), values.type))


def _numeric(values: np.ndarray, null: np.ndarray) -> pa.Array:
    """Numbers with nulls (not NaN) where unknown."""
    values = np.asarray(values, dtype=np.float64)
    return pa.array(values, pa.float64(), mask=null | np.isnan(values))


def unknown_ids(base: int, chunk: int, rng: np.random.Generator, k: int = 50) -> pa.Array:
    """Well-formed ids in a range no record of this chunk uses."""
    return int_strings(base + chunk * ID_BLOCK + UNKNOWN_OFFSET + rng.integers(0, 90_000, k))


def contact_id_space(contacts: Contacts, dups: Duplicates) -> pa.Array:
    """Ids of originals then duplicates (index = contact index space)."""
    return pa.concat_arrays([contacts.ids, dups.ids])


# ------------------------------------------------------------------------------ companies


def companies_table(
    world: World, rng: np.random.Generator, chunk: int, companies: Companies
) -> pa.Table:
    """companies: names, messy domains, industry spellings, size, geography, technologies."""
    n = companies.n
    d = companies.domain
    style = rng.choice(6, size=n, p=[0.9, 0.03, 0.025, 0.015, 0.015, 0.015])
    domain = pc.choose(
        pa.array(style.astype(np.int8)),
        d,
        concat("https://www.", d, "/"),
        concat("www.", d),
        concat("http://", d),
        pc.utf8_upper(d),
        concat("https://", d, "/about"),
    )
    industries = [(i.name, *i.variants) for i in cat.INDUSTRIES]
    flat = [x for group in industries for x in group]
    start = np.cumsum([0] + [len(g) for g in industries[:-1]])
    count = np.array([len(g) for g in industries])
    variant = np.where(
        rng.random(n) < 0.15, 1 + (rng.random(n) * (count - 1)[companies.industry]).astype(int), 0
    )
    industry = take(flat, start[companies.industry] + variant)
    spell, spell_start, spell_count = country_spellings()
    cvar = np.where(
        rng.random(n) < 0.15,
        1 + (rng.random(n) * (spell_count[companies.country] - 1)).astype(int),
        0,
    )
    _, _, _, regions, cities = places()
    table = _table(
        "companies",
        {
            "company_id": companies.ids,
            "company_name": companies.name,
            "domain": _nullify(rng, domain, 0.03),
            "industry": _nullify(rng, industry, 0.03),
            "employee_count": pa.array(
                companies.employees.astype(np.int64), mask=_null_mask(rng, n, 0.08)
            ),
            "annual_revenue": _numeric(companies.revenue, _null_mask(rng, n, 0.15)),
            "country": _nullify(
                rng, spell.take(pa.array(spell_start[companies.country] + cvar)), 0.03
            ),
            "region": _nullify(rng, regions.take(pa.array(companies.place)), 0.05),
            "city": _nullify(rng, cities.take(pa.array(companies.place)), 0.05),
            "technologies": companies.technologies,
            "created_at": dirt.break_timestamps(rng, dirt.crm_timestamps(rng, companies.created)),
            "updated_at": dirt.crm_timestamps(rng, companies.updated),
        },
    )
    junk = dirt.unparseable_key_rows(rng, table, "company_id", dirt.JUNK_RECORD_RATE)
    return pa.concat_tables([table, junk])


# ------------------------------------------------------------------------------ contacts


def _stage_labels(rng: np.random.Generator, stage: np.ndarray) -> pa.Array:
    names = list(cat.LIFECYCLE_STAGES)
    short = [cat.LIFECYCLE_SHORT_LABELS.get(s, s) for s in names]
    labels = take(names + short, stage + np.where(rng.random(len(stage)) < 0.05, len(names), 0))
    return where(stage >= 0, labels, pa.nulls(len(stage), pa.string()))


def contacts_table(
    world: World,
    rng: np.random.Generator,
    chunk: int,
    contacts: Contacts,
    life: Lifecycle,
    dups: Duplicates,
) -> pa.Table:
    """contacts: originals, their later duplicates and a few junk-id rows."""
    n, h = contacts.n, world.horizon
    current = reached(life.stage_t)
    last_change = np.nanmax(life.stage_t, axis=1)
    updated = np.minimum(last_change + rng.exponential(6 * DAY, n), h - MINUTE)

    title = job_titles(rng, contacts.title, dirt.NOISY_TITLE_RATE)

    spell, _, _ = country_spellings()
    sources = take([s[0] for s in cat.LEAD_SOURCES], contacts.lead_source)
    o = dups.original
    k = dups.n
    dup_source = take([s[0] for s in cat.LEAD_SOURCES], rng.integers(0, len(cat.LEAD_SOURCES), k))
    first = take(cat.FIRST_NAMES, np.concatenate([contacts.first, contacts.first[o]]))
    last = take(cat.LAST_NAMES, np.concatenate([contacts.last, contacts.last[o]]))
    created = np.concatenate([contacts.created, dups.created])
    table = _table(
        "contacts",
        {
            "contact_id": contact_id_space(contacts, dups),
            "email": pa.concat_arrays([contacts.email, dups.email]),
            "first_name": first,
            "last_name": last,
            "job_title": pa.concat_arrays([title, title.take(pa.array(o))]),
            "lead_source": _nullify(rng, pa.concat_arrays([sources, dup_source]), 0.02),
            "lifecycle_stage": _stage_labels(rng, np.concatenate([current, dups.stage])),
            "country": take(spell, np.concatenate([contacts.country, contacts.country[o]])),
            "created_at": dirt.break_timestamps(rng, dirt.crm_timestamps(rng, created)),
            "updated_at": dirt.crm_timestamps(
                rng, np.concatenate([updated, np.minimum(dups.created + DAY, h - MINUTE)])
            ),
        },
    )
    junk = dirt.unparseable_key_rows(rng, table, "contact_id", dirt.JUNK_RECORD_RATE)
    return pa.concat_tables([table, junk])


def history_table(
    rng: np.random.Generator, chunk: int, contacts: Contacts, life: Lifecycle, dups: Duplicates
) -> pa.Table:
    """lifecycle_stage_history: one row per stage entered (duplicates enter as leads)."""
    who, stage = np.nonzero(~np.isnan(life.stage_t))
    when = life.stage_t[who, stage]
    who = np.concatenate([who, contacts.n + np.arange(dups.n)])
    stage = np.concatenate([stage, dups.stage])
    when = np.concatenate([when, dups.created])
    order = np.lexsort((stage, when))
    ids = contact_id_space(contacts, dups)
    table = _table(
        "lifecycle_stage_history",
        {
            "contact_id": ids.take(pa.array(who[order])),
            "lifecycle_stage": _stage_labels(rng, stage[order]),
            "entered_at": dirt.break_timestamps(rng, dirt.crm_timestamps(rng, when[order])),
        },
    )
    unknown = unknown_ids(CONTACT_ID_BASE, chunk, rng)
    return dirt.with_dirty_keys(rng, table, "contact_id", unknown)


# ------------------------------------------------------------------------------ associations


def associations_table(
    rng: np.random.Generator, chunk: int, contacts: Contacts, companies: Companies, dups: Duplicates
) -> pa.Table:
    """contact_company_associations: primary company, some secondary ones, duplicates."""
    n = contacts.n
    prim = np.flatnonzero(contacts.has_association)
    sec = prim[rng.random(len(prim)) < 0.08]
    other = (
        contacts.company[sec] + 1 + rng.integers(0, max(companies.n - 1, 1), len(sec))
    ) % companies.n
    keep = other != contacts.company[sec]
    sec, other = sec[keep], other[keep]
    d = np.flatnonzero(contacts.has_association[dups.original] & (rng.random(dups.n) < 0.7))
    who = np.concatenate([prim, sec, n + d])
    comp = np.concatenate([contacts.company[prim], other, contacts.company[dups.original[d]]])
    primary = np.concatenate(
        [np.ones(len(prim), bool), np.zeros(len(sec), bool), np.ones(len(d), bool)]
    )
    order = np.argsort(who, kind="stable")
    table = _table(
        "contact_company_associations",
        {
            "contact_id": contact_id_space(contacts, dups).take(pa.array(who[order])),
            "company_id": companies.ids.take(pa.array(comp[order])),
            "is_primary": pa.array(primary[order], mask=_null_mask(rng, len(who), 0.01)),
        },
    )
    table = dirt.with_dirty_keys(rng, table, "contact_id", unknown_ids(CONTACT_ID_BASE, chunk, rng))
    return dirt.with_dirty_keys(rng, table, "company_id", unknown_ids(COMPANY_ID_BASE, chunk, rng))


def deals_tables(
    rng: np.random.Generator,
    chunk: int,
    contacts: Contacts,
    companies: Companies,
    deals: Deals,
    dups: Duplicates,
) -> tuple[pa.Table, pa.Table]:
    """deals and deal_contact_associations."""
    nd = deals.n
    company_ids = companies.ids.take(pa.array(np.maximum(deals.company, 0)))
    company_ids = where(deals.company >= 0, company_ids, pa.nulls(nd, pa.string()))
    deals_t = _table(
        "deals",
        {
            "deal_id": deals.ids,
            "deal_name": deals.name,
            "pipeline": take(cat.PIPELINES, deals.pipeline),
            "deal_stage": dirt.mixed_case(rng, deals.stage),
            "amount": _numeric(deals.amount, _null_mask(rng, nd, 0.05)),
            "company_id": company_ids,
            "created_at": dirt.break_timestamps(rng, dirt.crm_timestamps(rng, deals.created)),
            "closed_at": dirt.crm_timestamps(rng, deals.closed),
        },
    )
    who = reassign(rng, dups, contacts.n, deals.assoc_contact, deals.created[deals.assoc_deal])
    assoc = _table(
        "deal_contact_associations",
        {
            "deal_id": deals.ids.take(pa.array(deals.assoc_deal)),
            "contact_id": contact_id_space(contacts, dups).take(pa.array(who)),
            "role": take(cat.DEAL_ROLES, deals.assoc_role),
        },
    )
    assoc = dirt.with_dirty_keys(rng, assoc, "deal_id", unknown_ids(DEAL_ID_BASE, chunk, rng))
    assoc = dirt.with_dirty_keys(rng, assoc, "contact_id", unknown_ids(CONTACT_ID_BASE, chunk, rng))
    return deals_t, assoc


def activities_table(
    world: World,
    rng: np.random.Generator,
    chunk: int,
    contacts: Contacts,
    acts: Activities,
    dups: Duplicates,
) -> pa.Table:
    """sales_activities: calls and meetings; some future, mixed-case or broken rows."""
    na = len(acts.contact)
    who = reassign(rng, dups, contacts.n, acts.contact, acts.time)
    time = dirt.future_times(rng, acts.time, world.horizon)
    kinds = take(ACTIVITY_TYPES, acts.kind)
    table = _table(
        "sales_activities",
        {
            "activity_id": int_strings(ACTIVITY_ID_BASE + chunk * ACTIVITY_BLOCK + np.arange(na)),
            "contact_id": contact_id_space(contacts, dups).take(pa.array(who)),
            "activity_type": dirt.mixed_case(rng, kinds),
            "owner_id": take(cat.SALES_REP_IDS, contacts.owner[acts.contact]),
            "occurred_at": dirt.break_timestamps(rng, dirt.crm_timestamps(rng, time)),
        },
    )
    return dirt.with_dirty_keys(rng, table, "contact_id", unknown_ids(CONTACT_ID_BASE, chunk, rng))


# ------------------------------------------------------------------------------ properties


def custom_properties_table(
    world: World,
    rng: np.random.Generator,
    chunk: int,
    contacts: Contacts,
    companies: Companies,
    dups: Duplicates,
) -> pa.Table:
    """contact_custom_properties: budget, timeline, interest... for about half the contacts."""
    n, h = contacts.n, world.horizon
    has = rng.random(n) < 0.35 + 0.3 * contacts.form_created
    emp = companies.employees[contacts.company]
    budget = np.digitize(np.log10(emp) + rng.normal(0, 0.4, n), [1.3, 2.3, 3.2])
    budget[rng.random(n) < 0.08] = 4
    timeline = np.clip(np.round(1.0 + 0.9 * contacts.intent + rng.normal(0, 0.8, n)), 0, 3)
    interest = rng.integers(0, len(cat.PRODUCT_INTERESTS), n)
    method = rng.integers(0, len(cat.CONTACT_METHODS), n)
    props = (
        ("budget_range", cat.BUDGET_RANGES, budget, 0.7),
        ("purchase_timeline", cat.PURCHASE_TIMELINES, timeline.astype(np.int64), 0.6),
        ("product_interest", cat.PRODUCT_INTERESTS, interest, 0.8),
        ("preferred_contact_method", cat.CONTACT_METHODS, method, 0.3),
    )
    values_flat = [v for _, vals, _, _ in props for v in vals]
    offsets = np.cumsum([0] + [len(p[1]) for p in props[:-1]])
    present = has[:, None] & (rng.random((n, len(props))) < np.array([p[3] for p in props]))
    who, prop = np.nonzero(present)
    value_idx = offsets[prop] + np.stack([p[2] for p in props], axis=1)[who, prop]
    late = rng.random(len(who)) < 0.3
    when = np.where(
        late,
        contacts.created[who] + rng.random(len(who)) * (h - contacts.created[who]),
        contacts.created[who] + rng.uniform(0, 10, len(who)) * MINUTE,
    )
    # duplicates carry a copy of some of the person's properties
    slot = np.full(n, -1)
    slot[dups.original] = np.arange(dups.n)
    copy = np.flatnonzero((slot[who] >= 0) & (_null_mask(rng, len(who), 0.5)))
    who_all = np.concatenate([who, n + slot[who[copy]]])
    prop_all = np.concatenate([prop, prop[copy]])
    value_all = np.concatenate([value_idx, value_idx[copy]])
    when_all = np.concatenate([when, dups.created[slot[who[copy]]] + MINUTE])
    values = take(values_flat, value_all)
    blank = np.flatnonzero(rng.random(len(values)) < 0.03)
    values = replace_at(values, blank, pa.array([""] * len(blank)))
    table = _table(
        "contact_custom_properties",
        {
            "contact_id": contact_id_space(contacts, dups).take(pa.array(who_all)),
            "property_name": take([p[0] for p in props], prop_all),
            "property_value": values,
            "updated_at": dirt.crm_timestamps(rng, np.minimum(when_all, h - MINUTE)),
        },
    )
    return dirt.with_dirty_keys(rng, table, "contact_id", unknown_ids(CONTACT_ID_BASE, chunk, rng))


# ------------------------------------------------------------------------------ lists


def lists_table(world: World, rng: np.random.Generator) -> pa.Table:
    """lists: the run's lists (written once)."""
    return _table(
        "lists",
        {
            "list_id": pa.array([x.list_id for x in world.lists]),
            "list_name": pa.array([x.name for x in world.lists]),
            "object_type": pa.array([x.object_type for x in world.lists]),
            "list_type": pa.array([x.list_type for x in world.lists]),
            "created_at": dirt.crm_timestamps(rng, np.array([x.created_at for x in world.lists])),
        },
    )


def memberships_table(
    world: World,
    rng: np.random.Generator,
    chunk: int,
    contacts: Contacts,
    companies: Companies,
    life: Lifecycle,
    deals: Deals,
    email: EmailEvents,
    web: WebEvents,
) -> pa.Table:
    """list_memberships of the chunk's contacts, companies and deals."""
    h, n = world.horizon, contacts.n
    lists = {x.key: x for x in world.lists}
    parts: list[tuple[str, pa.Array, np.ndarray]] = []

    def add(key: str, ids: pa.Array, rows: np.ndarray, added: np.ndarray) -> None:
        """Put records ``ids[rows]`` in list ``key`` at ``added`` (if before as_of)."""
        lst = lists[key]
        added = np.maximum(added, lst.created_at + HOUR)
        ok = added < h
        parts.append((lst.list_id, ids.take(pa.array(rows[ok])), added[ok]))

    cust = np.flatnonzero(~np.isnan(life.stage_t[:, STAGE_CUSTOMER]))
    add(
        "customers",
        contacts.ids,
        cust,
        life.stage_t[cust, STAGE_CUSTOMER] + rng.uniform(0, HOUR, len(cust)),
    )
    won = np.flatnonzero(deals.won & (deals.company >= 0))
    comp, first = np.unique(deals.company[won], return_index=True)
    add("customer_accounts", companies.ids, comp, deals.closed[won][first] + MINUTE)
    comp = np.flatnonzero(companies.is_competitor)
    add(
        "competitors",
        companies.ids,
        comp,
        companies.created[comp] + rng.uniform(0, 30, len(comp)) * DAY,
    )
    comp = np.flatnonzero(companies.is_partner)
    add(
        "partners",
        companies.ids,
        comp,
        companies.created[comp] + rng.uniform(0, 30, len(comp)) * DAY,
    )
    big = np.flatnonzero((companies.employees >= 1000) & (companies.fit > 0.3))
    add(
        "target_accounts",
        companies.ids,
        big,
        np.full(len(big), world.start) + rng.uniform(0, 90, len(big)) * DAY,
    )

    unsub = np.flatnonzero(~np.isnan(email.unsubscribed_at))
    extra = pick_exact(rng, n, 0.01)
    dnc = np.union1d(unsub, extra)
    when = np.where(
        np.isnan(email.unsubscribed_at[dnc]),
        contacts.created[dnc] + rng.uniform(0, 60, len(dnc)) * DAY,
        email.unsubscribed_at[dnc] + HOUR,
    )
    add("do_not_contact", contacts.ids, dnc, when)

    subscribed = contacts.start_stage == STAGE_SUBSCRIBER
    subscribed |= ~np.isnan(web.newsletter_at)
    subscribed &= np.isnan(email.unsubscribed_at)
    sub = np.flatnonzero(subscribed)
    when = np.where(np.isnan(web.newsletter_at[sub]), contacts.created[sub], web.newsletter_at[sub])
    add("newsletter", contacts.ids, sub, when + MINUTE)

    webinar = np.flatnonzero(~np.isnan(web.webinar_at))
    add("webinar", contacts.ids, webinar, web.webinar_at[webinar] + MINUTE)

    event_source = [s[0] for s in cat.LEAD_SOURCES].index("event")
    for key, t_event in zip(("event_prev", "event_last"), world.event_times, strict=True):
        imported = (contacts.lead_source == event_source) & (contacts.created >= t_event)
        imported &= contacts.created < t_event + 6 * DAY
        existing = (contacts.created < t_event) & (_null_mask(rng, n, 0.03))
        rows = np.flatnonzero(imported | existing)
        add(key, contacts.ids, rows, np.full(len(rows), t_event + 2 * DAY))

    open_deals = np.flatnonzero(np.isnan(deals.closed))
    add("open_deals", deals.ids, open_deals, deals.created[open_deals] + MINUTE)

    table = _table(
        "list_memberships",
        {
            "list_id": pa.concat_arrays(
                [pa.array([lid] * len(ids), pa.string()) for lid, ids, _ in parts]
            ),
            "record_id": pa.concat_arrays([ids for _, ids, _ in parts]),
            "added_at": dirt.crm_timestamps(rng, np.concatenate([t for _, _, t in parts])),
        },
    )
    table = dirt.with_dirty_keys(rng, table, "record_id", unknown_ids(CONTACT_ID_BASE, chunk, rng))
    return dirt.with_dirty_keys(rng, table, "list_id", pa.array(["9999", "4242", "1099"]))
