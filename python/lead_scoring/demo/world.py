"""Things shared by every chunk: the time frame, website URLs, email campaigns and lists.

Built once per run from the seed and ``as_of``; chunks only read it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pyarrow as pa

from . import catalogs as cat
from .arrays import DAY, HOUR, as_string_array

#: How far back contacts are created (days before as_of).
HISTORY_DAYS = 540
#: Campaigns and anonymous traffic start a little earlier than the first contact.
LOOKBACK_DAYS = 600
#: Path variants per page: canonical, trailing slash, upper case.
PATH_VARIANTS = 3


@dataclass(frozen=True)
class UrlCatalog:
    """Website pages and query strings; a URL is ``SITE + paths[p] + queries[q]``."""

    paths: pa.Array
    queries: pa.Array
    page_category: np.ndarray
    category_names: tuple[str, ...]
    category_pages: tuple[np.ndarray, ...]
    page_index: dict[str, int]
    query_paid: np.ndarray
    query_social: np.ndarray
    query_other: np.ndarray

    def path_id(self, page: np.ndarray, variant: np.ndarray | int = 0) -> np.ndarray:
        """Index into ``paths`` of a page in a given spelling variant."""
        return np.asarray(page, dtype=np.int64) * PATH_VARIANTS + variant


@dataclass(frozen=True)
class Campaigns:
    """Marketing campaigns and sales sequences (email_type 'marketing' / 'sales')."""

    ids: pa.Array
    names: pa.Array
    email_type: pa.Array
    send_time: np.ndarray
    audience: np.ndarray
    links: np.ndarray
    n_links: np.ndarray
    query: np.ndarray
    n_marketing: int
    seq_inbound: int
    seq_outbound: int
    seq_deal: int


@dataclass(frozen=True)
class ListDef:
    """A CRM list."""

    key: str
    list_id: str
    name: str
    object_type: str
    list_type: str
    created_at: float


@dataclass(frozen=True)
class World:
    """Run-wide context."""

    seed: int
    as_of: date
    horizon: float
    start: float
    urls: UrlCatalog
    campaigns: Campaigns
    event_times: tuple[float, float]
    lists: tuple[ListDef, ...]
    name_multiplier: int
    name_offset: int


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _epoch(d: date, hour: float = 0.0) -> float:
    return datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp() + hour * HOUR


def _build_urls(extra_queries: list[str]) -> UrlCatalog:
    names = tuple(cat.PAGE_CATEGORIES)
    paths: list[str] = []
    page_category: list[int] = []
    page_index: dict[str, int] = {}
    for ci, category in enumerate(names):
        for path in cat.PAGES[category]:
            page_index[path] = len(page_category)
            page_category.append(ci)
            upper = path.upper() if len(path) < 12 else path.title()
            paths += [path, path if path == "/" else path + "/", upper]
    queries = ["", *cat.QUERIES_PAID, *cat.QUERIES_SOCIAL, *cat.QUERIES_OTHER, *extra_queries]
    n_paid, n_social, n_other = (
        len(cat.QUERIES_PAID),
        len(cat.QUERIES_SOCIAL),
        len(cat.QUERIES_OTHER),
    )
    pc_arr = np.asarray(page_category, dtype=np.int64)
    return UrlCatalog(
        paths=as_string_array(paths),
        queries=as_string_array(queries),
        page_category=pc_arr,
        category_names=names,
        category_pages=tuple(np.flatnonzero(pc_arr == i) for i in range(len(names))),
        page_index=page_index,
        query_paid=np.arange(1, 1 + n_paid),
        query_social=np.arange(1 + n_paid, 1 + n_paid + n_social),
        query_other=np.arange(1 + n_paid + n_social, 1 + n_paid + n_social + n_other),
    )


def _month_starts(first: date, last: date) -> list[date]:
    months = []
    d = date(first.year, first.month, 1)
    while d <= last:
        months.append(d)
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return months


def _build_campaigns(
    rng: np.random.Generator, as_of: date, event_dates: tuple[date, date]
) -> tuple[list[tuple[str, str, str, float, float, list[str]]], list[str]]:
    """Campaign rows (id, name, type, send time, audience share, link paths) + utm queries."""
    start = as_of - timedelta(days=LOOKBACK_DAYS)
    horizon = _epoch(as_of)
    rows: list[tuple[str, str, float, float, list[str]]] = []
    blog = list(cat.PAGES["blog"][1:])

    def day(month: date, offset: int) -> float:
        """Afternoon (UTC) send time ``offset`` days into ``month``."""
        return _epoch(month + timedelta(days=offset), 13 + float(rng.integers(0, 5)))

    for k, m in enumerate(_month_starts(start, as_of)):
        ym = f"{m.year}-{m.month:02d}"
        picks = rng.choice(len(blog), size=3, replace=False)
        rows.append(
            (f"{ym} Product newsletter", "marketing", day(m, 4), 0.62, [blog[picks[0]], "/product"])
        )
        rows.append((f"{ym} Blog digest", "marketing", day(m, 18), 0.38, [blog[i] for i in picks]))
        topic = cat.WEBINAR_TOPICS[k % len(cat.WEBINAR_TOPICS)]
        rows.append(
            (
                f"{ym} Webinar invite: {topic}",
                "marketing",
                day(m, 10),
                0.33,
                [cat.PAGES["webinar"][2]],
            )
        )
        if k % 2 == 0:
            title = cat.EBOOK_TITLES[(k // 2) % len(cat.EBOOK_TITLES)]
            rows.append(
                (f"{ym} Ebook: {title}", "marketing", day(m, 23), 0.28, [cat.PAGES["resources"][1]])
            )
        if k % 3 == 1:
            feature = cat.LAUNCH_FEATURES[(k // 3) % len(cat.LAUNCH_FEATURES)]
            rows.append(
                (
                    f"{ym} Product launch: {feature}",
                    "marketing",
                    day(m, 14),
                    0.55,
                    ["/product/scoring", "/pricing", "/demo"],
                )
            )
    for name, when in zip(cat.EVENT_NAMES, event_dates, strict=True):
        for lead_days in (28, 7):
            rows.append(
                (
                    f"{when.year} {name} invite ({lead_days}d)",
                    "marketing",
                    _epoch(when - timedelta(days=lead_days), 15),
                    0.35,
                    ["/", "/webinars"],
                )
            )
    rows = sorted((r for r in rows if r[2] < horizon), key=lambda r: r[2])
    sequences = [
        ("Inbound MQL follow-up", "sales", math.nan, 0.0, ["/demo", "/case-studies/globex"]),
        ("Outbound: cold intro", "sales", math.nan, 0.0, ["/case-studies/northwind", "/"]),
        ("Deal follow-up", "sales", math.nan, 0.0, ["/pricing", "/docs/security"]),
    ]
    out = []
    queries = []
    for j, (name, kind, when, audience, links) in enumerate(rows + sequences):
        cid = f"cmp_{100_000 + j}" if kind == "marketing" else f"seq_{_slug(name)}"
        source = "hubspot" if kind == "marketing" else "sales"
        queries.append(f"?utm_source={source}&utm_medium=email&utm_campaign={_slug(name)}")
        out.append((cid, name, kind, when, audience, links))
    return out, queries


def build_world(seed: int, as_of: date) -> World:
    """Everything chunks share, derived from the seed and the as-of date."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xC0FFEE]))
    horizon = _epoch(as_of)
    last_event = as_of - timedelta(days=45)
    try:
        prev_event = last_event.replace(year=last_event.year - 1)
    except ValueError:  # 29 February
        prev_event = last_event.replace(year=last_event.year - 1, day=28)
    rows, utm_queries = _build_campaigns(rng, as_of, (prev_event, last_event))
    n_base_queries = 1 + len(cat.QUERIES_PAID) + len(cat.QUERIES_SOCIAL) + len(cat.QUERIES_OTHER)
    urls = _build_urls(utm_queries)
    n_links = np.array([len(r[5]) for r in rows], dtype=np.int64)
    links = np.zeros((len(rows), int(n_links.max())), dtype=np.int64)
    for j, r in enumerate(rows):
        links[j, : len(r[5])] = [urls.page_index[p] for p in r[5]]
    kinds = [r[2] for r in rows]
    n_marketing = kinds.count("marketing")
    campaigns = Campaigns(
        ids=as_string_array([r[0] for r in rows]),
        names=as_string_array([r[1] for r in rows]),
        email_type=as_string_array(kinds),
        send_time=np.array([r[3] for r in rows], dtype=np.float64),
        audience=np.array([r[4] for r in rows], dtype=np.float64),
        links=links,
        n_links=n_links,
        query=n_base_queries + np.arange(len(rows)),
        n_marketing=n_marketing,
        seq_inbound=n_marketing,
        seq_outbound=n_marketing + 1,
        seq_deal=n_marketing + 2,
    )
    start = horizon - LOOKBACK_DAYS * DAY
    event_times = (_epoch(prev_event, 9), _epoch(last_event, 9))
    lists = []
    for k, (key, template, object_type, list_type) in enumerate(cat.LISTS):
        name = template.format(prev=prev_event.year, year=last_event.year)
        created = start - float(rng.integers(5, 200)) * DAY
        if key == "event_last":
            created = event_times[1] - 20 * DAY
        lists.append(ListDef(key, str(1001 + k), name, object_type, list_type, created))
    n_names = len(cat.COMPANY_WORDS_A) * len(cat.COMPANY_WORDS_B) * len(cat.COMPANY_PATTERNS)
    multiplier = int(rng.integers(n_names // 3, n_names))
    while math.gcd(multiplier, n_names) != 1:
        multiplier += 1
    return World(
        seed=seed,
        as_of=as_of,
        horizon=horizon,
        start=start,
        urls=urls,
        campaigns=campaigns,
        event_times=event_times,
        lists=tuple(lists),
        name_multiplier=multiplier,
        name_offset=int(rng.integers(0, n_names)),
    )
