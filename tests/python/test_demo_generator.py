"""Tests of the demo data generator (``python -m lead_scoring.demo``).

Small seeded runs (a few hundred contacts) written to temporary directories.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from lead_scoring.demo import catalogs as cat
from lead_scoring.demo import generate
from lead_scoring.demo.cli import main
from lead_scoring.demo.dirt import crm_timestamps
from lead_scoring.demo.schema import TABLES

REPO = Path(__file__).resolve().parents[2]
SOURCES = [
    REPO / "models/staging/crm/_crm__sources.yml",
    REPO / "models/staging/email/_email__sources.yml",
    REPO / "models/staging/web/_web__sources.yml",
]
AS_OF = date(2026, 6, 30)
HORIZON = pd.Timestamp("2026-06-30")
VALID_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
NULL_WORDS = {"null", "none", "nan", "n/a"}
VALID_EMAIL = re.compile(
    r"^[a-z0-9_%+-]+([.][a-z0-9_%+-]+)*@([a-z0-9]([a-z0-9-]*[a-z0-9])?[.])+[a-z]{2,}$"
)
CRM_TIME_COLUMNS = {
    "companies": ["created_at", "updated_at"],
    "contacts": ["created_at", "updated_at"],
    "contact_custom_properties": ["updated_at"],
    "deals": ["created_at", "closed_at"],
    "lifecycle_stage_history": ["entered_at"],
    "lists": ["created_at"],
    "list_memberships": ["added_at"],
    "sales_activities": ["occurred_at"],
}
EVENT_TIME_COLUMNS = {
    "email_events": "occurred_at",
    "web_events": "occurred_at",
    "identities": "identified_at",
}
STAGE_RANK = {
    "subscriber": 0,
    "lead": 1,
    "marketingqualifiedlead": 2,
    "mql": 2,
    "salesqualifiedlead": 3,
    "sql": 3,
    "opportunity": 4,
    "customer": 5,
}


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 contacts, seed 7."""
    out = tmp_path_factory.mktemp("small")
    generate(300, 7, AS_OF, out)
    return out


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1500 contacts, seed 11: enough for the statistical checks."""
    out = tmp_path_factory.mktemp("medium")
    generate(1500, 11, AS_OF, out)
    return out


def read(out: Path, table: str) -> pd.DataFrame:
    """A generated parquet table as a DataFrame."""
    return pq.read_table(out / f"{table}.parquet").to_pandas()


def truth(out: Path) -> pd.DataFrame:
    """The hidden ground truth of a run."""
    return pq.read_table(out / "_truth" / "contacts.parquet").to_pandas()


def valid_ids(values: pd.Series) -> pd.Series:
    """True where a raw id is usable once trimmed (placeholders like 'null' are not)."""
    trimmed = values.fillna("").str.strip()
    usable = trimmed.map(lambda v: bool(VALID_ID.match(v)))
    return usable & ~trimmed.str.lower().isin(NULL_WORDS)


def parse_crm_time(values: pd.Series) -> pd.Series:
    """CRM ISO text to naive UTC timestamps (unparseable -> NaT)."""
    parsed = pd.to_datetime(values, format="ISO8601", utc=True, errors="coerce")
    return parsed.dt.tz_convert("UTC").dt.tz_localize(None)


def contact_of_web_event(out: Path) -> pd.DataFrame:
    """Web events with the contact their cookie resolves to (through identities)."""
    web = read(out, "web_events")
    ident = read(out, "identities")[["anonymous_id", "contact_id"]]
    ident = ident.rename(columns={"contact_id": "resolved"})
    return web.merge(ident, on="anonymous_id", how="left")


def source_columns() -> dict[str, list[str]]:
    """Column names per table in the dbt sources files."""
    columns: dict[str, list[str]] = {}
    for path in SOURCES:
        spec = yaml.safe_load(path.read_text())
        for source in spec["sources"]:
            for table in source["tables"]:
                columns[table["name"]] = [c["name"] for c in table["columns"]]
    return columns


# ----------------------------------------------------------------------------- contract


def test_tables_and_columns_match_the_sources_yaml(small: Path) -> None:
    expected = source_columns()
    assert set(expected) == set(TABLES)
    files = {p.stem for p in small.glob("*.parquet")}
    assert files == set(expected)
    for table, columns in expected.items():
        assert pq.read_schema(small / f"{table}.parquet").names == columns, table


def test_column_types(small: Path) -> None:
    for table in TABLES:
        schema = pq.read_schema(small / f"{table}.parquet")
        for field in schema:
            if field.name.endswith("_id") or field.name in CRM_TIME_COLUMNS.get(table, []):
                assert field.type == pa.string(), (table, field.name)
        if table in EVENT_TIME_COLUMNS:
            assert schema.field(EVENT_TIME_COLUMNS[table]).type == pa.timestamp("us")
    companies = pq.read_schema(small / "companies.parquet")
    assert pa.types.is_integer(companies.field("employee_count").type)
    assert pa.types.is_floating(companies.field("annual_revenue").type)
    assert pa.types.is_floating(pq.read_schema(small / "deals.parquet").field("amount").type)
    assoc = pq.read_schema(small / "contact_company_associations.parquet")
    assert assoc.field("is_primary").type == pa.bool_()
    assert read(small, "companies")["employee_count"].isna().any()
    assert read(small, "deals")["amount"].isna().any()


def test_manifest_counts_equal_file_rows(small: Path) -> None:
    manifest = json.loads((small / "_manifest.json").read_text())
    assert manifest["seed"] == 7
    assert manifest["as_of"] == "2026-06-30"
    assert manifest["contacts_requested"] == 300
    assert manifest["generator_version"]
    assert set(manifest["tables"]) == set(TABLES)
    for table, rows in manifest["tables"].items():
        assert pq.read_metadata(small / f"{table}.parquet").num_rows == rows, table
        assert rows > 0, table


def test_truth_has_one_row_per_raw_contact(small: Path) -> None:
    t = truth(small)
    contacts = read(small, "contacts")
    real = contacts[valid_ids(contacts["contact_id"])]
    assert t["contact_id"].is_unique
    assert set(t["contact_id"]) == set(real["contact_id"])
    assert (
        t.loc[~t["is_duplicate"], "contact_id"] == t.loc[~t["is_duplicate"], "canonical_contact_id"]
    ).all()
    for column in ("fit", "intent", "propensity", "converted", "converted_at", "mql_at"):
        assert column in t.columns
    assert t["propensity"].between(0, 1).all()
    assert not (small / "_truth.parquet").exists()


# ----------------------------------------------------------------------------- determinism, size


def test_same_seed_gives_identical_tables(small: Path, tmp_path: Path) -> None:
    generate(300, 7, AS_OF, tmp_path)
    for table in TABLES:
        a = pq.read_table(small / f"{table}.parquet")
        b = pq.read_table(tmp_path / f"{table}.parquet")
        assert a.equals(b), table
        pd.testing.assert_frame_equal(a.to_pandas(), b.to_pandas())
    assert pq.read_table(small / "_truth/contacts.parquet").equals(
        pq.read_table(tmp_path / "_truth/contacts.parquet")
    )


def test_different_seed_gives_different_tables(small: Path, tmp_path: Path) -> None:
    generate(300, 8, AS_OF, tmp_path)
    for table in ("companies", "contacts", "email_events", "web_events"):
        a = pq.read_table(small / f"{table}.parquet")
        b = pq.read_table(tmp_path / f"{table}.parquet")
        assert not a.equals(b), table


def test_several_chunks_are_deterministic_and_ids_unique(tmp_path: Path) -> None:
    counts = generate(250, 3, AS_OF, tmp_path / "a", chunk_size=100)
    again = generate(250, 3, AS_OF, tmp_path / "b", chunk_size=100)
    assert counts == again
    for table in TABLES:
        assert pq.read_table(tmp_path / "a" / f"{table}.parquet").equals(
            pq.read_table(tmp_path / "b" / f"{table}.parquet")
        )
    out = tmp_path / "a"
    assert len(read(out, "lists")) == len(cat.LISTS)
    companies = read(out, "companies")
    good = companies[valid_ids(companies["company_id"])]
    assert good["company_id"].is_unique
    assert good["domain"].dropna().str.lower().is_unique
    assert truth(out)["contact_id"].is_unique
    assert len(truth(out)) > 250


def test_sizes_scale_with_contacts(small: Path, tmp_path: Path) -> None:
    big = generate(900, 7, AS_OF, tmp_path)
    base = json.loads((small / "_manifest.json").read_text())["tables"]
    for table in (
        "companies",
        "contacts",
        "deals",
        "lifecycle_stage_history",
        "email_events",
        "web_events",
        "identities",
        "sales_activities",
    ):
        ratio = big[table] / base[table]
        assert 2.2 < ratio < 3.8, (table, ratio)
    assert big["lists"] == base["lists"] == len(cat.LISTS)
    events = base["email_events"] + base["web_events"]
    assert 35 <= events / 300 <= 75


def test_csv_format(tmp_path: Path) -> None:
    counts = generate(150, 5, AS_OF, tmp_path, "csv")
    assert not list(tmp_path.glob("*.parquet"))
    assert (tmp_path / "_truth" / "contacts.parquet").exists()
    expected = source_columns()
    for table, columns in expected.items():
        path = tmp_path / f"{table}.csv"
        assert path.read_text().splitlines()[0].replace('"', "").split(",") == columns
        strings = pcsv.ConvertOptions(column_types=dict.fromkeys(columns, pa.string()))
        assert pcsv.read_csv(path, convert_options=strings).num_rows == counts[table], table
    web = pcsv.read_csv(tmp_path / "web_events.csv").to_pandas()
    assert pd.to_datetime(web["occurred_at"]).notna().all()
    manifest = json.loads((tmp_path / "_manifest.json").read_text())
    assert manifest["format"] == "csv"
    assert manifest["tables"] == counts


def test_cli_writes_files_and_prints_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["--contacts", "40", "--seed", "1", "--as-of", "2026-01-15", "--out", str(tmp_path)]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "web_events" in printed and "rows in" in printed
    manifest = json.loads((tmp_path / "_manifest.json").read_text())
    assert manifest["as_of"] == "2026-01-15"
    assert manifest["contacts_requested"] == 40


# ----------------------------------------------------------------------------- realism


def test_timestamps_are_iso_text_with_correct_instants(small: Path) -> None:
    contacts = read(small, "contacts").merge(
        truth(small)[["contact_id", "created_at"]], on="contact_id", suffixes=("", "_true")
    )
    raw = contacts["created_at"].fillna("")
    assert raw.str.endswith("Z").mean() > 0.8
    assert raw.str.contains(r"[+-]\d\d:\d\d$").any()
    assert raw.str.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$").any()
    parsed = parse_crm_time(contacts["created_at"])
    ok = parsed.notna()
    assert ok.mean() > 0.95
    delta = (parsed[ok] - contacts.loc[ok, "created_at_true"]).abs()
    assert (delta < pd.Timedelta(seconds=1)).all()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 4_000_000_000), min_size=1, max_size=40), st.integers(0, 99))
def test_crm_timestamps_keep_the_instant(seconds: list[int], seed: int) -> None:
    values = np.asarray(seconds, dtype=np.float64) + 0.25
    text = crm_timestamps(np.random.default_rng(seed), values).to_pandas()
    parsed = parse_crm_time(text)
    expected = pd.to_datetime(np.floor(values), unit="s")
    assert ((parsed - expected).abs() < pd.Timedelta(seconds=1)).all()


def test_history_is_ordered_and_matches_current_stage(small: Path) -> None:
    hist = read(small, "lifecycle_stage_history")
    contacts = read(small, "contacts")
    hist = hist[hist["contact_id"].isin(truth(small)["contact_id"])]  # known, unpadded ids
    hist = hist.assign(
        rank=hist["lifecycle_stage"].str.lower().map(STAGE_RANK),
        at=parse_crm_time(hist["entered_at"]),
    )
    assert hist["rank"].notna().all()
    timed = hist.dropna(subset=["at"]).sort_values(["contact_id", "at", "rank"])
    assert (timed.groupby("contact_id")["rank"].diff().dropna() > 0).all()
    current = contacts.set_index("contact_id")["lifecycle_stage"].str.lower().map(STAGE_RANK)
    top = hist.groupby("contact_id")["rank"].max()
    common = top.index.intersection(current.index)
    assert (current[common] == top[common]).mean() > 0.98
    starts = hist.sort_values("at").groupby("contact_id")["rank"].first()
    assert {0, 1} <= set(starts)


def test_b2b_crm_content(small: Path) -> None:
    companies = read(small, "companies")
    assert companies["industry"].nunique() >= 10
    assert (companies["technologies"].dropna().str.contains(";")).any()
    assert companies["employee_count"].max() > 10 * companies["employee_count"].median()
    assert len(companies) == pytest.approx(300 / 4, rel=0.15)
    deals = read(small, "deals")
    stages = set(deals["deal_stage"].str.lower())
    assert {"closed won", "closed lost"} <= stages
    assert stages <= {*cat.DEAL_OPEN_STAGES, cat.DEAL_WON, cat.DEAL_LOST}
    closed = deals["deal_stage"].str.lower().str.startswith("closed")
    assert deals.loc[closed, "closed_at"].notna().all()
    assert deals.loc[~closed, "closed_at"].isna().all()
    roles = read(small, "deal_contact_associations")
    assert set(roles["role"]) <= set(cat.DEAL_ROLES)
    per_deal = roles.groupby("deal_id").size()
    assert per_deal.max() >= 2
    activities = read(small, "sales_activities")
    assert set(activities["activity_type"].str.lower()) == {
        "call_started",
        "meeting_booked",
        "meeting_completed",
    }
    props = read(small, "contact_custom_properties")
    assert {"budget_range", "purchase_timeline", "product_interest"} <= set(props["property_name"])
    assert 0.3 < props["contact_id"].nunique() / 300 < 0.75
    lists = read(small, "lists")
    assert {"contact", "company"} <= set(lists["object_type"])
    assert {"Customers", "Competitors", "Do not contact", "Newsletter subscribers"} <= set(
        lists["list_name"]
    )
    members = read(small, "list_memberships").merge(lists, on="list_id", how="left")
    assert members["list_name"].nunique() >= 8


def test_events_are_realistic(small: Path) -> None:
    email = read(small, "email_events")
    kinds = email["event_type"].str.lower().value_counts()
    assert kinds["sent"] > kinds["open"] > kinds["click"] > 0
    assert kinds["delivered"] > 0.9 * kinds["sent"]
    assert {"bounce", "unsubscribe"} <= set(kinds.index)
    assert set(email["email_type"]) == {"marketing", "sales"}
    assert email["campaign_name"].str.match(r"^\d{4}-\d\d .*newsletter", case=False).any()
    clicks = email[email["event_type"].str.lower() == "click"]
    assert clicks["url"].str.startswith(cat.SITE).all()
    assert email.loc[email["event_type"].str.lower() != "click", "url"].isna().all()

    web = read(small, "web_events")
    assert web["page_url"].str.startswith(cat.SITE).all()
    kinds = web["event_type"].str.lower().value_counts()
    assert kinds.index[0] == "page_view"
    paths = web["page_url"].str.lower()
    for path in ("/pricing", "/blog/", "/case-studies/", "/docs/", "/demo", "/contact"):
        assert paths.str.contains(path, regex=False).any(), path
    assert web["page_url"].str.contains("?utm_", regex=False).any()
    assert web["page_url"].str.contains(r"[^/]/$").any()
    assert (web["page_url"].str.replace(cat.SITE, "") != paths.str.replace(cat.SITE, "")).any()
    forms = set(web["form_name"].dropna())
    assert {f for f, _ in cat.FORMS} <= forms
    assert web.loc[web["event_type"].str.lower() == "cta_click", "cta_name"].notna().all()


def test_identified_cookies_have_anonymous_events_before_identification(small: Path) -> None:
    web = read(small, "web_events")
    ident = read(small, "identities")
    assert ident["anonymous_id"].is_unique
    joined = web.merge(ident, on="anonymous_id", suffixes=("", "_identity"))
    before = joined[joined["occurred_at"] < joined["identified_at"]]
    assert len(before) > 0
    assert before["contact_id"].isna().all()
    after = joined[
        (joined["occurred_at"] >= joined["identified_at"]) & (joined["occurred_at"] < HORIZON)
    ]
    assert after["contact_id"].notna().all()
    never = set(web["anonymous_id"]) - set(ident["anonymous_id"])
    assert len(never) > 0
    assert web.loc[web["anonymous_id"].isin(never), "contact_id"].isna().all()


# ----------------------------------------------------------------------------- dirt


def test_duplicate_contacts(small: Path) -> None:
    contacts = read(small, "contacts")
    contacts = contacts[valid_ids(contacts["contact_id"])].copy()
    t = truth(small).set_index("contact_id")
    dups = t[t["is_duplicate"]]
    assert len(dups) >= 3
    raw = contacts.set_index("contact_id")["email"]
    created = parse_crm_time(contacts.set_index("contact_id")["created_at"])
    for dup, row in dups.iterrows():
        original = row["canonical_contact_id"]
        assert raw[dup] != raw[original]
        assert raw[dup].strip().lower() == raw[original].strip().lower()
        if pd.notna(created[dup]) and pd.notna(created[original]):
            assert created[dup] > created[original]
    restyled = [raw[d] for d in dups.index]
    assert any(e != e.strip() for e in restyled)
    assert any(e.strip() != e.strip().lower() for e in restyled)
    pointing = set(read(small, "web_events")["contact_id"].dropna())
    pointing |= set(read(small, "sales_activities")["contact_id"])
    pointing |= set(read(small, "contact_company_associations")["contact_id"])
    assert pointing & set(dups.index)


def test_email_dirt(small: Path) -> None:
    emails = read(small, "contacts")["email"].dropna()
    norm = emails.str.strip().str.lower()
    invalid = emails[~norm.map(lambda e: bool(VALID_EMAIL.match(e)))]
    assert (~invalid.str.contains("@")).any()
    assert invalid.str.contains("@@").any()
    assert invalid.str.strip().str.contains(" ").any()
    assert invalid.str.endswith(".").any()
    domains = norm.str.split("@").str[-1]
    assert domains.isin([d for d, _ in cat.PERSONAL_EMAIL_DOMAINS]).sum() >= 5
    assert domains.str.endswith((".edu", ".ac.uk")).any()


def test_contacts_without_company(small: Path) -> None:
    contacts = read(small, "contacts")
    ids = set(contacts.loc[valid_ids(contacts["contact_id"]), "contact_id"])
    assoc = read(small, "contact_company_associations")
    lonely = ids - set(assoc["contact_id"].str.strip())
    assert 0.01 < len(lonely) / len(ids) < 0.15
    assert (~assoc["is_primary"].fillna(True)).any()


def test_email_events_for_non_contacts(small: Path) -> None:
    known = set(read(small, "contacts")["email"].dropna().str.strip().str.lower())
    recipients = read(small, "email_events")["recipient_email"].str.strip().str.lower()
    assert (~recipients.isin(known)).mean() > 0.005


def test_future_event_timestamps(small: Path) -> None:
    later = HORIZON + pd.Timedelta(days=2)
    assert (read(small, "web_events")["occurred_at"] > later).any()
    assert (read(small, "email_events")["occurred_at"] > later).any()
    assert (parse_crm_time(read(small, "sales_activities")["occurred_at"]) > later).any()
    assert (read(small, "identities")["identified_at"] < HORIZON).all()


def test_inconsistent_country_names(small: Path) -> None:
    countries = set(read(small, "companies")["country"].dropna())
    countries |= set(read(small, "contacts")["country"].dropna())
    us = cat.COUNTRIES[0]
    assert len(countries & {us.name, *us.variants}) >= 3
    assert len(countries) > len({c.name for c in cat.COUNTRIES} & countries)


def test_noisy_job_titles(small: Path) -> None:
    titles = read(small, "contacts")["job_title"]
    assert titles.isna().any() or (titles == "").any()
    present = titles.dropna()
    present = present[present != ""]
    assert (present.str.upper() == present).sum() > 5
    assert present.str.contains("  ").any()
    canonical = {t.lower() for t, _, _ in cat.JOB_TITLES}
    tidy = present.str.split().str.join(" ").str.lower()
    assert (~tidy.isin(canonical)).any()
    aliases = {a for values in cat.TITLE_ALIASES.values() for a in values}
    typos = set(cat.TITLE_TYPOS.values())
    assert present.isin(aliases).any() or present.map(lambda t: any(x in t for x in typos)).any()


def test_unparseable_and_padded_keys(small: Path) -> None:
    for table, column in (
        ("contacts", "contact_id"),
        ("companies", "company_id"),
        ("contact_company_associations", "contact_id"),
        ("deal_contact_associations", "deal_id"),
        ("sales_activities", "contact_id"),
        ("contact_custom_properties", "contact_id"),
        ("list_memberships", "record_id"),
        ("lifecycle_stage_history", "contact_id"),
    ):
        keys = read(small, table)[column]
        assert (~valid_ids(keys)).any(), (table, column)
    padded = read(small, "sales_activities")["contact_id"]
    padded = padded[padded.str.strip() != padded]
    assert len(padded) > 0 and valid_ids(padded).all()


def test_rows_pointing_at_unknown_records(small: Path) -> None:
    contacts = set(read(small, "contacts")["contact_id"])
    companies = set(read(small, "companies")["company_id"])
    deals = set(read(small, "deals")["deal_id"])
    lists = set(read(small, "lists")["list_id"])

    def orphans(table: str, column: str, known: set[str]) -> int:
        keys = read(small, table)[column]
        keys = keys[valid_ids(keys)].str.strip()
        return int((~keys.isin(known)).sum())

    assert orphans("sales_activities", "contact_id", contacts) > 0
    assert orphans("contact_custom_properties", "contact_id", contacts) > 0
    assert orphans("contact_company_associations", "contact_id", contacts) > 0
    assert orphans("contact_company_associations", "company_id", companies) > 0
    assert orphans("deal_contact_associations", "deal_id", deals) > 0
    assert orphans("list_memberships", "list_id", lists) > 0


def test_missing_and_unparseable_crm_timestamps(small: Path) -> None:
    for table, column in (
        ("contacts", "created_at"),
        ("companies", "created_at"),
        ("lifecycle_stage_history", "entered_at"),
        ("sales_activities", "occurred_at"),
    ):
        values = read(small, table)[column]
        assert values.isna().any(), (table, "missing")
        unparseable = values.notna() & parse_crm_time(values).isna()
        assert unparseable.any(), (table, "unparseable")


def test_duplicated_event_rows(small: Path) -> None:
    for table in ("web_events", "email_events"):
        events = read(small, table)
        repeated = events[events["event_id"].duplicated(keep=False)]
        assert len(repeated) > 0, table
        assert len(repeated.drop_duplicates()) == repeated["event_id"].nunique(), table


def test_bot_traffic(small: Path) -> None:
    web = read(small, "web_events")
    markers = ("Googlebot", "bingbot", "AhrefsBot", "HeadlessChrome", "python-requests", "curl")
    is_bot = web["user_agent"].str.contains("|".join(markers))
    for marker in markers:
        assert web["user_agent"].str.contains(marker, regex=False).any(), marker
    bots = set(web.loc[is_bot, "anonymous_id"])
    assert not bots & set(read(small, "identities")["anonymous_id"])
    assert web.loc[is_bot, "contact_id"].isna().all()
    assert web.loc[is_bot, "event_type"].str.lower().eq("page_view").all()


def test_mixed_case_event_types(small: Path) -> None:
    for table, column in (
        ("web_events", "event_type"),
        ("email_events", "event_type"),
        ("sales_activities", "activity_type"),
    ):
        values = read(small, table)[column]
        assert (values != values.str.lower()).any(), table


# ----------------------------------------------------------------------------- hidden propensity


def test_outcomes_follow_hidden_propensity(medium: Path) -> None:
    t = truth(medium)
    t = t[~t["is_duplicate"]]
    sql = t["sql_at"].notna()
    assert t.loc[sql, "propensity"].mean() > 1.5 * t.loc[~sql, "propensity"].mean()
    assert (
        t.loc[t["converted"], "propensity"].mean()
        > 1.5 * t.loc[~t["converted"], "propensity"].mean()
    )
    assert t.loc[sql, "intent"].mean() > t.loc[~sql, "intent"].mean() + 0.3
    assert t.loc[sql, "fit"].mean() > t.loc[~sql, "fit"].mean() + 0.3
    assert 0.3 < t["mql_at"].notna().mean() < 0.5
    assert 0.05 < t["converted"].mean() < 0.15
    observed = t["mql_at"].notna() & (t["mql_at"] < HORIZON - pd.Timedelta(days=30))
    assert 0.2 < t.loc[observed, "sql_within_30d_of_mql"].mean() < 0.45
    assert (t["created_at"] > HORIZON - pd.Timedelta(days=45)).mean() > 0.05


def test_intent_shows_in_behaviour_before_the_transition(medium: Path) -> None:
    t = truth(medium)
    t = t[~t["is_duplicate"] & t["mql_at"].notna()].set_index("contact_id")
    web = contact_of_web_event(medium)
    pricing = web[
        web["page_url"].str.lower().str.contains("/pricing", regex=False)
        & (web["event_type"].str.lower() == "page_view")
        & web["resolved"].isin(t.index)
    ]
    pricing = pricing.assign(
        mql_at=t.loc[pricing["resolved"], "mql_at"].to_numpy(),
        sql_at=t.loc[pricing["resolved"], "sql_at"].to_numpy(),
    )

    def views_before(column: pd.Series, extra_days: int = 0) -> pd.Series:
        hit = pricing[pricing["occurred_at"] < column + pd.Timedelta(days=extra_days)]
        return hit.groupby("resolved").size().reindex(t.index, fill_value=0)

    converters = t["sql_at"].notna()
    before_sql = views_before(pricing["sql_at"])[converters].mean()
    window = views_before(pricing["mql_at"], extra_days=30)[~converters].mean()
    assert before_sql > 1.3 * window

    observed = t["mql_at"] < HORIZON - pd.Timedelta(days=30)
    label = t["sql_within_30d_of_mql"] & observed
    at_mql = views_before(pricing["mql_at"])
    assert at_mql[label].mean() > 1.3 * at_mql[observed & ~label].mean()


def test_identical_across_processes_with_different_hash_seeds(tmp_path: Path) -> None:
    """Python randomizes str hashing per process; nothing may depend on set/dict-of-str order."""
    import os
    import subprocess
    import sys

    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"hash{hash_seed}"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "lead_scoring.demo",
                "--contacts",
                "200",
                "--seed",
                "5",
                "--as-of",
                "2026-06-30",
                "--out",
                str(out),
            ],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            check=True,
            capture_output=True,
        )
        outputs.append(out)
    for table in TABLES:
        first = pq.read_table(outputs[0] / f"{table}.parquet")
        second = pq.read_table(outputs[1] / f"{table}.parquet")
        assert first.equals(second), f"{table} differs between processes"
