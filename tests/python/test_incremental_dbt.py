"""Incremental refresh through the real dbt project: never a stale or different answer.

The raw email and web events are parsed by models that are incremental by raw file
(base_email__email_events_parsed, base_web__web_events_parsed); everything that depends on
other data, seeds, vars or the scoring date is re-evaluated on every run. So after any sequence
of incremental runs the warehouse must hold exactly what a `--full-refresh` build of the same
raw files and configuration holds. One scratch project on a small generated demo whose newest
events are held back as new files, one warehouse refreshed incrementally through:

1. the initial files (a first run: everything is parsed);
2. new files with the held-back events (only those are parsed);
3. the same data again (nothing is parsed; every score identical: idempotent);
4. a configuration change - an event rule's points, another's time window, a new bot
   pattern - and a later scoring date (every affected score changes, nothing is parsed);
5. one new file removed and another rewritten with fewer rows (the removed file's rows are
   deleted, the rewritten file is parsed again);
6. CRM and identity changes with redelivered events: cookies that had never identified now
   identify, contacts are removed, and new files repeat earlier events (some with an earlier
   time, so the new copy becomes the one kept).

The staged events (base_*_events) are incremental too: a refresh evaluates again only the
duplicate groups that may have changed. After steps 2 to 6 every compared relation equals a
full-refresh build into a new file. The predictive scores (incremental by lead) are compared
instead with scoring every lead again with the warehouse's own model: a run may keep a recent
model, so a full rebuild, which trains, need not have the same one.

The CRM tables, the property side of the rules and the score marts are cached tables: a run
keeps one whose code and inputs did not change (and says REUSED), so each step also checks
which were kept. Step 5 also adds a country alias, which only the CRM contacts and companies
read; a last run without a scoring date (`as_of` = now) keeps none that reads the clock.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from dbt_harness import DBT, scratch_project

from lead_scoring.demo.generator import generate
from lead_scoring.predictive import PredictiveSettings, model_from_frame, score
from lead_scoring.predictive.dbt import REQUIRED_REFS, inputs_from_refs

pytestmark = pytest.mark.dbt

AS_OF = "2026-06-30"
LATER_AS_OF = "2026-07-20"
#: The project's predictive settings, with few enough examples needed for this small demo.
PREDICTIVE = {
    "start_stage": "mql",
    "end_stage": "sql",
    "conversion_window_days": 30,
    "min_examples_per_class": 5,
    "rule_score_id": "contact_lead_score",
}
EVENT_TABLES = ("email_events", "web_events", "sales_activities")
HELD_BACK = 0.05
#: Everything the event parsing feeds, up to the score marts, the rejects and the predictive
#: scores.
SELECTOR = [
    "+int_predictive_scores",
    "+lead_scores",
    "+score_rule_breakdown",
    "+stg_web__rejects",
    "+stg_email__rejects",
    "+stg_crm__rejects",
]
COMPARED = {
    "lead_scores": "score_id, record_id",
    "score_rule_breakdown": "breakdown_id",
    "stg_email__email_events": "event_id",
    "stg_web__web_events": "event_id",
    "stg_crm__sales_activities": "activity_id",
    "int_events_unioned": "event_id",
    "stg_email__rejects": "source_record_id, reject_reason",
    "stg_web__rejects": "source_table, source_record_id, reject_reason",
    "stg_crm__rejects": "source_table, source_record_id, reject_reason",
    "stg_crm__contacts": "contact_id",
    "stg_web__identities": "anonymous_id",
    "int_score_records_scoped": "score_id, record_id",
    "int_property_values_linked": "score_id, record_id, property_name",
    "int_property_rules_matched": "score_id, record_id, rule_id",
}
#: The cached tables SELECTOR builds (materialized='cached_table').
CACHED = {
    "base_crm__companies",
    "base_crm__contact_company_associations",
    "base_crm__contact_custom_properties",
    "base_crm__contacts",
    "base_crm__deal_contact_associations",
    "base_crm__deals",
    "base_crm__lifecycle_stage_history",
    "base_crm__list_memberships",
    "base_crm__lists",
    "base_crm__sales_activities",
    "base_web__identities",
    "stg_crm__contacts",
    "int_property_rules_matched",
    "int_property_values_linked",
    "int_score_records_scoped",
    "int_rule_points_capped",
    "lead_scores",
    "score_rule_breakdown",
}
#: The cached tables computed from the events.
READS_EVENTS = {"int_rule_points_capped", "lead_scores", "score_rule_breakdown"}
#: The cached tables that check timestamps against the scoring date (future_timestamp).
CHECK_TIMESTAMPS = {
    "base_crm__companies",
    "base_crm__contacts",
    "base_crm__deals",
    "base_crm__lifecycle_stage_history",
    "base_crm__sales_activities",
    "base_web__identities",
}
#: What reads the contacts file (directly or through the contacts' id map), or the identities.
READS_CONTACTS = CACHED - {"base_crm__companies", "base_crm__deals", "base_crm__lists"}
PARSED = ("base_email__email_events_parsed", "base_web__web_events_parsed")
STEPS = ("new_files", "rerun", "config", "files_changed", "crm_changed")


def _split(raw: Path, increments: Path) -> dict[str, int]:
    """Move the newest HELD_BACK of each event table (by parsed time; rows with no parseable
    time stay) into <table>_increment.parquet under ``increments``; return the rows moved."""
    increments.mkdir()
    held: dict[str, int] = {}
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        for table in EVENT_TABLES:
            path = raw / f"{table}.parquet"
            con.execute(
                f"create table {table} as select *,"
                " try_cast(cast(occurred_at as varchar) as timestamptz) as parsed_at_"
                f" from read_parquet('{path}')"
            )
            con.execute(
                f"create table {table}_cutoff as select"
                f" quantile_disc(parsed_at_, {1 - HELD_BACK}) as cutoff from {table}"
            )
            newest = f"coalesce(parsed_at_ > (select cutoff from {table}_cutoff), false)"
            path.unlink()
            con.execute(
                f"copy (select * exclude (parsed_at_) from {table} where not {newest})"
                f" to '{path}' (format parquet)"
            )
            increment = increments / f"{table}_increment.parquet"
            con.execute(
                f"copy (select * exclude (parsed_at_) from {table} where {newest})"
                f" to '{increment}' (format parquet)"
            )
            held[table] = int(
                con.execute(f"select count(*) from {table} where {newest}").fetchall()[0][0]
            )
    return held


def _edit_config(seeds: Path) -> None:
    """Double meeting_booked's points, widen pricing_repeat's window from 30 to 60 days, and
    treat Firefox as a bot."""
    path = seeds / "scoring" / "score_rules.csv"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["score_id"] == "contact_lead_score" and row["rule_id"] == "meeting_booked":
            row["points"] = str(2 * int(row["points"]))
        if row["score_id"] == "contact_lead_score" and row["rule_id"] == "pricing_repeat":
            row["window_days"] = "60"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with (seeds / "bot_user_agent_patterns.csv").open("a") as handle:
        handle.write("firefox,Test: a new pattern must reject existing events\n")


def _change_crm_and_redeliver(raw: Path) -> None:
    """Identify 20 cookies that never identified (to existing contacts), remove 3 contacts
    that have email and web events, and redeliver 40 web and 40 email events in new files:
    half of them one hour earlier (the new copy is then the earliest, so the one kept), half
    as exact copies."""
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        files = {name: str(raw / f"{name}.parquet") for name in ("contacts", "identities")}
        web = f"read_parquet('{raw}/web_events*.parquet')"
        email = f"read_parquet('{raw}/email_events*.parquet')"
        con.execute(f"create table contacts as select * from read_parquet('{files['contacts']}')")
        con.execute(
            f"create table identities as select * from read_parquet('{files['identities']}')"
        )
        con.execute(
            f"""
            create table new_identities as
            with cookies as (
                select distinct anonymous_id from {web}
                where contact_id is null and anonymous_id is not null
                    and anonymous_id not in (
                        select anonymous_id from identities where anonymous_id is not null
                    )
                order by anonymous_id limit 20
            ),
            owners as (
                select contact_id, row_number() over (order by contact_id) as n
                from contacts where contact_id is not null
            )
            select cookies.anonymous_id, owners.contact_id,
                timestamp '2026-06-20 12:00:00' as identified_at
            from (select *, row_number() over (order by anonymous_id) as n from cookies)
                as cookies
            inner join owners on cookies.n = owners.n
            """
        )
        con.execute(
            f"""
            create table removed as
            select contact_id from contacts
            where contact_id in (select contact_id from {web})
                and lower(trim(email)) in (select lower(trim(recipient_email)) from {email})
            order by contact_id limit 3
            """
        )
        for name in ("web", "email"):
            source = web if name == "web" else email
            con.execute(
                f"""
                copy (
                    select * exclude (n) replace (
                        case when n % 2 = 0 then occurred_at - interval 1 hour
                            else occurred_at end as occurred_at
                    )
                    from (
                        select *, row_number() over (order by event_id) as n from {source}
                        where event_id is not null and occurred_at is not null
                        order by event_id limit 40
                    )
                ) to '{raw}/{name}_events_redelivered.parquet' (format parquet)
                """
            )
        for path in files.values():
            Path(path).unlink()
        con.execute(
            f"""copy (select * from identities union all by name select * from new_identities)
            to '{files["identities"]}' (format parquet)"""
        )
        con.execute(
            f"""copy (select * from contacts where contact_id not in (select * from removed))
            to '{files["contacts"]}' (format parquet)"""
        )


def _reasons(database: Path) -> dict[str, int]:
    """Rejected staged events per reason (email and web)."""
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select reject_reason, count(*) from ("
            " select reject_reason from base_email__email_events"
            " union all select reject_reason from base_web__web_events"
            ") where reject_reason is not null group by 1"
        ).fetchall()
    return dict(rows)


class Warehouse:
    """dbt runs of one scratch project into DuckDB files."""

    def __init__(self, project: Path, raw: Path) -> None:
        self.project = project
        self.raw = raw

    def dbt(self, database: Path, *args: str, as_of: str | None = AS_OF) -> None:
        env = {
            **os.environ,
            "LEAD_SCORING_RAW_DIR": str(self.raw),
            "LEAD_SCORING_DB": str(database),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        command = [str(DBT), *args, "--project-dir", str(self.project)]
        command += ["--profiles-dir", str(self.project), "--target", "ci", "--quiet"]
        if args[0] == "run":
            variables = {"as_of": as_of, "predictive": PREDICTIVE}
            if "--select" not in args:
                command += ["--select", *SELECTOR]
            command += ["--vars", json.dumps(variables)]
        result = subprocess.run(command, cwd=self.project, env=env, capture_output=True, text=True)
        assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]

    def cached(self) -> dict[str, set[str]]:
        """The cached tables of the last run: {"built": ..., "reused": ...}."""
        results = json.loads((self.project / "target" / "run_results.json").read_text())
        manifest = json.loads((self.project / "target" / "manifest.json").read_text())
        out: dict[str, set[str]] = {"built": set(), "reused": set()}
        for result in results["results"]:
            node = manifest["nodes"][result["unique_id"]]
            if node["config"]["materialized"] == "cached_table":
                reused = result["adapter_response"].get("code") == "REUSED"
                out["reused" if reused else "built"].add(node["name"])
        return out

    def full_refresh(self, database: Path, as_of: str = AS_OF) -> Path:
        self.dbt(database, "seed", "--full-refresh")
        self.dbt(database, "run", "--full-refresh", as_of=as_of)
        return database


def _differences(incremental: Path, full: Path) -> dict[str, int]:
    """Rows of each COMPARED relation that are not in both files (doubles rounded to 1e-9)."""
    differences = {}
    with duckdb.connect() as con:
        con.execute(f"attach '{incremental}' as inc (read_only)")
        con.execute(f"attach '{full}' as ful (read_only)")
        for relation in COMPARED:
            columns = []
            for name, kind, *_ in con.execute(f"describe ful.main.{relation}").fetchall():
                columns.append(f"round({name}, 9)" if kind == "DOUBLE" else name)
            select = ", ".join(columns)
            sql = f"""
                select count(*) from (
                    (select {select} from inc.main.{relation}
                     except all select {select} from ful.main.{relation})
                    union all
                    (select {select} from ful.main.{relation}
                     except all select {select} from inc.main.{relation})
                )
            """
            differences[relation] = int(con.execute(sql).fetchall()[0][0])
    return differences


def _parsed_loads(database: Path) -> dict[str, dict[str, tuple[int, str]]]:
    """Per parsed model and raw file name: (rows, latest loaded_at)."""
    loads: dict[str, dict[str, tuple[int, str]]] = {}
    with duckdb.connect(str(database), read_only=True) as con:
        for model in PARSED:
            rows = con.execute(
                f"select source_file, count(*), max(loaded_at) from {model} group by 1"
            ).fetchall()
            loads[model] = {Path(file).name: (count, str(at)) for file, count, at in rows}
    return loads


def _predictive_differences(database: Path, as_of: str) -> tuple[int, int]:
    """(rows of int_predictive_scores, rows not the same as scoring every current lead again
    with the warehouse's model and tables): the incremental predictive scores are never
    stale. The model itself is kept between runs (retrain_after_days), so it is not compared
    with a full rebuild's."""
    with duckdb.connect(str(database), read_only=True) as con:
        relations = {ref: con.sql(f"select * from {ref}").df() for ref in REQUIRED_REFS.values()}
        model = model_from_frame(con.sql("select * from int_predictive_model").df())
        table = con.sql("select * exclude (inputs_hash) from int_predictive_scores").df()
    settings = PredictiveSettings.from_mapping(PREDICTIVE)
    expected = score(inputs_from_refs(relations), settings, as_of, model)
    merged = table.merge(expected, on="contact_id", how="outer", suffixes=("", "_all"))
    differs = pd.Series(False, index=merged.index)
    for column in expected.columns.drop("contact_id"):
        a, b = merged[column], merged[f"{column}_all"]
        if pd.api.types.is_float_dtype(a) or pd.api.types.is_float_dtype(b):
            same = (a - b).abs() <= 1e-12
        else:
            same = a.astype("object") == b.astype("object")
        differs |= ~(same | (a.isna() & b.isna()))
    return len(table), int(differs.sum())


def _scores(database: Path) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(
            "select score_id, record_id, score, fit_score, engagement_score, tier"
            " from lead_scores order by 1, 2"
        ).fetchall()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("incremental")
    project = scratch_project(root)
    raw = root / "raw"
    generate(300, 13, date(2026, 6, 30), raw, "parquet")
    increments = root / "increments"
    held = _split(raw, increments)
    warehouse = Warehouse(project, raw)
    database = root / "incremental.duckdb"
    out: dict[str, object] = {"held": held}

    warehouse.dbt(database, "seed")
    warehouse.dbt(database, "run")
    out["loads_initial"] = _parsed_loads(database)

    for increment in increments.iterdir():
        os.link(increment, raw / increment.name)
    warehouse.dbt(database, "run")
    out["cached_new_files"] = warehouse.cached()
    out["loads_new_files"] = _parsed_loads(database)
    out["diff_new_files"] = _differences(database, warehouse.full_refresh(root / "full_2.duckdb"))
    out["scores_new_files"] = _scores(database)
    out["predictive_new_files"] = _predictive_differences(database, AS_OF)

    warehouse.dbt(database, "run")
    out["cached_rerun"] = warehouse.cached()
    out["loads_rerun"] = _parsed_loads(database)
    out["scores_rerun"] = _scores(database)
    out["predictive_rerun"] = _predictive_differences(database, AS_OF)

    _edit_config(project / "seeds")
    warehouse.dbt(database, "seed")
    warehouse.dbt(database, "run", as_of=LATER_AS_OF)
    out["cached_config"] = warehouse.cached()
    out["loads_config"] = _parsed_loads(database)
    out["scores_config"] = _scores(database)
    out["predictive_config"] = _predictive_differences(database, LATER_AS_OF)
    full_config = warehouse.full_refresh(root / "full_4.duckdb", as_of=LATER_AS_OF)
    out["diff_config"] = _differences(database, full_config)

    (raw / "web_events_increment.parquet").unlink()
    email = raw / "email_events_increment.parquet"
    kept = pq.read_table(email)
    email.unlink()  # a hard link: write a new file, do not change the held-back copy
    pq.write_table(kept.slice(0, kept.num_rows // 2), email)
    out["email_rows_rewritten"] = kept.num_rows // 2
    with (project / "seeds" / "country_aliases.csv").open("a") as handle:
        handle.write("Deutschland (Test),DE,Germany,EMEA\n")
    warehouse.dbt(database, "seed")
    warehouse.dbt(database, "run", as_of=LATER_AS_OF)
    out["cached_files_changed"] = warehouse.cached()
    out["loads_files_changed"] = _parsed_loads(database)
    out["predictive_files_changed"] = _predictive_differences(database, LATER_AS_OF)
    full_changed = warehouse.full_refresh(root / "full_5.duckdb", as_of=LATER_AS_OF)
    out["diff_files_changed"] = _differences(database, full_changed)

    out["reasons_before_crm"] = _reasons(database)
    _change_crm_and_redeliver(raw)
    warehouse.dbt(database, "run", as_of=LATER_AS_OF)
    out["cached_crm_changed"] = warehouse.cached()
    out["reasons_after_crm"] = _reasons(database)
    out["predictive_crm_changed"] = _predictive_differences(database, LATER_AS_OF)
    full_crm = warehouse.full_refresh(root / "full_6.duckdb", as_of=LATER_AS_OF)
    out["diff_crm_changed"] = _differences(database, full_crm)

    clock = ("--select", "base_crm__companies", "base_crm__lists")
    warehouse.dbt(database, "run", *clock, as_of=None)
    warehouse.dbt(database, "run", *clock, as_of=None)
    out["cached_clock"] = warehouse.cached()
    return out


def test_a_refresh_parses_only_the_new_files(runs: dict[str, object]) -> None:
    initial, after = runs["loads_initial"], runs["loads_new_files"]
    held = runs["held"]
    assert held["email_events"] > 0 and held["web_events"] > 0
    for model, table in zip(PARSED, ("email_events", "web_events"), strict=True):
        assert set(initial[model]) == {f"{table}.parquet"}
        assert after[model][f"{table}.parquet"] == initial[model][f"{table}.parquet"]
        rows, loaded_at = after[model][f"{table}_increment.parquet"]
        assert rows == held[table]
        assert loaded_at > initial[model][f"{table}.parquet"][1]


def test_cached_tables_are_kept_exactly_when_nothing_they_read_changed(
    runs: dict[str, object],
) -> None:
    kept = {step: runs[f"cached_{step}"]["reused"] for step in STEPS}
    built = {step: runs[f"cached_{step}"]["built"] for step in STEPS}
    assert {step: kept[step] | built[step] for step in STEPS} == dict.fromkeys(STEPS, CACHED)
    # new event files: of the CRM tables only the sales activities (an event stream) changed
    assert built["new_files"] == {"base_crm__sales_activities", *READS_EVENTS}
    assert kept["rerun"] == CACHED
    # a later scoring date, which the tables checking timestamps read, and new rules; the
    # lists read neither
    assert built["config"] >= CHECK_TIMESTAMPS | {
        "int_property_values_linked",
        "int_property_rules_matched",
    }
    assert "base_crm__lists" in kept["config"]
    # other event files, and a country alias no row uses: the two tables reading the aliases
    # are built again, and give the same rows, so nothing after them is
    assert built["files_changed"] == {"base_crm__contacts", "base_crm__companies", *READS_EVENTS}
    # contacts removed, cookies identified
    assert kept["crm_changed"] == CACHED - READS_CONTACTS
    # no scoring date: a table checked against the clock is built every time
    assert runs["cached_clock"] == {"built": {"base_crm__companies"}, "reused": {"base_crm__lists"}}


def test_a_refresh_equals_a_full_rebuild(runs: dict[str, object]) -> None:
    assert runs["diff_new_files"] == dict.fromkeys(COMPARED, 0)


def test_a_rerun_without_new_data_changes_nothing(runs: dict[str, object]) -> None:
    assert runs["loads_rerun"] == runs["loads_new_files"]
    assert runs["scores_rerun"] == runs["scores_new_files"]


def test_a_config_change_reevaluates_every_event_without_reparsing(
    runs: dict[str, object],
) -> None:
    assert runs["loads_config"] == runs["loads_new_files"]
    assert runs["scores_config"] != runs["scores_new_files"]
    assert runs["diff_config"] == dict.fromkeys(COMPARED, 0)


def test_removed_and_rewritten_files_are_applied(runs: dict[str, object]) -> None:
    loads = runs["loads_files_changed"]
    assert "web_events_increment.parquet" not in loads["base_web__web_events_parsed"]
    email = loads["base_email__email_events_parsed"]
    assert email["email_events_increment.parquet"][0] == runs["email_rows_rewritten"]
    assert (
        email["email_events.parquet"] == runs["loads_new_files"][PARSED[0]]["email_events.parquet"]
    )
    assert runs["diff_files_changed"] == dict.fromkeys(COMPARED, 0)


def test_crm_changes_and_redelivered_events_are_applied(runs: dict[str, object]) -> None:
    before, after = runs["reasons_before_crm"], runs["reasons_after_crm"]
    assert after["duplicate_id"] > before.get("duplicate_id", 0)
    assert after["unknown_contact"] > before.get("unknown_contact", 0)
    assert after["unidentified_visitor"] < before["unidentified_visitor"]
    assert runs["diff_crm_changed"] == dict.fromkeys(COMPARED, 0)


def test_incremental_predictive_scores_equal_scoring_every_lead(runs: dict[str, object]) -> None:
    steps = ("new_files", "rerun", "config", "files_changed", "crm_changed")
    results = {step: runs[f"predictive_{step}"] for step in steps}
    assert all(rows > 0 for rows, _ in results.values()), results  # a model was trained
    assert {step: differing for step, (_, differing) in results.items()} == dict.fromkeys(steps, 0)
