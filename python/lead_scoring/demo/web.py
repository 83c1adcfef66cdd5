"""Website tracking: sessions of page views, CTA clicks and form submissions by cookie.

Contacts browse anonymously, get identified when they submit a form or land from a
tracked email link, and from then on their cookie's events carry their contact id. High
intent means more sessions, more pages per session and more pricing/demo/case-study pages,
with bursts in the days before turning MQL and SQL. Anonymous visitors and bots (which
never identify) share the site.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import catalogs as cat
from .arrays import (
    DAY,
    HOUR,
    MINUTE,
    choice_by_logits,
    concat,
    group_starts,
    position_in_group,
    sigmoid,
    take,
    uniform_between,
    uuid_strings,
    weighted_choice,
    where,
)
from .email import CLICK, EmailEvents
from .lifecycle import Lifecycle
from .people import STAGE_MQL, STAGE_SQL, Contacts
from .world import World

PAGE_VIEW, FORM_SUBMISSION, CTA_CLICK = range(3)
EVENT_TYPES: tuple[str, ...] = ("page_view", "form_submission", "cta_click")

BACKGROUND, BURST, FORM, EMAIL_LANDING, ANONYMOUS, BOT = range(6)
PRIMARY, SECONDARY, ANON_COOKIE, BOT_COOKIE = range(4)

#: Background sessions per contact per day at intent 0.
SESSION_RATE = 0.017
SESSION_ID_BASE = 100_000_000_000
SESSION_BLOCK = 100_000_000


@dataclass
class Sessions:
    """Session-level arrays (one row per visit)."""

    cookie: np.ndarray
    anchor: np.ndarray
    kind: np.ndarray
    intent: np.ndarray
    fit: np.ndarray
    form: np.ndarray
    land_page: np.ndarray
    land_query: np.ndarray


@dataclass
class WebEvents:
    """Web events of a chunk, with the cookie table and identities."""

    cookie_ids: pa.Array
    cookie_contact: np.ndarray
    cookie_kind: np.ndarray
    row_cookie: np.ndarray
    row_contact: np.ndarray
    row_session: np.ndarray
    row_type: np.ndarray
    row_time: np.ndarray
    row_form: np.ndarray
    row_cta: np.ndarray
    row_page_view: np.ndarray
    page_url: pa.Array
    referrer: pa.Array
    cookie_user_agent: np.ndarray
    identified_at: np.ndarray
    webinar_at: np.ndarray
    newsletter_at: np.ndarray


def _block(
    cookie: np.ndarray,
    anchor: np.ndarray,
    kind: int,
    intent: np.ndarray,
    fit: np.ndarray,
    form: np.ndarray | None = None,
    land_page: np.ndarray | None = None,
    land_query: np.ndarray | None = None,
) -> Sessions:
    n = len(cookie)
    none = np.full(n, -1)
    return Sessions(
        cookie=cookie,
        anchor=anchor,
        kind=np.full(n, kind),
        intent=intent,
        fit=fit,
        form=none if form is None else form,
        land_page=none if land_page is None else land_page,
        land_query=none if land_query is None else land_query,
    )


def _concat(blocks: list[Sessions]) -> Sessions:
    fields = Sessions.__dataclass_fields__
    return Sessions(**{f: np.concatenate([getattr(b, f) for b in blocks]) for f in fields})


def _sessions(
    world: World,
    rng: np.random.Generator,
    contacts: Contacts,
    life: Lifecycle,
    email: EmailEvents,
    second: np.ndarray,
    anon: np.ndarray,
    bots: np.ndarray,
) -> Sessions:
    """Every visit of the chunk: background, bursts, forms, email landings, anon, bots."""
    n, h = contacts.n, world.horizon
    f, i = contacts.fit, contacts.intent
    mql, sql = life.stage_t[:, STAGE_MQL], life.stage_t[:, STAGE_SQL]

    def cookie_of(c: np.ndarray, p_second: float) -> np.ndarray:
        """Cookie a contact's visit uses: the primary one, or sometimes a second device."""
        use2 = (second[c] >= 0) & (rng.random(len(c)) < p_second)
        return np.where(use2, second[c], c)

    blocks = []
    active = contacts.form_created | (rng.random(n) < 0.55)
    pre = np.where(contacts.form_created, rng.uniform(0, 45, n) * DAY, 0.0)
    lo = contacts.created - pre
    lam = SESSION_RATE * (h - lo) / DAY * np.exp(0.45 * i + 0.15 * f) * active
    c = np.repeat(np.arange(n), rng.poisson(lam))
    t = uniform_between(rng, lo[c], np.full(len(c), h))
    blocks.append(_block(cookie_of(c, 0.3), t, BACKGROUND, i[c], f[c]))

    has = np.flatnonzero(mql > contacts.created + HOUR)
    c = np.repeat(has, rng.poisson(0.8 + 0.6 * np.clip(i[has], 0, None)))
    t = uniform_between(
        rng, np.maximum(contacts.created[c], mql[c] - 14 * DAY), mql[c] - 10 * MINUTE
    )
    blocks.append(_block(cookie_of(c, 0.3), t, BURST, i[c] + 1.0, f[c]))
    has = np.flatnonzero(~np.isnan(sql))
    c = np.repeat(has, rng.poisson(1.5, len(has)))
    t = uniform_between(rng, np.fmax(mql[c], sql[c] - 21 * DAY), sql[c] - 10 * MINUTE)
    blocks.append(_block(cookie_of(c, 0.3), t, BURST, i[c] + 1.2, f[c]))

    c = np.flatnonzero(contacts.creation_form >= 0)
    blocks.append(_block(c, contacts.created[c], FORM, i[c], f[c], contacts.creation_form[c]))
    c = np.flatnonzero(life.mql_form >= 0)
    blocks.append(_block(cookie_of(c, 0.2), mql[c], FORM, i[c] + 0.8, f[c], life.mql_form[c]))
    c = np.repeat(np.arange(n), rng.poisson(0.25 + 0.2 * np.clip(i, 0, None)))
    t = uniform_between(rng, contacts.created[c] + HOUR, np.full(len(c), h))
    forms = np.array([cat.FORM_WEBINAR, cat.FORM_EBOOK, cat.FORM_NEWSLETTER])
    form = forms[weighted_choice(rng, [4, 4, 2], len(c))]
    blocks.append(_block(cookie_of(c, 0.3), t, FORM, i[c], f[c], form))

    aud = email.audience
    clicks = np.flatnonzero((email.kind == CLICK) & (aud.contact[email.who] >= 0))
    clicks = clicks[rng.random(len(clicks)) < 0.55]
    c = aud.contact[email.who[clicks]]
    t = email.time[clicks] + rng.uniform(1, 5, len(c))
    blocks.append(
        _block(
            cookie_of(c, 0.25),
            t,
            EMAIL_LANDING,
            i[c] + 0.3,
            f[c],
            None,
            email.page[clicks],
            email.query[clicks],
        )
    )

    c = np.repeat(anon, 1 + rng.poisson(0.8, len(anon)))
    t = uniform_between(rng, np.full(len(c), world.start), np.full(len(c), h))
    blocks.append(_block(c, t, ANONYMOUS, rng.normal(-0.6, 0.7, len(c)), np.zeros(len(c))))
    c = np.repeat(bots, 1 + rng.poisson(4, len(bots)))
    t = uniform_between(rng, np.full(len(c), world.start), np.full(len(c), h))
    blocks.append(_block(c, t, BOT, np.zeros(len(c)), np.zeros(len(c))))
    return _concat(blocks)


def _pages(
    world: World, rng: np.random.Generator, s: Sessions, n_pages: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Page index, path variant and query index of every page view."""
    urls = world.urls
    sess = np.repeat(np.arange(len(s.cookie)), n_pages)
    npv = len(sess)
    params = np.array(list(cat.PAGE_CATEGORIES.values()))
    category = choice_by_logits(
        rng, params[:, 0], [(params[:, 1], s.intent[sess]), (params[:, 2], s.fit[sess])]
    )
    cat_count = np.array([len(p) for p in urls.category_pages])
    cat_start = np.array([p[0] for p in urls.category_pages])
    page = cat_start[category] + (rng.random(npv) ** 1.6 * cat_count[category]).astype(np.int64)
    bot = s.kind[sess] == BOT
    page[bot] = rng.integers(0, len(urls.page_category), int(bot.sum()))

    pos = position_in_group(n_pages)
    last = pos == n_pages[sess] - 1
    form_pages = np.array([urls.page_index[p] for _, p in cat.FORMS])
    is_form_last = last & (s.kind[sess] == FORM)
    page[is_form_last] = form_pages[s.form[sess[is_form_last]]]
    landing = (pos == 0) & (s.kind[sess] == EMAIL_LANDING)
    page[landing] = s.land_page[sess[landing]]

    variant = weighted_choice(rng, [93, 3.5, 3.5], npv)
    variant[landing] = 0
    query = np.where(rng.random(npv) < 0.03, rng.choice(urls.query_other, npv), 0)
    query[landing] = s.land_query[sess[landing]]
    return sess, pos, page, variant, query


def make_web_events(
    world: World,
    rng: np.random.Generator,
    chunk: int,
    contacts: Contacts,
    life: Lifecycle,
    email: EmailEvents,
    bot_rate: float,
) -> WebEvents:
    """Web events and identities of the chunk (see module docstring)."""
    n, h, urls = contacts.n, world.horizon, world.urls
    has_second = np.flatnonzero(rng.random(n) < 0.3)
    n_anon = round(0.5 * n)
    n_bot = max(len(cat.BOT_USER_AGENTS), round(bot_rate * n))
    second = np.full(n, -1)
    second[has_second] = n + np.arange(len(has_second))
    base = n + len(has_second)
    anon = base + np.arange(n_anon)
    bots = base + n_anon + np.arange(n_bot)
    n_cookies = base + n_anon + n_bot
    cookie_contact = np.concatenate([np.arange(n), has_second, np.full(n_anon + n_bot, -1)])
    cookie_kind = np.concatenate(
        [
            np.full(n, PRIMARY),
            np.full(len(has_second), SECONDARY),
            np.full(n_anon, ANON_COOKIE),
            np.full(n_bot, BOT_COOKIE),
        ]
    )
    ua = weighted_choice(rng, [30, 20, 12, 8, 8, 10, 7, 3, 2], n_cookies)
    bot_agent = rng.permutation(np.arange(n_bot) % len(cat.BOT_USER_AGENTS))
    ua[cookie_kind == BOT_COOKIE] = len(cat.BROWSER_USER_AGENTS) + bot_agent

    s = _sessions(world, rng, contacts, life, email, second, anon, bots)
    ns = len(s.cookie)
    n_pages = np.minimum(1 + rng.poisson(1.5 * np.exp(0.2 * s.intent)), 20)
    n_pages[s.kind == BOT] = 5 + rng.poisson(15, int((s.kind == BOT).sum()))
    sess, pos, page, variant, query = _pages(world, rng, s, n_pages)
    npv = len(sess)

    gap = np.where(s.kind[sess] == BOT, rng.uniform(0.3, 3, npv), rng.exponential(70, npv) + 3)
    gap[pos == 0] = 0.0
    offset = np.cumsum(gap)
    offset -= offset[group_starts(n_pages)][sess]
    total = offset[group_starts(n_pages) + n_pages - 1]
    lead_in = rng.uniform(15, 120, ns)
    start = np.where(s.kind == FORM, s.anchor - lead_in - total, s.anchor)
    pv_time = start[sess] + offset

    # Landing pages carry the traffic source: external referrer and (paid/social) utm tags.
    ref = weighted_choice(rng, [r[1] for r in cat.REFERRERS], ns)
    family = np.array([r[2] for r in cat.REFERRERS])[ref]
    first = pos == 0
    paid = first & (family[sess] == "paid")
    social = first & (family[sess] == "social")
    query[paid] = rng.choice(urls.query_paid, int(paid.sum()))
    query[social] = rng.choice(urls.query_social, int(social.sum()))
    ref_table = [*(r[0] or None for r in cat.REFERRERS), "https://mail.google.com/"]
    ref[s.kind == BOT] = -1
    mail = s.kind == EMAIL_LANDING
    ref[mail] = np.where(rng.random(int(mail.sum())) < 0.3, len(ref_table) - 1, -1)
    page_url = concat(
        cat.SITE, take(urls.paths, urls.path_id(page, variant)), take(urls.queries, query)
    )
    prev = np.maximum(np.arange(npv) - 1, 0)
    internal = page_url.take(pa.array(prev))
    external = take(pa.array(ref_table, pa.string()), ref[sess])
    pv_ref = where(first, external, internal)

    # CTA clicks and form submissions are extra rows on top of the page views.
    cat_of = urls.page_category[page]
    cta_bonus = np.isin(
        np.array(urls.category_names)[cat_of], ["pricing", "demo", "home", "case_study", "product"]
    )
    human = s.kind[sess] != BOT
    p_cta = sigmoid(-3.3 + 0.5 * s.intent[sess] + 0.6 * cta_bonus)
    cta_pv = np.flatnonzero(human & (rng.random(npv) < p_cta))
    cta_params = np.array([c[1:] for c in cat.CTAS])
    cta = choice_by_logits(rng, cta_params[:, 0], [(cta_params[:, 1], s.intent[sess[cta_pv]])])
    form_pv = np.flatnonzero((pos == n_pages[sess] - 1) & (s.kind[sess] == FORM))

    src = np.concatenate([np.arange(npv), cta_pv, form_pv])
    row_type = np.concatenate(
        [
            np.full(npv, PAGE_VIEW),
            np.full(len(cta_pv), CTA_CLICK),
            np.full(len(form_pv), FORM_SUBMISSION),
        ]
    )
    row_time = np.concatenate(
        [pv_time, pv_time[cta_pv] + rng.uniform(3, 40, len(cta_pv)), s.anchor[sess[form_pv]]]
    )
    row_form = np.concatenate([np.full(npv + len(cta_pv), -1), s.form[sess[form_pv]]])
    row_cta = np.concatenate([np.full(npv, -1), cta, np.full(len(form_pv), -1)])
    row_sess = sess[src]
    ok = (row_time < h) & (row_time >= world.start)
    src, row_type, row_time, row_form, row_cta, row_sess = (
        a[ok] for a in (src, row_type, row_time, row_form, row_cta, row_sess)
    )
    row_cookie = s.cookie[row_sess]

    # A cookie is identified by its first form submission or tracked email landing.
    identifies = (row_type == FORM_SUBMISSION) | (
        (s.kind[row_sess] == EMAIL_LANDING) & (pos[src] == 0) & (row_type == PAGE_VIEW)
    )
    identified_at = np.full(n_cookies, np.inf)
    np.minimum.at(identified_at, row_cookie[identifies], row_time[identifies])
    row_contact = np.where(row_time >= identified_at[row_cookie], cookie_contact[row_cookie], -1)
    identified_at[~np.isfinite(identified_at)] = np.nan

    webinar_at = np.full(n, np.inf)
    newsletter_at = np.full(n, np.inf)
    for target, form_id in ((webinar_at, cat.FORM_WEBINAR), (newsletter_at, cat.FORM_NEWSLETTER)):
        sel = (row_form == form_id) & (row_contact >= 0)
        np.minimum.at(target, row_contact[sel], row_time[sel])
        target[~np.isfinite(target)] = np.nan

    return WebEvents(
        cookie_ids=uuid_strings(rng, n_cookies),
        cookie_contact=cookie_contact,
        cookie_kind=cookie_kind,
        row_cookie=row_cookie,
        row_contact=row_contact,
        row_session=SESSION_ID_BASE + chunk * SESSION_BLOCK + row_sess,
        row_type=row_type,
        row_time=row_time,
        row_form=row_form,
        row_cta=row_cta,
        row_page_view=src,
        page_url=page_url,
        referrer=pv_ref,
        cookie_user_agent=ua,
        identified_at=identified_at,
        webinar_at=webinar_at,
        newsletter_at=newsletter_at,
    )
