"""Email and web event tables of one chunk (plus identities and the hidden truth)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import catalogs as cat
from . import dirt
from .arrays import concat, int_strings, take, to_timestamp_array
from .crm import contact_id_space
from .duplicates import Duplicates, reassign
from .email import CLICK, EmailEvents
from .email import EVENT_TYPES as EMAIL_EVENT_TYPES
from .lifecycle import Lifecycle
from .people import (
    EMAIL_KINDS,
    STAGE_CUSTOMER,
    STAGE_LEAD,
    STAGE_MQL,
    STAGE_OPPORTUNITY,
    STAGE_SQL,
    Companies,
    Contacts,
)
from .schema import TABLES, TRUTH
from .web import EVENT_TYPES as WEB_EVENT_TYPES
from .web import WebEvents
from .world import World

EMAIL_EVENT_BASE = 10_000_000_000
WEB_EVENT_BASE = 10_000_000_000
EVENT_BLOCK = 100_000_000


def _export_order(rng: np.random.Generator, time: np.ndarray) -> np.ndarray:
    """Rows in export order (by time), some of them twice."""
    rows = dirt.rows_with_duplicates(rng, len(time))
    return rows[np.argsort(time[rows], kind="stable")]


def email_table(
    world: World,
    rng: np.random.Generator,
    chunk: int,
    contacts: Contacts,
    email: EmailEvents,
    dups: Duplicates,
) -> pa.Table:
    """email_events: one row per ESP event, keyed by recipient address."""
    aud, camp = email.audience, world.campaigns
    owner = np.where(email.who < contacts.n, email.who, -1)
    moved = reassign(rng, dups, contacts.n, owner, email.time, group=email.campaign)
    n_aud = len(aud.recipient)
    recipient = np.where(moved >= contacts.n, n_aud + moved - contacts.n, email.who)
    recipients = pa.concat_arrays([aud.recipient, pc.utf8_trim_whitespace(dups.email)])
    time = dirt.future_times(rng, email.time, world.horizon)
    rows = _export_order(rng, time)
    kind, page, query = email.kind[rows], email.page[rows], email.query[rows]
    url = concat(
        cat.SITE,
        take(world.urls.paths, world.urls.path_id(np.maximum(page, 0))),
        take(world.urls.queries, query),
    )
    url = pc.if_else(pa.array(kind == CLICK), url, pa.nulls(len(rows), pa.string()))
    kinds = dirt.mixed_case(rng, take(EMAIL_EVENT_TYPES, email.kind)).take(pa.array(rows))
    cid = pa.array(email.campaign[rows])
    return pa.Table.from_arrays(
        [
            int_strings(EMAIL_EVENT_BASE + chunk * EVENT_BLOCK + rows, "em_"),
            recipients.take(pa.array(recipient[rows])),
            kinds,
            camp.ids.take(cid),
            camp.names.take(cid),
            camp.email_type.take(cid),
            url,
            to_timestamp_array(time[rows]),
        ],
        schema=TABLES["email_events"],
    )


def web_tables(
    world: World,
    rng: np.random.Generator,
    chunk: int,
    contacts: Contacts,
    web: WebEvents,
    dups: Duplicates,
) -> tuple[pa.Table, pa.Table]:
    """web_events and identities."""
    ids = contact_id_space(contacts, dups)
    who = reassign(rng, dups, contacts.n, web.row_contact, web.row_time, group=web.row_cookie)
    time = dirt.future_times(rng, web.row_time, world.horizon)
    rows = _export_order(rng, time)
    kinds = dirt.mixed_case(rng, take(WEB_EVENT_TYPES, web.row_type)).take(pa.array(rows))
    pv = pa.array(web.row_page_view[rows])
    cookie = web.row_cookie[rows]
    agents = [*cat.BROWSER_USER_AGENTS, *cat.BOT_USER_AGENTS]
    events = pa.Table.from_arrays(
        [
            int_strings(WEB_EVENT_BASE + chunk * EVENT_BLOCK + rows, "wv_"),
            web.cookie_ids.take(pa.array(cookie)),
            take(ids, who[rows]),
            int_strings(web.row_session[rows]),
            kinds,
            web.page_url.take(pv),
            web.referrer.take(pv),
            take([f for f, _ in cat.FORMS], web.row_form[rows]),
            take([c[0] for c in cat.CTAS], web.row_cta[rows]),
            take(agents, web.cookie_user_agent[cookie]),
            to_timestamp_array(time[rows]),
        ],
        schema=TABLES["web_events"],
    )
    cookies = np.flatnonzero(~np.isnan(web.identified_at))
    cookies = cookies[np.argsort(web.identified_at[cookies], kind="stable")]
    identities = pa.Table.from_arrays(
        [
            web.cookie_ids.take(pa.array(cookies)),
            ids.take(pa.array(web.cookie_contact[cookies])),
            to_timestamp_array(web.identified_at[cookies]),
        ],
        schema=TABLES["identities"],
    )
    return events, identities


def truth_table(
    contacts: Contacts, companies: Companies, life: Lifecycle, dups: Duplicates
) -> pa.Table:
    """Hidden ground truth per raw contact id (duplicates repeat their person's truth)."""
    person = np.concatenate([np.arange(contacts.n), dups.original])
    t = life.stage_t[person]
    ids = contact_id_space(contacts, dups)
    company = np.where(contacts.has_association, contacts.company, -1)[person]
    mql, sql = t[:, STAGE_MQL], t[:, STAGE_SQL]
    converted = ~np.isnan(t[:, STAGE_CUSTOMER])
    columns = {
        "contact_id": ids,
        "canonical_contact_id": contacts.ids.take(pa.array(person)),
        "is_duplicate": pa.array(np.arange(len(person)) >= contacts.n),
        "company_id": take(companies.ids, company),
        "seniority": take(cat.SENIORITIES, contacts.seniority[person]),
        "job_function": take(cat.FUNCTIONS, contacts.function[person]),
        "email_kind": take(EMAIL_KINDS, contacts.email_kind[person]),
        "is_competitor": pa.array(companies.is_competitor[contacts.company[person]]),
        "lead_source": take([s[0] for s in cat.LEAD_SOURCES], contacts.lead_source[person]),
        "fit": pa.array(contacts.fit[person]),
        "intent": pa.array(contacts.intent[person]),
        "propensity": pa.array(life.propensity[person]),
        "p_sql_given_mql": pa.array(life.p_sql_given_mql[person]),
        "created_at": to_timestamp_array(
            np.floor(np.concatenate([contacts.created, dups.created]))
        ),
        "lead_at": to_timestamp_array(np.floor(t[:, STAGE_LEAD])),
        "mql_at": to_timestamp_array(np.floor(mql)),
        "sql_at": to_timestamp_array(np.floor(sql)),
        "opportunity_at": to_timestamp_array(np.floor(t[:, STAGE_OPPORTUNITY])),
        "customer_at": to_timestamp_array(np.floor(t[:, STAGE_CUSTOMER])),
        "sql_within_30d_of_mql": pa.array(
            np.where(np.isnan(mql), None, (sql - mql) <= 30 * 86_400.0), pa.bool_()
        ),
        "converted": pa.array(converted),
        "converted_at": to_timestamp_array(np.floor(t[:, STAGE_CUSTOMER])),
    }
    return pa.Table.from_arrays([columns[f.name] for f in TRUTH], schema=TRUTH)
