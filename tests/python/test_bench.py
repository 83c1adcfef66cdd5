"""Tests of the benchmark script ``bench/run.py`` (its pure parts; the benchmark itself is run
by hand, see bench/README.md): the 1% hold-back split, the peak-memory poller, the results
table and, through dbt (marked ``dbt``), the hand-written lower-bound query against the engine.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from dbt_harness import write_raw

from lead_scoring.demo import generate
from lead_scoring.demo.schema import TABLES

BENCH = Path(__file__).resolve().parents[2] / "bench" / "run.py"
AS_OF = date(2026, 6, 30)


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_run", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


def _rows(path: Path) -> list[tuple]:
    table = pq.read_table(path)
    return [tuple(row.values()) for row in table.to_pylist()]


# ------------------------------------------------------------------------------ sizes


def test_parse_sizes_accepts_suffixes() -> None:
    assert bench.parse_sizes("10k, 100000,1M") == [10_000, 100_000, 1_000_000]
    assert bench.parse_sizes("2.5k") == [2_500]


def test_event_tables_are_the_tables_with_occurred_at() -> None:
    assert bench.event_tables() == {
        "sales_activities": True,
        "email_events": False,
        "web_events": False,
    }


# ------------------------------------------------------------------------------ split


def _synthetic_raw(directory: Path) -> dict[str, list[tuple[int, datetime]]]:
    """Event tables with known times (plus dirt), small other tables.

    Returns, per event table, (row number, UTC time) of the rows that may be held back.
    """
    start = datetime(2026, 6, 1)
    email = [
        {"event_id": f"em_{i}", "event_type": "open", "occurred_at": start + timedelta(hours=7 * i)}
        for i in range(50)
    ]
    email.append({"event_id": "em_future", "occurred_at": datetime(2026, 7, 10)})
    email.append({"event_id": "em_null", "occurred_at": None})
    web = [
        {"event_id": f"wv_{i}", "anonymous_id": "a", "occurred_at": start + timedelta(hours=11 * i)}
        for i in range(30)
    ]
    # text times: offsets honoured, no offset = UTC, dirt never held back
    sales = [
        {"activity_id": f"act_{i}", "occurred_at": (start + timedelta(hours=13 * i)).isoformat()}
        for i in range(20)
    ]
    sales += [
        {"activity_id": "act_offset", "occurred_at": "2026-06-29T23:30:00+02:00"},  # 21:30 UTC
        {"activity_id": "act_latest", "occurred_at": "2026-06-30T22:00:00Z"},  # within 24 h
        {"activity_id": "act_future", "occurred_at": "2026-07-03T00:00:00Z"},
        {"activity_id": "act_bad", "occurred_at": "not a date"},
        {"activity_id": "act_blank", "occurred_at": None},
    ]
    raw = {
        "email_events": email,
        "web_events": web,
        "sales_activities": sales,
        "contacts": [{"contact_id": str(i), "created_at": "2026-01-01"} for i in range(3)],
        "lists": [{"list_id": "1001", "list_name": "Customers", "object_type": "contact"}],
    }
    write_raw(raw, directory)
    candidates: dict[str, list[tuple[int, datetime]]] = {}
    for i, row in enumerate(email):
        if row["occurred_at"] and row["occurred_at"] <= datetime(2026, 7, 1):
            candidates.setdefault("email_events", []).append((i, row["occurred_at"]))
    for i, row in enumerate(web):
        candidates.setdefault("web_events", []).append((i, row["occurred_at"]))
    for i, row in enumerate(sales):
        try:
            moment = datetime.fromisoformat(row["occurred_at"].replace("Z", "+00:00"))
        except (AttributeError, ValueError):
            continue
        if moment.tzinfo:
            moment = (moment - moment.utcoffset()).replace(tzinfo=None)
        if moment <= datetime(2026, 7, 1):
            candidates.setdefault("sales_activities", []).append((i, moment))
    return candidates


def test_split_holds_back_the_latest_events_overall(tmp_path: Path) -> None:
    source, initial, refresh = tmp_path / "generated", tmp_path / "initial", tmp_path / "refresh"
    candidates = _synthetic_raw(source)
    result = bench.split_events(source, initial, refresh, AS_OF, fraction=0.1)

    events = 52 + 30 + 25
    held = round(0.1 * events)
    assert result["events_refresh"] == events
    assert result["held_back"] == held
    assert result["events_initial"] == events - held
    # the `held` latest timestamps over all event tables, dirt excluded
    ranked = sorted(
        ((moment, table, row) for table, rows in candidates.items() for row, moment in rows),
        reverse=True,
    )
    expected = {(table, row) for _, table, row in ranked[:held]}
    kept_latest = ranked[held][0]
    for table in bench.event_tables():
        original = _rows(source / f"{table}.parquet")
        remaining = _rows(initial / f"{table}.parquet")
        held_rows = [original[row] for t, row in expected if t == table]
        assert len(remaining) == len(original) - len(held_rows)
        assert result["tables"][table]["held_back"] == len(held_rows)
        # initial keeps the other rows, the increment file of the refresh the held-back ones,
        # both in their order
        assert remaining == [r for i, r in enumerate(original) if (table, i) not in expected]
        increment = refresh / f"{table}_increment.parquet"
        assert _rows(increment) == [r for i, r in enumerate(original) if (table, i) in expected]
        assert result["increment_files"][table] == increment.name
    assert all(moment >= kept_latest for moment, _, _ in ranked[:held])
    # dirt (future, blank, unparseable times) is never held back
    sales_ids = {row[0] for row in _rows(initial / "sales_activities.parquet")}
    assert {"act_future", "act_bad", "act_blank"} <= sales_ids
    assert "act_latest" not in sales_ids and "act_offset" not in sales_ids
    email_ids = {row[0] for row in _rows(initial / "email_events.parquet")}
    assert {"em_future", "em_null"} <= email_ids
    # the other tables are the same files
    for table in set(TABLES) - set(bench.event_tables()):
        assert (initial / f"{table}.parquet").read_bytes() == (
            source / f"{table}.parquet"
        ).read_bytes()
        assert result["tables"][table]["held_back"] == 0
    assert json.loads((initial / "_split.json").read_text())["held_back"] == held


def _columns(path: Path) -> list[tuple[str, object]]:
    return [(f.name, f.type) for f in pq.read_schema(path)]


@pytest.fixture(scope="module")
def demo_split(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int], dict]:
    """Demo data of 200 contacts split 1%: (folder holding generated/initial/refresh, the
    generated row counts, the split's result)."""
    root = tmp_path_factory.mktemp("split")
    counts = generate(200, 5, AS_OF, root / "generated", "parquet")
    result = bench.split_events(
        root / "generated", root / "initial", root / "refresh", AS_OF, fraction=0.01
    )
    return root, counts, result


def test_split_of_demo_data_keeps_schemas_and_counts(demo_split) -> None:
    root, counts, result = demo_split
    events = sum(counts[t] for t in bench.event_tables())
    assert result["events_refresh"] == events
    assert result["held_back"] == round(0.01 * events) > 0
    assert result["raw_rows_refresh"] == sum(counts.values())
    assert result["raw_rows_initial"] == result["raw_rows_refresh"] - result["held_back"]
    assert sum(t["held_back"] for t in result["tables"].values()) == result["held_back"]
    for table in TABLES:
        generated = root / "generated" / f"{table}.parquet"
        initial = root / "initial" / f"{table}.parquet"
        assert _columns(initial) == _columns(generated)
        row_counts = result["tables"][table]
        assert row_counts["refresh"] == counts[table]
        assert row_counts["initial"] + row_counts["held_back"] == row_counts["refresh"]
        assert pq.read_metadata(initial).num_rows == row_counts["initial"]
        if table in result["increment_files"]:
            increment = root / "refresh" / result["increment_files"][table]
            assert _columns(increment) == _columns(generated)
            assert pq.read_metadata(increment).num_rows == row_counts["held_back"] > 0
        else:
            assert row_counts["held_back"] == 0


def test_split_refresh_is_the_initial_files_plus_increment_files(demo_split) -> None:
    """The refresh folder: every initial file, the same file (hard link, so byte-identical),
    plus one new <table>_increment.parquet per event table with held-back rows; together they
    hold exactly the generated rows."""
    root, counts, result = demo_split
    initial, refresh = root / "initial", root / "refresh"
    initial_files = {p.name for p in initial.glob("*.parquet")}
    assert initial_files == {f"{table}.parquet" for table in TABLES}
    increments = set(result["increment_files"].values())
    assert increments == {
        f"{table}_increment.parquet"
        for table in bench.event_tables()
        if result["tables"][table]["held_back"]
    }
    assert increments  # 1% of the demo's events come from at least one table
    assert {p.name for p in refresh.iterdir()} == initial_files | increments
    for name in initial_files:
        assert os.path.samefile(initial / name, refresh / name)
        assert (initial / name).stat().st_ino == (refresh / name).stat().st_ino
    con = duckdb.connect()
    for table in bench.event_tables():
        # the glob the dbt sources and the lower bound read: initial + increment = generated
        glob = f"read_parquet('{refresh}/{table}*.parquet', union_by_name = true)"
        generated = f"read_parquet('{root / 'generated'}/{table}.parquet')"
        differences = con.execute(
            f"select count(*) from ((select * from {glob} except all select * from {generated})"
            f" union all (select * from {generated} except all select * from {glob}))"
        ).fetchone()[0]
        assert differences == 0
        total = con.execute(f"select count(*) from {glob}").fetchone()[0]
        assert total == counts[table] == result["tables"][table]["refresh"]
    con.close()


def test_sync_raw_adds_new_files_and_leaves_the_others_alone(demo_split, tmp_path: Path) -> None:
    root, _, result = demo_split
    landing = tmp_path / "landing"
    first = bench.sync_raw(root / "initial", landing)
    assert sorted(first["added"]) == sorted(p.name for p in (root / "initial").glob("*.parquet"))
    before = {p.name: p.stat() for p in landing.iterdir()}
    (landing / "stale.parquet").write_bytes(b"")
    second = bench.sync_raw(root / "refresh", landing)
    assert sorted(second["added"]) == sorted(result["increment_files"].values())
    assert second["removed"] == ["stale.parquet"] and second["replaced"] == []
    for name, stat in before.items():  # the same files: path, inode and mtime unchanged
        now = (landing / name).stat()
        assert (now.st_ino, now.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)
    assert bench.sync_raw(root / "refresh", landing)["added"] == []
    # back to the initial data: the increment files go
    assert sorted(bench.sync_raw(root / "initial", landing)["removed"]) == sorted(
        result["increment_files"].values()
    )


# ------------------------------------------------------------------------------ memory limit


def test_memory_limit_goes_to_dbt_through_the_environment(tmp_path: Path) -> None:
    base = {"PATH": "/bin", bench.MEMORY_LIMIT_ENV: "1GB"}
    env = bench.dbt_env(tmp_path / "raw", tmp_path / "w.duckdb", "6GB", base=base)
    assert env[bench.MEMORY_LIMIT_ENV] == "6GB"
    assert env["LEAD_SCORING_RAW_DIR"] == str(tmp_path / "raw")
    assert env["LEAD_SCORING_DB"] == str(tmp_path / "w.duckdb")
    assert env["PATH"] == "/bin"
    # not given: the profile's default applies, whatever the caller's environment says
    env = bench.dbt_env(tmp_path / "raw", tmp_path / "w.duckdb", None, base=base)
    assert bench.MEMORY_LIMIT_ENV not in env
    assert base[bench.MEMORY_LIMIT_ENV] == "1GB"  # the base is not changed


def test_scratch_project_keeps_the_profile_that_reads_the_memory_limit(tmp_path: Path) -> None:
    project = bench.scratch_project(tmp_path)
    profiles = project / "profiles.yml"
    assert profiles.read_text() == (bench.REPO / "profiles.yml").read_text()
    assert re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", bench.profile_memory_limit(profiles) or "")
    assert not (project / "tests" / "python").exists()


def test_profile_memory_limit_reads_the_env_var_default(tmp_path: Path) -> None:
    profiles = tmp_path / "profiles.yml"
    profiles.write_text(
        "      memory_limit: \"{{ env_var('LEAD_SCORING_MEMORY_LIMIT', '12GB') }}\"\n"
    )
    assert bench.profile_memory_limit(profiles) == "12GB"
    profiles.write_text("      memory_limit: '8GB'\n")
    assert bench.profile_memory_limit(profiles) is None


def test_machine_facts_name_the_memory_limit() -> None:
    default = bench.machine_facts(None)
    assert default["DuckDB memory_limit"] == f"{bench.profile_memory_limit()} (profile default)"
    assert "80% of RAM" in default["lower-bound memory_limit"]
    given = bench.machine_facts("6GB")
    assert given["DuckDB memory_limit"].startswith("6GB (--memory-limit")
    assert given["lower-bound memory_limit"] == "6GB"


# ------------------------------------------------------------------------------ memory


ALLOCATE = "import sys, time; x = b'x' * (int(sys.argv[1]) << 20); time.sleep(float(sys.argv[2]))"


def test_peak_memory_counts_the_whole_process_tree() -> None:
    parent = (
        "import subprocess, sys, time;"
        f"child = subprocess.Popen([sys.executable, '-c', {ALLOCATE!r}, '150', '1.5']);"
        "x = b'x' * (60 << 20); child.wait(); time.sleep(0.2)"
    )
    measured = bench.run_measured([sys.executable, "-c", parent], interval=0.1)
    assert measured.returncode == 0
    assert measured.seconds >= 1.5
    assert measured.samples >= 5
    # the child alone peaks above 150 MiB; parent + child together above 210 MiB
    assert measured.max_process_mib >= 150
    assert measured.peak_tree_mib >= 210
    assert measured.peak_mib == max(measured.peak_tree_mib, measured.max_process_mib)
    assert measured.peak_tree_mib < 600
    assert 0 < measured.cpu_seconds < measured.seconds * 4


def test_run_measured_reports_exit_code_and_log(tmp_path: Path) -> None:
    log = tmp_path / "out.log"
    command = [sys.executable, "-c", "print('hello'); raise SystemExit(3)"]
    measured = bench.run_measured(command, log=log)
    assert measured.returncode == 3
    assert "hello" in log.read_text()


def test_run_results_summary_names_the_cached_tables_kept(tmp_path: Path) -> None:
    def result(unique_id: str, seconds: float, code: str) -> dict:
        return {
            "unique_id": unique_id,
            "status": "success",
            "execution_time": seconds,
            "timing": [],
            "adapter_response": {"_message": code, "code": code},
        }

    path = tmp_path / "run_results.json"
    results = [
        result("model.lead_scoring.lead_scores", 0.1, "REUSED"),
        result("model.lead_scoring.int_event_rules_matched", 9.0, "OK"),
        result("model.lead_scoring.base_crm__contacts", 0.2, "REUSED"),
        result("test.lead_scoring.unique_lead_scores_id.abc", 1.0, "OK"),
    ]
    path.write_text(json.dumps({"results": results}))
    summary = bench.summarize_run_results(path)
    assert summary["reused_models"] == ["base_crm__contacts", "lead_scores"]
    assert summary["top_models"][0] == {"model": "int_event_rules_matched", "seconds": 9.0}
    assert summary["seconds_by_type"] == pytest.approx({"model": 9.3, "test": 1.0})


def test_tree_rss_of_this_process() -> None:
    assert bench.tree_rss(os.getpid()) > 10 * bench.MIB


# ------------------------------------------------------------------------------ report


def _phase(seconds: float, peak: float) -> dict:
    return {
        "seconds": seconds,
        "peak_mib": peak,
        "peak_tree_mib": peak,
        "max_process_mib": peak - 1,
        "returncode": 0,
        "run_results": {
            "statuses": {"success": 3},
            "seconds_by_type": {"model": seconds},
            "top_models": [{"model": "base_web__web_events", "seconds": seconds / 2}],
            "top_tests": [{"test": "unique_x", "seconds": 0.5}],
        },
    }


def _result(contacts: int, full: float, run_only: bool = True) -> dict:
    split = {
        "fraction": 0.01,
        "event_tables": ["email_events"],
        "events_initial": 58 * contacts,
        "events_refresh": 59 * contacts,
        "held_back": contacts,
        "held_back_from": "2026-06-24",
        "held_back_to": "2026-06-29",
        "raw_rows_initial": 66 * contacts,
        "raw_rows_refresh": 67 * contacts,
        "increment_files": {"email_events": "email_events_increment.parquet"},
        "tables": {
            "email_events": {
                "initial": 58 * contacts,
                "held_back": contacts,
                "refresh": 59 * contacts,
            }
        },
    }
    build = {"seed": _phase(5.0, 200.0), "build": _phase(full - 5.0, 1500.0)}
    build.update(bench.combine(build["seed"], build["build"]))
    no_change = {"seed": _phase(2.0, 200.0), "build": _phase(full / 10 - 2.0, 400.0)}
    no_change.update(bench.combine(no_change["seed"], no_change["build"]))
    check = {
        "contacts": contacts,
        "matched": contacts - 1,
        "exact": contacts - 1,
        "missing_in_lower_bound": 0,
        "missing_in_engine": 0,
        "max_difference": 0.5,
        "match_rate": (contacts - 1) / contacts,
    }
    lower = {"seconds": [2.0, 1.0, 1.5], "median_seconds": 1.5, "rows": contacts, "peak_mib": 300}
    only = None
    if run_only:
        only = {"seed": _phase(5.0, 200), "run": _phase(20.0, 900), "test": _phase(9.0, 300)}
        only.update(bench.combine(only["seed"], only["run"]))
    return {
        "contacts": contacts,
        "variant": "all",
        "generate_seconds": 1.0,
        "split": split,
        "full": build,
        "refresh": build,
        "no_change": no_change,
        "run_only": only,
        "lower_bound": {"initial": lower, "refresh": lower},
        "check": {"initial": check, "refresh": check, "no_change": check},
    }


def test_results_table_formats_one_line_per_result() -> None:
    rows = [
        bench.summary_row(_result(10_000, 60.0)),
        bench.summary_row(_result(100_000, 300.0, False)),
    ]
    table = bench.results_table(rows).splitlines()
    assert table[0] == (
        "| contacts | models | raw rows | events | full build s | run-only s | peak MiB"
        " | events/s | refresh s | refresh/full | no-change refresh s | lower bound s"
        " | full/lower bound | lower-bound match |"
    )
    assert table[1].count("|") == table[0].count("|")
    assert table[2] == (
        "| 10,000 | all | 660,000 | 580,000 | 60.0 | 25.0 | 1,500 | 9,667 | 60.0 | 1.00 | 6.0"
        " | 1.50 | 40.0 | 99.99% (9,999/10,000) |"
    )
    assert "| 100,000 | all |" in table[3] and "| n/a |" in table[3]


def test_cpu_table_shows_cpu_seconds_and_their_ratio() -> None:
    result = _result(10_000, 60.0)
    result["full"] = {**result["full"], "cpu_seconds": 90.0}
    result["refresh"] = {**result["full"], "cpu_seconds": 80.0}
    result["no_change"] = {**result["no_change"], "cpu_seconds": 9.0}
    result["lower_bound"]["initial"]["median_cpu_seconds"] = 3.0
    lines = bench.cpu_table([result, _result(100_000, 300.0)]).splitlines()
    assert lines[2] == "| 10,000 | all | 90.0 | 80.0 | 9.0 | 3.00 | 30.0 |"
    assert lines[3] == "| 100,000 | all | n/a | n/a | n/a | n/a | n/a |"


def test_report_has_the_table_details_and_an_extrapolation() -> None:
    results = [_result(10_000, 60.0), _result(100_000, 600.0)]
    text = bench.report(results, {"cores": 2}, "python bench/run.py --sizes 10k,100k")
    assert "Command: `python bench/run.py --sizes 10k,100k`" in text
    assert "Machine: cores 2" in text
    assert "### 100,000 contacts, all" in text
    assert "| base_web__web_events | 297.5 |" in text  # half of the build phase
    # the refreshes: their phases, their ratio to the full build, the 1% refresh's slowest models
    assert "| no-change refresh | dbt build | 58.0 |" in text
    assert "| no-change refresh | 60.0 | n/a | 400 | 0.10 | n/a |" in text
    assert "| slowest models, 1% refresh | s |" in text
    assert "New files of the 1% refresh" not in text
    assert "(`email_events_increment.parquet`)" in text
    assert "Lower bound vs `lead_scores` (no-change refresh, refresh data): 99,999 of" in text
    # 60 s at 10k, 600 s at 100k: 0 s fixed + 6,000 s per million contacts
    assert "- full build s: ~6,000 (0 fixed + 6,000 per million contacts)" in text


def test_extrapolate_is_a_line_through_the_two_largest_sizes() -> None:
    value, fixed, per_million = bench.extrapolate(
        [(1_000, 500.0), (10_000, 60.0), (100_000, 240.0)], 10**6
    )
    assert fixed == pytest.approx(40.0)
    assert per_million == pytest.approx(2000.0)
    assert value == pytest.approx(2040.0)
    assert bench.extrapolate([(10_000, 10.0)], 10**6) is None


# ------------------------------------------------------------------------------ lower bound


@pytest.mark.dbt
def test_lower_bound_query_matches_the_engine(tmp_path: Path) -> None:
    """The hand-written query gives every contact the engine's contact_lead_score, on a
    refresh folder (initial files + increment files, read through the same glob)."""
    generated, initial, raw = tmp_path / "generated", tmp_path / "initial", tmp_path / "raw"
    generate(300, 3, AS_OF, generated, "parquet")
    split = bench.split_events(generated, initial, raw, AS_OF, fraction=0.05)
    assert len(split["increment_files"]) == 3
    project = bench.scratch_project(tmp_path)
    database = tmp_path / "engine.duckdb"
    env = bench.dbt_env(raw, database)
    common = ["--project-dir", str(project), "--profiles-dir", str(project)]
    as_of = ["--vars", json.dumps({"as_of": AS_OF.isoformat()})]
    dbt = bench.dbt_executable()
    for command in (
        [dbt, "seed", *common, *as_of, "--quiet"],
        [dbt, "run", *common, *as_of, "--quiet", "--select", "+lead_scores"],
    ):
        done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    scores = tmp_path / "lower_bound.parquet"
    timing = bench.lower_bound_scores(raw, AS_OF, out=scores)
    check = bench.compare_scores(database, scores)
    with duckdb.connect(str(database), read_only=True) as con:
        contacts = con.execute("select count(*) from stg_crm__contacts").fetchone()[0]
        scored = con.execute(
            "select count(*) from lead_scores where score_id = 'contact_lead_score'"
            " and score > 0 and engagement_score > 0 and fit_score > 0"
        ).fetchone()[0]
    assert timing["rows"] == contacts == check["contacts"] > 250
    assert scored > 50  # the comparison is not between zeros
    assert check["matched"] == check["exact"] == check["contacts"]
    assert check["max_difference"] == 0
    # the lower bound reads the split files as the one generated file of each table
    whole = tmp_path / "lower_bound_generated.parquet"
    bench.lower_bound_scores(generated, AS_OF, out=whole)
    assert {r[0]: r for r in _rows(whole)} == {r[0]: r for r in _rows(scores)}
