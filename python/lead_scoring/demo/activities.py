"""Sales activities (calls and meetings) logged against contacts.

Activities cluster before a contact becomes SQL (the discovery call and meeting that
qualify them), follow MQLs that do not convert, open outbound prospects, and continue
while a deal is open.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import catalogs as cat
from .arrays import DAY, HOUR, MINUTE, uniform_between
from .lifecycle import Deals, Lifecycle
from .people import STAGE_MQL, STAGE_SQL, Contacts
from .world import World

CALL, BOOKED, COMPLETED = range(3)
ACTIVITY_TYPES: tuple[str, ...] = ("call_started", "meeting_booked", "meeting_completed")


@dataclass
class Activities:
    """Sales activities of a chunk (contact index, type, time)."""

    contact: np.ndarray
    kind: np.ndarray
    time: np.ndarray


def _block(contact: np.ndarray, kind: int, time: np.ndarray) -> tuple[np.ndarray, ...]:
    return contact, np.full(len(contact), kind), time


def make_activities(
    world: World, rng: np.random.Generator, contacts: Contacts, life: Lifecycle, deals: Deals
) -> Activities:
    """Calls and meetings for SQLs (before SQL), other MQLs, outbound prospects and deals."""
    h = world.horizon
    mql, sql = life.stage_t[:, STAGE_MQL], life.stage_t[:, STAGE_SQL]
    parts: list[tuple[np.ndarray, ...]] = []

    # Qualification: calls, a booked meeting and the meeting itself, all before SQL.
    s = np.flatnonzero(~np.isnan(sql))
    floor = np.fmax(mql[s], contacts.created[s]) + MINUTE
    k = 1 + rng.poisson(1.2, len(s))
    rep = np.repeat(s, k)
    lo = np.maximum(np.repeat(floor, k), sql[rep] - 12 * DAY)
    parts.append(_block(rep, CALL, uniform_between(rng, lo, sql[rep] - 2 * HOUR)))
    lo = np.maximum(floor, sql[s] - 10 * DAY)
    parts.append(_block(s, BOOKED, uniform_between(rng, lo, sql[s] - 3 * HOUR)))
    parts.append(_block(s, COMPLETED, sql[s] - rng.uniform(10, 90, len(s)) * MINUTE))

    # Follow-up of MQLs that do not turn SQL within a month: calls, some no-show meetings.
    m = np.flatnonzero(~np.isnan(mql) & ~(sql - mql <= 30 * DAY))
    k = rng.poisson(0.5 + 0.4 * np.clip(contacts.intent[m], 0, None))
    rep = np.repeat(m, k)
    parts.append(_block(rep, CALL, mql[rep] + rng.uniform(0.05, 25, len(rep)) * DAY))
    noshow = m[rng.random(len(m)) < 0.12]
    parts.append(_block(noshow, BOOKED, mql[noshow] + rng.uniform(1, 20, len(noshow)) * DAY))

    # Cold calls to outbound prospects.
    outbound = [x[0] for x in cat.LEAD_SOURCES].index("outbound")
    o = np.flatnonzero(contacts.lead_source == outbound)
    rep = np.repeat(o, rng.poisson(1.4, len(o)))
    parts.append(_block(rep, CALL, contacts.created[rep] + rng.uniform(0.02, 30, len(rep)) * DAY))

    # Meetings while deals are open.
    who, when = _deal_meetings(rng, deals, h)
    parts.append(_block(who, BOOKED, when - rng.uniform(1, 7, len(who)) * DAY))
    parts.append(_block(who, COMPLETED, when))

    contact = np.concatenate([p[0] for p in parts])
    kind = np.concatenate([p[1] for p in parts])
    time = np.concatenate([p[2] for p in parts])
    time = np.round(time / MINUTE) * MINUTE  # CRMs log activities to the minute
    ok = (time < h) & (time > contacts.created[contact])
    # a meeting after SQL must not fall after a later stage of its own record either
    contact, kind, time = contact[ok], kind[ok], time[ok]
    order = np.lexsort((kind, time))
    return Activities(contact=contact[order], kind=kind[order], time=time[order])


def _deal_meetings(
    rng: np.random.Generator, deals: Deals, horizon: float
) -> tuple[np.ndarray, np.ndarray]:
    """(contact, time) of meetings held while deals are open."""
    end = np.where(np.isnan(deals.closed), horizon, deals.closed)
    k = rng.poisson(1.2, deals.n) + 1
    rep = np.repeat(np.arange(deals.n), k)
    when = uniform_between(rng, deals.created[rep] + DAY, end[rep])
    ok = when < np.minimum(end[rep], horizon)
    return deals.contact[rep][ok], when[ok]
