"""Lifecycle progression and deals, driven by each contact's hidden fit and intent.

Every transition is a logistic function of fit + intent + noise, happens a random delay
after the previous stage, and only counts if it happens before ``as_of``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import catalogs as cat
from .arrays import (
    DAY,
    MINUTE,
    concat,
    first_in_group,
    int_strings,
    sigmoid,
    take,
    weighted_choice,
    where,
)
from .people import (
    STAGE_CUSTOMER,
    STAGE_LEAD,
    STAGE_MQL,
    STAGE_OPPORTUNITY,
    STAGE_SQL,
    STAGE_SUBSCRIBER,
    Companies,
    Contacts,
)
from .world import World

DEAL_ID_BASE = 5_000_000_000
ID_BLOCK = 1_000_000

#: (intercept, fit slope, intent slope) of each transition.
SUB_TO_LEAD = (0.5, 0.3, 0.5)
LEAD_TO_MQL = (-0.15, 0.55, 1.0)
MQL_TO_SQL = (-1.4, 0.9, 1.2)
SQL_TO_OPP = (1.5, 0.4, 0.4)
OPP_TO_WON = (-0.5, 0.8, 0.6)
NOISE = 0.5


@dataclass
class Lifecycle:
    """Realised stage entry times (n, 6) and the hidden conversion probabilities."""

    stage_t: np.ndarray
    propensity: np.ndarray
    p_sql_given_mql: np.ndarray
    mql_form: np.ndarray


@dataclass
class Deals:
    """Deals of a chunk and their contact associations."""

    n: int
    ids: pa.Array
    contact: np.ndarray
    company: np.ndarray
    created: np.ndarray
    closed: np.ndarray
    won: np.ndarray
    stage: pa.Array
    amount: np.ndarray
    pipeline: np.ndarray
    name: pa.Array
    assoc_deal: np.ndarray
    assoc_contact: np.ndarray
    assoc_role: np.ndarray


def _p(coef: tuple[float, float, float], fit: np.ndarray, intent: np.ndarray) -> np.ndarray:
    a, bf, bi = coef
    return sigmoid(a + bf * fit + bi * intent)


def _advance(
    rng: np.random.Generator,
    prev: np.ndarray,
    coef: tuple[float, float, float],
    fit: np.ndarray,
    intent: np.ndarray,
    delay: np.ndarray,
    horizon: float,
) -> np.ndarray:
    """Entry time of the next stage (nan when it does not happen before the horizon)."""
    a, bf, bi = coef
    n = len(prev)
    p = sigmoid(a + bf * fit + bi * intent + rng.normal(0, NOISE, n))
    nxt = prev + delay
    ok = ~np.isnan(prev) & (rng.random(n) < p) & (nxt < horizon)
    return np.where(ok, nxt, np.nan)


def simulate_lifecycle(world: World, rng: np.random.Generator, contacts: Contacts) -> Lifecycle:
    """Organic stage progression of every contact (before buying committees are added)."""
    n, f, i, h = contacts.n, contacts.fit, contacts.intent, world.horizon
    t = np.full((n, 6), np.nan)
    t[np.arange(n), contacts.start_stage] = contacts.created

    sub = contacts.start_stage == STAGE_SUBSCRIBER
    to_lead = _advance(
        rng, t[:, STAGE_SUBSCRIBER], SUB_TO_LEAD, f, i, rng.exponential(45 * DAY, n) + MINUTE, h
    )
    t[sub, STAGE_LEAD] = to_lead[sub]

    mql_delay = rng.gamma(1.3, 24 * DAY, n) * np.exp(-0.2 * i) + 10 * MINUTE
    can_mql = contacts.start_stage < STAGE_MQL
    to_mql = _advance(rng, t[:, STAGE_LEAD], LEAD_TO_MQL, f, i, mql_delay, h)
    t[can_mql, STAGE_MQL] = to_mql[can_mql]

    quick = rng.random(n) < sigmoid(1.1 + 0.5 * i)
    sql_delay = np.where(quick, rng.gamma(2.0, 5 * DAY, n), rng.uniform(31, 150, n) * DAY)
    t[:, STAGE_SQL] = _advance(rng, t[:, STAGE_MQL], MQL_TO_SQL, f, i, sql_delay + MINUTE, h)
    t[:, STAGE_OPPORTUNITY] = _advance(
        rng, t[:, STAGE_SQL], SQL_TO_OPP, f, i, rng.gamma(2.0, 4 * DAY, n) + MINUTE, h
    )

    p_lead = np.where(sub, _p(SUB_TO_LEAD, f, i), 1.0)
    p_mql = np.where(can_mql, _p(LEAD_TO_MQL, f, i), 1.0)
    p_sql = _p(MQL_TO_SQL, f, i)
    propensity = p_lead * p_mql * p_sql * _p(SQL_TO_OPP, f, i) * _p(OPP_TO_WON, f, i)

    # Most MQLs are triggered by a form: often a demo request for high-intent people.
    mql_form = np.full(n, -1)
    later_mql = ~np.isnan(t[:, STAGE_MQL]) & (t[:, STAGE_MQL] > contacts.created)
    by_form = later_mql & (rng.random(n) < 0.65)
    demo = rng.random(n) < sigmoid(-0.6 + 0.8 * i)
    others = np.array([cat.FORM_CONTACT, cat.FORM_WEBINAR, cat.FORM_EBOOK])
    mql_form[by_form] = np.where(demo, cat.FORM_DEMO, others[weighted_choice(rng, [4, 3, 3], n)])[
        by_form
    ]
    return Lifecycle(stage_t=t, propensity=propensity, p_sql_given_mql=p_sql, mql_form=mql_form)


def _company_members(company: np.ndarray, n_companies: int) -> tuple[np.ndarray, ...]:
    order = np.argsort(company, kind="stable")
    counts = np.bincount(company, minlength=n_companies)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return order, starts, counts


def make_deals(
    world: World,
    rng: np.random.Generator,
    chunk: int,
    contacts: Contacts,
    companies: Companies,
    life: Lifecycle,
) -> Deals:
    """One deal per contact reaching opportunity, plus a buying committee from the company.

    Committee members (other contacts of the company) enter opportunity when the deal is
    created and become customers when it is won; their organic history after that point is
    dropped, so every history stays in stage order.
    """
    t, h = life.stage_t, world.horizon
    f, i = contacts.fit, contacts.intent
    main = np.flatnonzero(~np.isnan(t[:, STAGE_OPPORTUNITY]))
    nd = len(main)
    created = t[main, STAGE_OPPORTUNITY]
    close = created + rng.gamma(2.5, 18 * DAY, nd) + DAY
    won = rng.random(nd) < sigmoid(
        OPP_TO_WON[0] + OPP_TO_WON[1] * f[main] + OPP_TO_WON[2] * i[main] + rng.normal(0, NOISE, nd)
    )
    closed = np.where(close < h, close, np.nan)
    has_company = contacts.has_association[main]
    company = np.where(has_company, contacts.company[main], -1)

    # Buying committee: up to 3 more contacts of the same company, created before the deal.
    order, starts, counts = _company_members(contacts.company, companies.n)
    extra = np.where(has_company, weighted_choice(rng, [35, 30, 20, 15], nd), 0)
    d_rep = np.repeat(np.arange(nd), extra)
    c_of = contacts.company[main][d_rep]
    cand = order[starts[c_of] + (rng.random(len(d_rep)) * counts[c_of]).astype(np.int64)]
    ok = (
        (cand != main[d_rep])
        & np.isnan(t[cand, STAGE_OPPORTUNITY])
        & (contacts.created[cand] < created[d_rep])
        & contacts.has_association[cand]
    )
    d_rep, cand = d_rep[ok], cand[ok]
    # each contact joins at most one committee (the earliest deal)
    key = np.lexsort((created[d_rep], cand))
    d_rep, cand = d_rep[key], cand[key]
    keep = first_in_group(cand)
    d_rep, cand = d_rep[keep], cand[keep]

    t[main, STAGE_CUSTOMER] = np.where(won & (close < h), close, np.nan)
    joined = created[d_rep] + rng.uniform(1, 180, len(d_rep)) * MINUTE
    late = t[cand] >= joined[:, None]
    sub_t = t[cand]
    sub_t[late] = np.nan
    sub_t[:, STAGE_OPPORTUNITY] = np.where(joined < h, joined, np.nan)
    sub_t[:, STAGE_CUSTOMER] = np.where(
        won[d_rep] & (close[d_rep] < h), close[d_rep] + MINUTE, np.nan
    )
    t[cand] = sub_t
    life.mql_form[np.isnan(t[:, STAGE_MQL])] = -1

    senior = contacts.seniority[main] <= 2
    role_main = np.where(senior, 0, 1)
    role_extra = weighted_choice(rng, [10, 10, 35, 30, 15], len(cand))
    assoc_deal = np.concatenate([np.arange(nd), d_rep])
    assoc_contact = np.concatenate([main, cand])
    assoc_role = np.concatenate([role_main, role_extra])
    srt = np.lexsort((assoc_role, assoc_deal))

    progress = np.clip((h - created) / np.maximum(close - created, 1.0), 0, 0.999)
    open_stage = (progress * len(cat.DEAL_OPEN_STAGES)).astype(np.int64)
    stage_names = [*cat.DEAL_OPEN_STAGES, cat.DEAL_WON, cat.DEAL_LOST]
    stage_idx = np.where(
        np.isnan(closed), open_stage, np.where(won, len(cat.DEAL_OPEN_STAGES), len(stage_names) - 1)
    )
    stage = take(stage_names, stage_idx)

    product = weighted_choice(rng, [40, 30, 15, 15], nd)
    multiplier = np.array([1.0, 1.0, 2.5, 0.4])[product]
    employees = companies.employees[contacts.company[main]]
    amount = np.round(
        np.exp(8.6 + 0.45 * np.log(employees) + rng.normal(0, 0.5, nd)) * multiplier, -2
    )
    partner_source = [s[0] for s in cat.LEAD_SOURCES].index("partner")
    pipeline = (contacts.lead_source[main] == partner_source).astype(np.int64)

    person = concat(
        take(cat.FIRST_NAMES, contacts.first[main]), " ", take(cat.LAST_NAMES, contacts.last[main])
    )
    owner_name = where(has_company, companies.name.take(pa.array(np.maximum(company, 0))), person)
    name = concat(owner_name, " - ", take(cat.DEAL_PRODUCTS, product))
    return Deals(
        n=nd,
        ids=int_strings(DEAL_ID_BASE + chunk * ID_BLOCK + np.arange(nd)),
        contact=main,
        company=company,
        created=created,
        closed=closed,
        won=won & ~np.isnan(closed),
        stage=stage,
        amount=amount,
        pipeline=pipeline,
        name=name,
        assoc_deal=assoc_deal[srt],
        assoc_contact=assoc_contact[srt],
        assoc_role=assoc_role[srt],
    )


def reached(stage_t: np.ndarray) -> np.ndarray:
    """Highest stage index reached by each contact (-1 if none)."""
    has = ~np.isnan(stage_t)
    idx = np.where(has, np.arange(stage_t.shape[1])[None, :], -1)
    return idx.max(axis=1)
