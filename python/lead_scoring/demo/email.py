"""Email service provider events: campaign and sequence sends and what recipients did.

Funnel per send: sent -> delivered (or bounce) -> open -> click, plus unsubscribes and spam
reports. Opens and clicks rise with intent, and more so in the weeks before a contact
turns MQL or SQL; bounces, unsubscribes and spam reports come from low-intent recipients.
After a hard bounce, unsubscribe or spam report the address receives nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import catalogs as cat
from .arrays import (
    DAY,
    HOUR,
    concat,
    group_cumsum_exclusive,
    sigmoid,
    take,
    uniform_between,
    weighted_choice,
)
from .lifecycle import Deals, Lifecycle
from .people import EMAIL_BLANK, EMAIL_MALFORMED, STAGE_MQL, STAGE_SQL, Companies, Contacts
from .world import World

EVENT_TYPES: tuple[str, ...] = (
    "sent",
    "delivered",
    "open",
    "click",
    "bounce",
    "unsubscribe",
    "spam_report",
)
SENT, DELIVERED, OPEN, CLICK, BOUNCE, UNSUBSCRIBE, SPAM = range(7)

INBOUND_STEPS_DAYS = (0.02, 2.0, 5.0, 9.0, 14.0)
OUTBOUND_STEPS_DAYS = (0.01, 3.0, 7.0, 14.0, 21.0)
DEAL_STEPS_DAYS = (1.0, 6.0, 13.0)
INTENT_WINDOW = 21 * DAY


@dataclass
class Audience:
    """Everyone the ESP mails: the chunk's contacts first, then addresses not in the CRM."""

    recipient: pa.Array
    contact: np.ndarray
    created: np.ndarray
    intent: np.ndarray
    fit: np.ndarray
    mql: np.ndarray
    sql: np.ndarray
    optin: np.ndarray
    mailable: np.ndarray
    malformed: np.ndarray
    stale_at: np.ndarray


@dataclass
class EmailEvents:
    """Email events of a chunk plus what the web and list generators need from them."""

    audience: Audience
    who: np.ndarray
    kind: np.ndarray
    campaign: np.ndarray
    page: np.ndarray
    query: np.ndarray
    time: np.ndarray
    unsubscribed_at: np.ndarray


def _outsiders(
    world: World, rng: np.random.Generator, companies: Companies, n: int
) -> tuple[pa.Array, np.ndarray]:
    """Addresses on the mailing list that are not CRM contacts (imports, deleted records)."""
    first = take([x.lower() for x in cat.FIRST_NAMES], rng.integers(0, len(cat.FIRST_NAMES), n))
    last = take(
        [x.lower().replace(" ", "").replace("'", "") for x in cat.LAST_NAMES],
        rng.integers(0, len(cat.LAST_NAMES), n),
    )
    personal = take(
        [d for d, _ in cat.PERSONAL_EMAIL_DOMAINS],
        weighted_choice(rng, [w for _, w in cat.PERSONAL_EMAIL_DOMAINS], n),
    )
    work = companies.domain.take(pa.array(rng.integers(0, companies.n, n)))
    use_work = pa.array(rng.random(n) < 0.5)
    domain = pc.if_else(use_work, work, personal)
    tag = pa.array([f".{k}" for k in rng.integers(10, 99, n)])
    recipient = concat(first, tag, ".", last, "@", domain)
    created = uniform_between(rng, np.full(n, world.start), np.full(n, world.horizon - DAY))
    return recipient, created


def build_audience(
    world: World,
    rng: np.random.Generator,
    contacts: Contacts,
    companies: Companies,
    life: Lifecycle,
    outsider_rate: float,
) -> Audience:
    """Mailing audience: contacts with an address plus ``outsider_rate`` foreign addresses."""
    n = contacts.n
    k = max(3, round(outsider_rate * n))
    out_recipient, out_created = _outsiders(world, rng, companies, k)
    stripped = pc.utf8_trim_whitespace(contacts.email)
    recipient = pa.concat_arrays([stripped, out_recipient])
    total = n + k
    intent = np.concatenate([contacts.intent, rng.normal(-0.5, 0.8, k)])
    stale_p = sigmoid(-3.3 - 0.5 * intent)
    created = np.concatenate([contacts.created, out_created])
    stale_at = np.where(
        rng.random(total) < stale_p,
        uniform_between(rng, created, np.full(total, world.horizon)),
        np.nan,
    )
    has_email = np.concatenate([contacts.email_kind != EMAIL_BLANK, np.ones(k, dtype=bool)])
    return Audience(
        recipient=recipient,
        contact=np.concatenate([np.arange(n), np.full(k, -1)]),
        created=created,
        intent=intent,
        fit=np.concatenate([contacts.fit, np.zeros(k)]),
        mql=np.concatenate([life.stage_t[:, STAGE_MQL], np.full(k, np.nan)]),
        sql=np.concatenate([life.stage_t[:, STAGE_SQL], np.full(k, np.nan)]),
        optin=has_email & (rng.random(total) < 0.92),
        mailable=has_email,
        malformed=np.concatenate([contacts.email_kind == EMAIL_MALFORMED, np.zeros(k, bool)]),
        stale_at=stale_at,
    )


def _steps(start: np.ndarray, stop: np.ndarray, steps: tuple[float, ...]) -> tuple[np.ndarray, ...]:
    """(row, time) of sequence steps after ``start`` that fall before ``stop``."""
    rows = np.repeat(np.arange(len(start)), len(steps))
    when = np.repeat(start, len(steps)) + np.tile(np.asarray(steps) * DAY, len(start))
    ok = when < np.repeat(stop, len(steps))
    return rows[ok], when[ok]


def _sends(
    world: World, rng: np.random.Generator, aud: Audience, contacts: Contacts, deals: Deals
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(recipient, campaign, time) of every send, sorted by recipient then time."""
    camp = world.campaigns
    nm = camp.n_marketing
    h = world.horizon
    p = camp.audience[:nm]
    engaged = np.clip(0.85 + 0.1 * aud.intent, 0.5, 1.1)
    eligible = aud.optin[:, None] & (aud.created[:, None] < camp.send_time[None, :nm])
    pick = rng.random((len(aud.created), nm)) < p[None, :] * engaged[:, None]
    who, cid = np.nonzero(eligible & pick)
    when = camp.send_time[cid] + rng.uniform(0, 2 * HOUR, len(who))

    parts = [(who, cid, when)]
    mql_rows = np.flatnonzero(~np.isnan(aud.mql) & aud.mailable)
    stop = np.fmin(aud.sql[mql_rows], h)
    r, t = _steps(aud.mql[mql_rows], stop, INBOUND_STEPS_DAYS)
    parts.append((mql_rows[r], np.full(len(r), camp.seq_inbound), t))
    outbound = [x[0] for x in cat.LEAD_SOURCES].index("outbound")
    ob = np.flatnonzero((contacts.lead_source == outbound) & aud.mailable[: contacts.n])
    r, t = _steps(contacts.created[ob] + HOUR, np.full(len(ob), h), OUTBOUND_STEPS_DAYS)
    parts.append((ob[r], np.full(len(r), camp.seq_outbound), t))
    stop = np.fmin(deals.closed, h)
    r, t = _steps(deals.created, stop, DEAL_STEPS_DAYS)
    dc = deals.contact[r]
    ok = aud.mailable[dc]
    parts.append((dc[ok], np.full(int(ok.sum()), camp.seq_deal), t[ok]))

    who = np.concatenate([x[0] for x in parts])
    cid = np.concatenate([x[1] for x in parts])
    when = np.concatenate([x[2] for x in parts])
    ok = when < h
    who, cid, when = who[ok], cid[ok], when[ok]
    order = np.lexsort((when, who))
    return who[order], cid[order], when[order]


def make_email_events(
    world: World,
    rng: np.random.Generator,
    contacts: Contacts,
    companies: Companies,
    life: Lifecycle,
    deals: Deals,
    outsider_rate: float,
) -> EmailEvents:
    """All email events of the chunk (see module docstring)."""
    camp = world.campaigns
    h = world.horizon
    aud = build_audience(world, rng, contacts, companies, life, outsider_rate)
    who, cid, sent_t = _sends(world, rng, aud, contacts, deals)
    ns = len(who)
    sales = cid >= camp.n_marketing
    intent = aud.intent[who]
    before_mql = (aud.mql[who] - sent_t > 0) & (aud.mql[who] - sent_t < INTENT_WINDOW)
    before_sql = (aud.sql[who] - sent_t > 0) & (aud.sql[who] - sent_t < INTENT_WINDOW)
    ie = intent + 0.8 * (before_mql | before_sql)
    fit = aud.fit[who]

    hard = aud.malformed[who] | (sent_t >= np.nan_to_num(aud.stale_at[who], nan=np.inf))
    bounce = hard | (rng.random(ns) < 0.006)
    delivered = ~bounce
    p_open = np.where(sales, sigmoid(-0.6 + 0.5 * ie), sigmoid(-1.15 + 0.45 * ie + 0.15 * fit))
    opened = delivered & (rng.random(ns) < p_open)
    clicked = opened & (rng.random(ns) < sigmoid(-2.6 + 0.7 * ie + 0.25 * fit))
    unsub = delivered & ~sales & (rng.random(ns) < sigmoid(-5.4 - 0.7 * intent))
    spam = delivered & ~unsub & (rng.random(ns) < sigmoid(-7.2 - 0.7 * intent))

    terminal = hard | unsub | spam
    keep = group_cumsum_exclusive(terminal.astype(np.int64), who) == 0

    deliver_t = sent_t + rng.uniform(1, 30, ns)
    open_t = deliver_t + np.exp(rng.normal(np.log(2 * HOUR), 1.3, ns)) + 20
    open2_t = open_t + np.exp(rng.normal(np.log(6 * HOUR), 1.2, ns))
    click_t = open_t + rng.uniform(5, 300, ns)
    click2_t = click_t + rng.uniform(20, 900, ns)
    unsub_t = np.where(opened, open_t, deliver_t + HOUR) + rng.uniform(10, 600, ns)
    spam_t = deliver_t + np.exp(rng.normal(np.log(4 * HOUR), 1.0, ns))
    second_open = opened & (rng.random(ns) < 0.25)
    second_click = clicked & (rng.random(ns) < 0.15)

    blocks = [
        (np.ones(ns, bool), SENT, sent_t),
        (bounce, BOUNCE, sent_t + rng.uniform(1, 60, ns)),
        (delivered, DELIVERED, deliver_t),
        (opened, OPEN, open_t),
        (second_open, OPEN, open2_t),
        (clicked, CLICK, click_t),
        (second_click, CLICK, click2_t),
        (unsub, UNSUBSCRIBE, unsub_t),
        (spam, SPAM, spam_t),
    ]
    send_idx = np.concatenate([np.flatnonzero(m & keep) for m, _, _ in blocks])
    kind = np.concatenate([np.full(int((m & keep).sum()), k) for m, k, _ in blocks])
    time = np.concatenate([t[m & keep] for m, _, t in blocks])
    ok = time < h
    send_idx, kind, time = send_idx[ok], kind[ok], time[ok]

    page = np.full(len(kind), -1)
    query = np.full(len(kind), -1)
    is_click = kind == CLICK
    c = cid[send_idx[is_click]]
    link = (rng.random(len(c)) * camp.n_links[c]).astype(np.int64)
    page[is_click] = camp.links[c, link]
    query[is_click] = camp.query[c]

    recipients = who[send_idx]
    unsubscribed_at = np.full(contacts.n, np.inf)
    gone = ((kind == UNSUBSCRIBE) | (kind == SPAM)) & (aud.contact[recipients] >= 0)
    np.minimum.at(unsubscribed_at, aud.contact[recipients[gone]], time[gone])
    unsubscribed_at[~np.isfinite(unsubscribed_at)] = np.nan
    return EmailEvents(
        audience=aud,
        who=recipients,
        kind=kind,
        campaign=cid[send_idx],
        page=page,
        query=query,
        time=time,
        unsubscribed_at=unsubscribed_at,
    )
