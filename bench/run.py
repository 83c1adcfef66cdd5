"""Benchmark of the warehouse at several demo sizes (a script, not a timed test).

    .venv/bin/python bench/run.py --sizes 10000,100000 --work /tmp/bench [--seed 42]
        [--as-of 2026-06-30] [--skip-predictive | --compare-predictive] [--out bench/results.md]

For each size: generate the demo raw data, hold back the newest 1% of the events, time a full
build (``dbt seed`` + ``dbt build``) on a new DuckDB file, a 1% refresh (the same commands on the
same file, incremental, after the held-back events arrived as new ``<table>_increment.parquet``
files next to the unchanged ones) and a no-change refresh (the same once more, no new data),
run-only and test-only times (``dbt run`` / ``dbt test`` on another new file), the peak memory
of every dbt process tree, and one hand-written DuckDB query (``bench/lower_bound.sql``)
computing the same ``contact_lead_score`` as a lower bound, checked against the build's
``lead_scores``. ``--memory-limit`` caps DuckDB through ``LEAD_SCORING_MEMORY_LIMIT`` (read by
profiles.yml; its default otherwise). Writes a markdown report (``--out``) and
``<work>/results.json``. What is measured and how: ``bench/README.md``.

Everything is written under ``--work``: the raw data, a scratch copy of the dbt project, the
warehouses, dbt's target/ and logs/. The repository is only read.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import math
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from lead_scoring.demo.schema import TABLES

REPO = Path(__file__).resolve().parents[1]
LOWER_BOUND_SQL = Path(__file__).resolve().with_name("lower_bound.sql")
#: What the scratch copy of the dbt project holds (tests/ without the Python tests).
PROJECT_ITEMS = (
    "dbt_project.yml",
    "profiles.yml",
    "models",
    "macros",
    "seeds",
    "analyses",
    "tests",
)
#: --skip-predictive: the predictive dbt Python models and everything downstream of them
#: (their marts, and the monitoring models, which union the predictive scores).
PREDICTIVE_SELECTOR = "path:models/intermediate/predictive+"
#: A raw event table is one with this timestamp column (lead_scoring.demo.schema.TABLES).
EVENT_TIME_COLUMN = "occurred_at"
#: Staging rejects event times later than as_of + this (var future_timestamp_tolerance_hours).
FUTURE_TOLERANCE_HOURS = 24
#: The held-back events of a table arrive in the refresh as ``<table><suffix>.parquet``.
INCREMENT_SUFFIX = "_increment"
#: profiles.yml sets DuckDB's memory_limit from this variable (its default otherwise).
MEMORY_LIMIT_ENV = "LEAD_SCORING_MEMORY_LIMIT"
SCORE_ID = "contact_lead_score"
MATCH_TOLERANCE = 0.01
MIB = 1024 * 1024


# ------------------------------------------------------------------------------ helpers


def parse_sizes(text: str) -> list[int]:
    """'10k,100000,1M' -> [10000, 100000, 1000000]."""
    sizes = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        if not part:
            continue
        factor = {"k": 1_000, "m": 1_000_000}.get(part[-1], 1)
        number = part[:-1] if factor > 1 else part
        value = int(float(number) * factor)
        if value < 1:
            raise argparse.ArgumentTypeError(f"size must be at least 1: {part!r}")
        sizes.append(value)
    if not sizes:
        raise argparse.ArgumentTypeError("no sizes given")
    return sizes


def sql_text(value: object) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def event_tables() -> dict[str, bool]:
    """Raw tables with an occurred_at column -> whether that column is text (else typed)."""
    out = {}
    for name, schema in TABLES.items():
        if EVENT_TIME_COLUMN in schema.names:
            out[name] = pa.types.is_string(schema.field(EVENT_TIME_COLUMN).type)
    return out


def _utc_timestamp(expr: str) -> str:
    """The staging models' text -> naive UTC timestamp (offsets honoured; TimeZone=UTC)."""
    return (
        f"cast(try_cast(nullif(trim({expr}), '') as timestamptz) at time zone 'UTC' as timestamp)"
    )


def connect(memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection in UTC, as the dbt profile sets it."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    if memory_limit:
        con.execute(f"set memory_limit = {sql_text(memory_limit)}")
    return con


# ------------------------------------------------------------------------------ 1% split


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link ``source`` to ``target`` (a copy across file systems)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def increment_name(table: str) -> str:
    """The file of a refresh that holds the held-back rows of ``table``."""
    return f"{table}{INCREMENT_SUFFIX}.parquet"


def split_events(
    source: Path,
    initial: Path,
    refresh: Path,
    as_of: date,
    *,
    fraction: float = 0.01,
    tolerance_hours: int = FUTURE_TOLERANCE_HOURS,
) -> dict[str, Any]:
    """Write ``initial`` (``source`` without its newest ``fraction`` of events) and ``refresh``
    (the files of ``initial``, hard-linked, plus one new file per event table with the rows
    held back: ``<table>_increment.parquet``).

    Event tables (:func:`event_tables`) lose the ``round(fraction * all their rows)`` rows with
    the latest timestamps, ranked over all event tables together (ties: table name, then row
    number, latest first). Rows whose timestamp is missing, unparseable or later than as_of plus
    the staging tolerance are never held back: staging rejects them in both builds (they are
    dirt, not new events). Other tables are hard-linked (copied across file systems). The rows
    of ``initial`` and of an increment file keep their order in ``source``. So ``refresh`` is
    what a landing folder holds after the next delivery: the old files untouched, the new
    events in new files (models incremental by file parse only those). Returns row counts.
    """
    source, initial, refresh = Path(source), Path(initial), Path(refresh)
    for folder in (initial, refresh):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    tables = event_tables()
    limit = f"timestamp {sql_text(as_of.isoformat())} + interval {int(tolerance_hours)} hour"
    con = connect()
    parts, rows = [], {}
    for name, is_text in tables.items():
        path = sql_text(source / f"{name}.parquet")
        ts = _utc_timestamp(EVENT_TIME_COLUMN) if is_text else EVENT_TIME_COLUMN
        rows[name] = con.execute(f"select count(*) from read_parquet({path})").fetchone()[0]
        parts.append(
            f"select {sql_text(name)} as table_name, file_row_number as row_number, ts"
            f" from (select file_row_number, {ts} as ts"
            f" from read_parquet({path}, file_row_number = true))"
            f" where ts <= {limit}"
        )
    events = sum(rows.values())
    held = round(fraction * events)
    con.execute(
        "create temp table held_back as select * from ("
        + " union all ".join(parts)
        + f") order by ts desc, table_name desc, row_number desc limit {held}"
    )
    held_rows = dict(
        con.execute("select table_name, count(*) from held_back group by 1").fetchall()
    )
    first_held, last_held = con.execute("select min(ts), max(ts) from held_back").fetchone()

    def copy_rows(src: Path, dst: Path, name: str, held: bool) -> None:
        """The rows of ``src`` that are (``held``) or are not held back, to ``dst``."""
        con.execute(
            f"copy (select * exclude (file_row_number)"
            f" from read_parquet({sql_text(src)}, file_row_number = true)"
            f" where file_row_number {'in' if held else 'not in'} (select row_number"
            f" from held_back where table_name = {sql_text(name)})"
            f" order by file_row_number) to {sql_text(dst)} (format parquet, compression zstd)"
        )

    increments = {}
    for name in TABLES:
        src, dst = source / f"{name}.parquet", initial / f"{name}.parquet"
        if name in tables:
            copy_rows(src, dst, name, held=False)
        else:
            link_or_copy(src, dst)
        link_or_copy(dst, refresh / dst.name)
        if held_rows.get(name):
            increments[name] = increment_name(name)
            copy_rows(src, refresh / increments[name], name, held=True)
    con.close()
    counts = {}
    for name in TABLES:
        generated = rows.get(name, _parquet_rows(source / f"{name}.parquet"))
        held_back = held_rows.get(name, 0)
        counts[name] = {
            "initial": generated - held_back,
            "held_back": held_back,
            "refresh": generated,
        }
    result = {
        "fraction": fraction,
        "event_tables": list(tables),
        "events_initial": events - held,
        "events_refresh": events,
        "held_back": held,
        "held_back_from": str(first_held) if first_held is not None else None,
        "held_back_to": str(last_held) if last_held is not None else None,
        "raw_rows_initial": sum(v["initial"] for v in counts.values()),
        "raw_rows_refresh": sum(v["refresh"] for v in counts.values()),
        "increment_files": increments,
        "tables": counts,
    }
    (initial / "_split.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def sync_raw(source: Path, landing: Path) -> dict[str, list[str]]:
    """Make ``landing`` hold the raw files of ``source`` (``*.parquet``), hard-linked.

    A file already there as the same file (inode; or the same bytes, when files are copied
    across file systems) is left alone, so its path, modification time and content do not
    change: a model incremental by file sees the same file. Missing files are linked, other
    files replaced, files not in ``source`` removed. dbt reads the landing folder, never
    ``source``: the models incremental by file key rows by the file's path, so the full build
    and the refresh must read the same folder. Returns the names added, replaced, removed and
    kept.
    """
    source, landing = Path(source), Path(landing)
    landing.mkdir(parents=True, exist_ok=True)
    wanted = {path.name: path for path in source.glob("*.parquet")}
    changes: dict[str, list[str]] = {"added": [], "replaced": [], "removed": [], "kept": []}
    for path in sorted(landing.glob("*.parquet")):
        if path.name not in wanted:
            path.unlink()
            changes["removed"].append(path.name)
    for name, src in sorted(wanted.items()):
        dst = landing / name
        if dst.exists() and (os.path.samefile(src, dst) or filecmp.cmp(src, dst, shallow=False)):
            changes["kept"].append(name)
            continue
        changes["replaced" if dst.exists() else "added"].append(name)
        if dst.exists():
            dst.unlink()
        link_or_copy(src, dst)
    return changes


def _parquet_rows(path: Path) -> int:
    return pq.ParquetFile(path).metadata.num_rows


# ------------------------------------------------------------------------------ memory


def _proc_children() -> dict[int, list[int]]:
    """Parent pid -> child pids, from /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def tree_memory(pid: int) -> tuple[int, int]:
    """(resident memory now summed over ``pid`` and its descendants, the largest high-water
    mark of one of them), in bytes, from /proc/<pid>/status (VmRSS, VmHWM)."""
    children = _proc_children()
    total, largest, todo = 0, 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, ()))
        try:
            with open(f"/proc/{current}/status", "rb") as handle:
                status = handle.read()
        except OSError:
            continue
        for line in status.split(b"\n"):
            if line.startswith(b"VmRSS:"):
                total += int(line.split()[1]) * 1024
            elif line.startswith(b"VmHWM:"):
                largest = max(largest, int(line.split()[1]) * 1024)
    return total, largest


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of ``pid`` and all its descendants, now."""
    return tree_memory(pid)[0]


@dataclass
class Measured:
    """One measured command: wall seconds and peak memory of its process tree."""

    command: list[str]
    returncode: int
    seconds: float
    peak_tree_mib: float  # highest sum of RSS over the process tree, polled every `interval` s
    max_process_mib: float  # highest high-water mark (VmHWM) of one process of the tree
    samples: int
    log: str = ""
    peak_time: float | None = None  # time.time() of the highest tree sample
    cpu_seconds: float = 0.0  # user + system CPU time of the tree (waited-for processes)
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (s from start, MiB)

    @property
    def peak_mib(self) -> float:
        """The better of the two lower bounds of the true peak of the tree: the polled sum
        may miss a short spike between samples, the high-water mark of one process misses
        the others."""
        return max(self.peak_tree_mib, self.max_process_mib)


def run_measured(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    log: Path | None = None,
    interval: float = 0.2,
) -> Measured:
    """Run ``command``: wall time and peak memory of its process tree, polled from /proc.

    (Not getrusage: on Linux a child's ru_maxrss also counts the memory of the parent it was
    forked from, here this script, which has read Parquet files with DuckDB.)
    """
    handle = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(command),
            env=dict(env) if env else None,
            cwd=cwd,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        peak, largest, samples, peak_time = 0, 0, 0, None
        seconds_max: dict[int, int] = {}  # highest sample per whole second since the start
        stop = threading.Event()

        def poll() -> None:
            nonlocal peak, largest, samples, peak_time
            while not stop.is_set():
                rss, hwm = tree_memory(proc.pid)
                if proc.poll() is not None:  # exited: /proc shows a zombie with no memory
                    break
                largest = max(largest, hwm)
                if rss > peak:
                    peak, peak_time = rss, time.time()
                second = int(time.perf_counter() - started)
                seconds_max[second] = max(seconds_max.get(second, 0), rss)
                samples += 1
                stop.wait(interval)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        proc.wait()
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        stop.set()
        poller.join()
    finally:
        if log:
            handle.close()
    return Measured(
        command=[str(c) for c in command],
        returncode=proc.returncode,
        seconds=seconds,
        peak_tree_mib=peak / MIB,
        max_process_mib=largest / MIB,
        samples=samples,
        log=str(log) if log else "",
        peak_time=peak_time,
        cpu_seconds=(after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        timeline=[(second, rss / MIB) for second, rss in sorted(seconds_max.items())],
    )


# ------------------------------------------------------------------------------ lower bound


def lower_bound_scores(
    raw: Path,
    as_of: date,
    *,
    seeds: Path = REPO / "seeds",
    repeats: int = 1,
    out: Path | None = None,
    memory_limit: str | None = None,
) -> dict[str, Any]:
    """Run bench/lower_bound.sql on ``raw`` ``repeats`` times; seconds, rows, scores file."""
    con = connect(memory_limit)
    con.execute(f"set variable raw_dir = {sql_text(Path(raw).resolve())}")
    con.execute(f"set variable seeds_dir = {sql_text(Path(seeds).resolve())}")
    con.execute(f"set variable as_of = {_utc_timestamp(sql_text(as_of.isoformat()))}")
    sql = LOWER_BOUND_SQL.read_text()
    seconds, cpu, table = [], [], None
    for _ in range(max(1, repeats)):
        started, cpu_started = time.perf_counter(), time.process_time()
        table = con.sql(sql).to_arrow_table()
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    if out is not None:
        pq.write_table(table, out)
    con.close()
    return {
        "seconds": seconds,
        "median_seconds": statistics.median(seconds),
        "cpu_seconds": cpu,
        "median_cpu_seconds": statistics.median(cpu),
        "rows": table.num_rows,
    }


def compare_scores(database: Path, lower_bound: Path) -> dict[str, Any]:
    """Match the lower bound's scores with the build's lead_scores of contact_lead_score."""
    con = connect()
    con.execute(f"attach {sql_text(database)} as warehouse (read_only)")
    tol = MATCH_TOLERANCE

    def same(column: str) -> str:
        return (
            f"coalesce(abs(lb.{column} - engine.{column}) <= {tol},"
            f" lb.{column} is null and engine.{column} is null)"
        )

    row = con.execute(
        f"""
        with engine as (
            select record_id as contact_id, is_in_audience, score, fit_score, engagement_score
            from warehouse.lead_scores
            where score_id = {sql_text(SCORE_ID)}
        ),
        lb as (select * from read_parquet({sql_text(lower_bound)})),
        joined as (
            select
                lb.contact_id is not null and engine.contact_id is not null as both_sides,
                lb.contact_id is null as missing_in_lower_bound,
                engine.contact_id is null as missing_in_engine,
                {same("score")} and {same("fit_score")} and {same("engagement_score")}
                    and lb.is_in_audience = engine.is_in_audience as matches,
                greatest(
                    abs(lb.score - engine.score), abs(lb.fit_score - engine.fit_score),
                    abs(lb.engagement_score - engine.engagement_score)
                ) as difference,
                coalesce(lb.score = engine.score, lb.score is null and engine.score is null)
                    and coalesce(lb.fit_score = engine.fit_score,
                        lb.fit_score is null and engine.fit_score is null)
                    and coalesce(lb.engagement_score = engine.engagement_score,
                        lb.engagement_score is null and engine.engagement_score is null)
                    as exact
            from lb
            full join engine on lb.contact_id = engine.contact_id
        )
        select
            count(*),
            count(*) filter (where both_sides and matches),
            count(*) filter (where both_sides and exact and matches),
            count(*) filter (where missing_in_lower_bound),
            count(*) filter (where missing_in_engine),
            coalesce(max(difference), 0)
        from joined
        """
    ).fetchone()
    con.close()
    contacts, matched, exact, missing_lb, missing_engine, max_diff = row
    return {
        "contacts": contacts,
        "matched": matched,
        "exact": exact,
        "missing_in_lower_bound": missing_lb,
        "missing_in_engine": missing_engine,
        "max_difference": float(max_diff),
        "match_rate": matched / contacts if contacts else 0.0,
    }


def checked(database: Path, lower_bound: Path) -> dict[str, Any]:
    """:func:`compare_scores`, or the error when there is nothing to compare (failed build)."""
    try:
        return compare_scores(database, lower_bound)
    except duckdb.Error as error:
        return {"error": str(error).splitlines()[0], "contacts": 0, "matched": 0}


# ------------------------------------------------------------------------------ dbt


def dbt_executable() -> str:
    """The dbt next to this interpreter (the project's venv), else the one on PATH."""
    local = Path(sys.executable).with_name("dbt")
    if local.exists():
        return str(local)
    found = shutil.which("dbt")
    if not found:
        sys.exit("dbt not found: run this script with the project's .venv/bin/python")
    return found


def scratch_project(root: Path) -> Path:
    """A copy of the dbt project (no build outputs, no Python tests) under ``root``."""
    project = Path(root) / "project"
    if project.exists():
        shutil.rmtree(project)
    ignore = shutil.ignore_patterns("__pycache__", "python")
    for item in PROJECT_ITEMS:
        source, target = REPO / item, project / item
        if source.is_dir():
            shutil.copytree(source, target, ignore=ignore)
        elif source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    if profile_memory_limit(project / "profiles.yml") is None:
        sys.exit(f"profiles.yml does not read {MEMORY_LIMIT_ENV}: --memory-limit would do nothing")
    return project


def profile_memory_limit(profiles: Path = REPO / "profiles.yml") -> str | None:
    """The default of ``memory_limit`` in the dbt profile (``env_var(MEMORY_LIMIT_ENV, ...)``),
    or None when the profile does not read that variable."""
    found = re.search(
        rf"env_var\(\s*['\"]{MEMORY_LIMIT_ENV}['\"]\s*,\s*['\"]([^'\"]+)['\"]\s*\)",
        Path(profiles).read_text(),
    )
    return found.group(1) if found else None


def dbt_env(
    raw: Path,
    database: Path,
    memory_limit: str | None = None,
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a dbt command: raw folder, warehouse file and, with
    ``memory_limit``, DuckDB's memory limit (``MEMORY_LIMIT_ENV``, read by profiles.yml);
    without it the variable is removed, so the profile's default applies."""
    env = dict(os.environ if base is None else base)
    env.update(
        {
            "LEAD_SCORING_RAW_DIR": str(raw),
            "LEAD_SCORING_RAW_FORMAT": "parquet",
            "LEAD_SCORING_DB": str(database),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
    )
    if memory_limit:
        env[MEMORY_LIMIT_ENV] = memory_limit
    else:
        env.pop(MEMORY_LIMIT_ENV, None)
    return env


@dataclass
class Dbt:
    """dbt commands on one warehouse file, in the scratch project, measured."""

    project: Path
    database: Path
    folder: Path
    as_of: date
    exclude: tuple[str, ...] = ()
    memory_limit: str | None = None
    executable: str = field(default_factory=dbt_executable)

    def run(self, command: str, raw: Path, label: str) -> tuple[Measured, dict[str, Any]]:
        """``dbt <command>`` on ``raw``; the measurement and a summary of run_results.json."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / "target"
        argv = [
            self.executable,
            "--no-use-colors",
            command,
            "--project-dir",
            str(self.project),
            "--profiles-dir",
            str(self.project),
            "--target-path",
            str(target),
            "--log-path",
            str(self.folder / "logs"),
            "--vars",
            json.dumps({"as_of": self.as_of.isoformat()}),
        ]
        if self.exclude and command != "seed":
            argv += ["--exclude", *self.exclude]
        env = dbt_env(raw, self.database, self.memory_limit)
        measured = run_measured(argv, env=env, cwd=self.project, log=self.folder / f"{label}.log")
        results = target / "run_results.json"
        summary: dict[str, Any] = {}
        if results.exists():
            kept = self.folder / f"run_results_{label}.json"
            shutil.copy2(results, kept)
            summary = summarize_run_results(kept, at=measured.peak_time)
            results.unlink()
        if measured.returncode != 0:
            tail = Path(measured.log).read_text()[-3000:]
            print(f"  ! dbt {command} exited {measured.returncode}:\n{tail}", file=sys.stderr)
        return measured, summary


def _node_interval(result: Mapping[str, Any]) -> tuple[float, float] | None:
    """(start, end) of a run_results node's execution, as epoch seconds."""
    for timing in result.get("timing", []):
        if timing.get("name") == "execute" and timing.get("started_at"):
            return (
                datetime.fromisoformat(timing["started_at"]).timestamp(),
                datetime.fromisoformat(timing["completed_at"]).timestamp(),
            )
    return None


def summarize_run_results(path: Path, top: int = 10, at: float | None = None) -> dict[str, Any]:
    """Statuses, seconds per resource type, the slowest models and tests and the cached tables
    kept (``REUSED``) of a run_results.json; with ``at`` (epoch seconds), the nodes executing
    then (the memory peak)."""
    results = json.loads(Path(path).read_text())["results"]
    running = []
    if at is not None:
        for result in results:
            interval = _node_interval(result)
            if interval and interval[0] <= at <= interval[1]:
                running.append(result["unique_id"].split(".")[2])
    statuses: dict[str, int] = {}
    by_type: dict[str, float] = {}
    models, tests, reused = [], [], []
    for result in results:
        kind = result["unique_id"].split(".")[0]
        if (result.get("adapter_response") or {}).get("code") == "REUSED":
            reused.append(result["unique_id"].split(".")[2])
        statuses[result["status"]] = statuses.get(result["status"], 0) + 1
        by_type[kind] = by_type.get(kind, 0.0) + result["execution_time"]
        if kind in ("model", "test"):
            name = result["unique_id"].split(".")[2]
            (models if kind == "model" else tests).append((result["execution_time"], name))
    models.sort(reverse=True)
    tests.sort(reverse=True)
    return {
        "nodes": len(results),
        "statuses": statuses,
        "seconds_by_type": by_type,
        "top_models": [{"model": name, "seconds": seconds} for seconds, name in models[:top]],
        "top_tests": [{"test": name, "seconds": seconds} for seconds, name in tests[:5]],
        "reused_models": sorted(reused),
        "running_at_peak": running,
    }


# ------------------------------------------------------------------------------ one size


def generate(contacts: int, seed: int, as_of: date, out: Path) -> Measured:
    """The demo generator, measured; reuses ``out`` when its manifest matches."""
    manifest = out / "_manifest.json"
    if manifest.exists():
        found = json.loads(manifest.read_text())
        if (found["contacts_requested"], found["seed"], found["as_of"]) == (
            contacts,
            seed,
            as_of.isoformat(),
        ):
            return Measured([], 0, 0.0, 0.0, 0.0, 0, "reused")
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    argv = [
        sys.executable,
        "-m",
        "lead_scoring.demo",
        "--contacts",
        str(contacts),
        "--seed",
        str(seed),
        "--as-of",
        as_of.isoformat(),
        "--out",
        str(out),
    ]
    measured = run_measured(argv, log=out.parent / "generate.log")
    if measured.returncode != 0:
        sys.exit(f"demo generation failed, see {measured.log}")
    return measured


def measured_split(
    source: Path, initial: Path, refresh: Path, as_of: date, fraction: float
) -> dict[str, Any]:
    """:func:`split_events` in a child process (the memory DuckDB takes is given back)."""
    argv = [
        sys.executable,
        str(Path(__file__).resolve()),
        "split",
        "--source",
        str(source),
        "--initial",
        str(initial),
        "--refresh",
        str(refresh),
        "--as-of",
        as_of.isoformat(),
        "--fraction",
        str(fraction),
    ]
    measured = run_measured(argv, log=initial.parent / "split.log")
    if measured.returncode != 0:
        sys.exit(f"the 1% split failed, see {measured.log}")
    return {**json.loads((initial / "_split.json").read_text()), "seconds": measured.seconds}


def measured_lower_bound(
    raw: Path, as_of: date, out: Path, repeats: int, memory_limit: str | None
) -> dict[str, Any]:
    """The lower-bound query in a child process (so that its peak memory is measured)."""
    report = out.with_suffix(".json")
    argv = [
        sys.executable,
        str(Path(__file__).resolve()),
        "lower-bound",
        "--raw",
        str(raw),
        "--as-of",
        as_of.isoformat(),
        "--repeats",
        str(repeats),
        "--scores",
        str(out),
        "--report",
        str(report),
    ]
    if memory_limit:
        argv += ["--memory-limit", memory_limit]
    measured = run_measured(argv, log=out.with_suffix(".log"))
    if measured.returncode != 0:
        sys.exit(f"lower-bound query failed, see {measured.log}")
    return {
        **json.loads(report.read_text()),
        "peak_mib": measured.peak_mib,
        "max_process_mib": measured.max_process_mib,
    }


def phase(measured: Measured, summary: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A measured dbt command as a JSON-ready dict."""
    return {
        "seconds": measured.seconds,
        "cpu_seconds": measured.cpu_seconds,
        "peak_mib": measured.peak_mib,
        "peak_tree_mib": measured.peak_tree_mib,
        "max_process_mib": measured.max_process_mib,
        "returncode": measured.returncode,
        "run_results": dict(summary or {}),
        "memory_timeline": measured.timeline,
    }


def combine(*phases: Mapping[str, Any]) -> dict[str, Any]:
    """Phases run one after the other: seconds add up, the peak is the largest."""
    return {
        "seconds": sum(p["seconds"] for p in phases),
        "cpu_seconds": sum(p.get("cpu_seconds", math.nan) for p in phases),
        "peak_mib": max(p["peak_mib"] for p in phases),
        "ok": all(p["returncode"] == 0 for p in phases),
    }


def dbt_phase(dbt: Dbt, raw: Path, label: str, commands: Sequence[str]) -> dict[str, Any]:
    """dbt ``commands`` one after the other on ``raw``: each measured, and their sum."""
    out: dict[str, Any] = {}
    for command in commands:
        measured, summary = dbt.run(command, raw, f"{label}_{command}")
        out[command] = phase(measured, summary)
    out.update(combine(*(out[command] for command in commands)))
    return out


def warehouse_mib(folder: Path) -> float:
    """Size of the warehouse file (and its WAL) in ``folder``."""
    return sum(p.stat().st_size for p in folder.glob("warehouse.duckdb*") if p.is_file()) / MIB


def bench_size(
    contacts: int,
    args: argparse.Namespace,
    project: Path,
    variants: Sequence[str],
    log: Callable[[str], None],
    save: Callable[[dict[str, Any]], None],
) -> None:
    """Every measurement of one size; ``save`` gets one result per variant ('all' /
    'rules only') as soon as it is measured."""
    size_dir = args.work / f"contacts_{contacts}"
    generated_raw = size_dir / "raw_generated"
    refresh_raw, initial_raw = size_dir / "raw_refresh", size_dir / "raw_initial"
    log(f"[{contacts:,} contacts] generating demo data")
    generated = generate(contacts, args.seed, args.as_of, generated_raw)
    log(f"[{contacts:,} contacts] holding back the newest {args.holdback:.0%} of events")
    split = measured_split(generated_raw, initial_raw, refresh_raw, args.as_of, args.holdback)
    log(
        f"  initial: {split['raw_rows_initial']:,} raw rows, {split['events_initial']:,} events;"
        f" held back {split['held_back']:,} ({split['held_back_from']} .. {split['held_back_to']})"
        f" into {', '.join(split['increment_files'].values()) or 'no file'}"
    )
    lower = {}
    for name, raw in (("initial", initial_raw), ("refresh", refresh_raw)):
        repeats = args.lower_bound_repeats if name == "initial" else 1
        lower[name] = measured_lower_bound(
            raw, args.as_of, size_dir / f"lower_bound_{name}.parquet", repeats, args.memory_limit
        )
        log(f"  lower bound ({name}): {lower[name]['median_seconds']:.2f} s")
    for variant in variants:
        folder = size_dir / variant.replace(" ", "_")
        if folder.exists():
            shutil.rmtree(folder)
        exclude = (PREDICTIVE_SELECTOR,) if variant == "rules only" else ()
        dbt = Dbt(
            project, folder / "warehouse.duckdb", folder, args.as_of, exclude, args.memory_limit
        )
        # dbt reads one landing folder: the initial files, then the same files plus the
        # increment files (models incremental by file key their rows by the file's path).
        landing = folder / "raw"
        sync_raw(initial_raw, landing)
        log(f"[{contacts:,} contacts, {variant}] full build: dbt seed + dbt build")
        full = dbt_phase(dbt, landing, "full", ("seed", "build"))
        full["warehouse_mib"] = warehouse_mib(folder)
        log(f"  {full['seconds']:.1f} s, peak {full['peak_mib']:.0f} MiB, ok: {full['ok']}")
        checks = {"initial": checked(dbt.database, size_dir / "lower_bound_initial.parquet")}
        log(f"  lower bound matches {checks['initial'].get('matched', 0):,} contacts")
        refresh = no_change = run_only = None
        if full["ok"] or args.keep_going:
            arrived = sync_raw(refresh_raw, landing)
            if arrived["replaced"] or arrived["removed"]:
                sys.exit(f"the refresh data changes files of the initial data: {arrived}")
            log(
                f"[{contacts:,} contacts, {variant}] 1% refresh (+{split['held_back']:,} events"
                f" in {', '.join(arrived['added']) or 'no new file'})"
            )
            refresh = dbt_phase(dbt, landing, "refresh", ("seed", "build"))
            refresh["new_files"] = arrived["added"]
            refresh["warehouse_mib"] = warehouse_mib(folder)
            log(f"  {refresh['seconds']:.1f} s, peak {refresh['peak_mib']:.0f} MiB")
            checks["refresh"] = checked(dbt.database, size_dir / "lower_bound_refresh.parquet")
            log(f"  lower bound matches {checks['refresh'].get('matched', 0):,} contacts")
            if (refresh["ok"] or args.keep_going) and not args.skip_no_change:
                log(f"[{contacts:,} contacts, {variant}] no-change refresh (no new data)")
                no_change = dbt_phase(dbt, landing, "no_change", ("seed", "build"))
                no_change["warehouse_mib"] = warehouse_mib(folder)
                log(f"  {no_change['seconds']:.1f} s, peak {no_change['peak_mib']:.0f} MiB")
                checks["no_change"] = checked(
                    dbt.database, size_dir / "lower_bound_refresh.parquet"
                )
        if not args.skip_run_only and (full["ok"] or args.keep_going):
            log(f"[{contacts:,} contacts, {variant}] run-only: dbt seed + dbt run, then dbt test")
            other = Dbt(
                project,
                folder / "run_only.duckdb",
                folder / "run_only",
                args.as_of,
                exclude,
                args.memory_limit,
            )
            run_only = dbt_phase(other, initial_raw, "run_only", ("seed", "run", "test"))
            run_only.update(combine(run_only["seed"], run_only["run"]))
            log(f"  run {run_only['seconds']:.1f} s, test {run_only['test']['seconds']:.1f} s")
            for leftover in folder.glob("run_only.duckdb*"):
                leftover.unlink()
        save(
            {
                "contacts": contacts,
                "variant": variant,
                "generate_seconds": generated.seconds,
                "split": split,
                "full": full,
                "refresh": refresh,
                "no_change": no_change,
                "run_only": run_only,
                "lower_bound": lower,
                "check": checks,
            }
        )


# ------------------------------------------------------------------------------ report


def _num(value: float | int | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.{digits}f}"


def summary_row(result: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of one result, as the summary table shows them."""
    split, full, refresh = result["split"], result["full"], result.get("refresh")
    no_change = result.get("no_change")
    lower = result["lower_bound"]["initial"]["median_seconds"]
    check = result["check"]["initial"]
    run_only = result.get("run_only")
    seconds = full["seconds"]
    return {
        "contacts": result["contacts"],
        "models": result["variant"],
        "raw_rows": split["raw_rows_initial"],
        "events": split["events_initial"],
        "full_s": seconds,
        "full_ok": full.get("ok", True),
        "run_only_s": run_only["seconds"] if run_only else None,
        "peak_mib": full["peak_mib"],
        "events_per_s": split["events_initial"] / seconds if seconds else None,
        "refresh_s": refresh["seconds"] if refresh else None,
        "refresh_ratio": refresh["seconds"] / seconds if refresh and seconds else None,
        "no_change_s": no_change["seconds"] if no_change else None,
        "lower_bound_s": lower,
        "lower_bound_ratio": seconds / lower if lower else None,
        "matched": check["matched"],
        "compared": check["contacts"],
    }


SUMMARY_COLUMNS = (
    ("contacts", "contacts"),
    ("models", "models"),
    ("raw rows", "raw_rows"),
    ("events", "events"),
    ("full build s", "full_s"),
    ("run-only s", "run_only_s"),
    ("peak MiB", "peak_mib"),
    ("events/s", "events_per_s"),
    ("refresh s", "refresh_s"),
    ("refresh/full", "refresh_ratio"),
    ("no-change refresh s", "no_change_s"),
    ("lower bound s", "lower_bound_s"),
    ("full/lower bound", "lower_bound_ratio"),
    ("lower-bound match", "match"),
)


def results_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """The summary table (markdown), one line per (size, variant)."""
    lines = [
        "| " + " | ".join(title for title, _ in SUMMARY_COLUMNS) + " |",
        "|" + "|".join("---" if key == "models" else "---:" for _, key in SUMMARY_COLUMNS) + "|",
    ]
    for row in rows:
        compared = row["compared"]
        rate = row["matched"] / compared if compared else float("nan")
        cells = {
            "contacts": _num(row["contacts"]),
            "models": row["models"],
            "raw_rows": _num(row["raw_rows"]),
            "events": _num(row["events"]),
            "full_s": _num(row["full_s"], 1) + ("" if row.get("full_ok", True) else " (failed)"),
            "run_only_s": _num(row["run_only_s"], 1),
            "peak_mib": _num(row["peak_mib"]),
            "events_per_s": _num(row["events_per_s"]),
            "refresh_s": _num(row["refresh_s"], 1),
            "refresh_ratio": _num(row["refresh_ratio"], 2),
            "no_change_s": _num(row.get("no_change_s"), 1),
            "lower_bound_s": _num(row["lower_bound_s"], 2),
            "lower_bound_ratio": _num(row["lower_bound_ratio"], 1),
            "match": f"{rate:.2%} ({row['matched']:,}/{compared:,})" if compared else "n/a",
        }
        lines.append("| " + " | ".join(cells[key] for _, key in SUMMARY_COLUMNS) + " |")
    return "\n".join(lines)


def cpu_table(results: Sequence[Mapping[str, Any]]) -> str:
    """CPU seconds (user + system, all threads and processes): less sensitive than wall time
    to other load on the machine."""
    lines = [
        "| contacts | models | full build CPU s | refresh CPU s | no-change refresh CPU s"
        " | lower bound CPU s | full/lower bound (CPU) |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        full = result["full"].get("cpu_seconds")
        refresh = (result.get("refresh") or {}).get("cpu_seconds")
        no_change = (result.get("no_change") or {}).get("cpu_seconds")
        lower = result["lower_bound"]["initial"].get("median_cpu_seconds")
        ratio = full / lower if full and lower else None
        lines.append(
            f"| {result['contacts']:,} | {result['variant']} | {_num(full, 1)} |"
            f" {_num(refresh, 1)} | {_num(no_change, 1)} | {_num(lower, 2)} | {_num(ratio, 1)} |"
        )
    return "\n".join(lines)


def extrapolate(
    points: Sequence[tuple[int, float]], target: int
) -> tuple[float, float, float] | None:
    """A fixed cost plus a cost per contact, through the two largest sizes.

    Returns (value at ``target``, fixed part, part per 1,000,000 contacts), or None with fewer
    than two sizes. Small runs are dominated by fixed costs (dbt start-up and parsing, ~400
    nodes), so a straight line through two sizes is a fairer guide than a power law.
    """
    points = sorted((x, y) for x, y in points if y is not None)
    if len(points) < 2 or points[-1][0] == points[-2][0]:
        return None
    (x1, y1), (x2, y2) = points[-2], points[-1]
    slope = (y2 - y1) / (x2 - x1)
    fixed = y2 - slope * x2
    return fixed + slope * target, fixed, slope * 1_000_000


def _data_lines(split: Mapping[str, Any]) -> list[str]:
    out = [
        f"Data: {split['raw_rows_initial']:,} raw rows, {split['events_initial']:,} events"
        f" ({', '.join(split['event_tables'])}); the refresh adds the newest"
        f" {split['held_back']:,} events ({split['held_back_from']} .. {split['held_back_to']})"
        " as new files, next to the unchanged initial files.",
        "",
        "| table | initial rows (`<table>.parquet`) | held back (new file of the refresh) |",
        "|---|---:|---:|",
    ]
    increments = split.get("increment_files", {})
    for name, counts in split["tables"].items():
        new_file = f" (`{increments[name]}`)" if name in increments else ""
        out.append(f"| {name} | {counts['initial']:,} | {counts['held_back']:,}{new_file} |")
    return out


#: The phases compared with the full build: result key -> name in the report.
REFRESHES = {"refresh": "1% refresh", "no_change": "no-change refresh"}
#: The lower-bound checks: result["check"] key -> which build was compared.
CHECKS = {
    "initial": "full build, initial data",
    "refresh": "1% refresh, refresh data",
    "no_change": "no-change refresh, refresh data",
}


def _slowest(title: str, run_results: Mapping[str, Any]) -> list[str]:
    out = ["", f"| {title} | s |", "|---|---:|"]
    out += [f"| {m['model']} | {m['seconds']:.1f} |" for m in run_results.get("top_models", [])]
    return out


def details(result: Mapping[str, Any], *, data: bool = True) -> str:
    """Everything measured for one (size, variant), as markdown (``data``: the row counts)."""
    split, full = result["split"], result["full"]
    lower, checks = result["lower_bound"], result["check"]
    refreshes = {key: result[key] for key in REFRESHES if result.get(key)}
    builds = [("full build", full), *((REFRESHES[k], v) for k, v in refreshes.items())]
    out = [f"### {result['contacts']:,} contacts, {result['variant']}", ""]
    if data:
        out += [*_data_lines(split), ""]
    out += [
        "| phase | command | wall s | CPU s | peak MiB | largest process MiB | exit |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]

    def line(name: str, command: str, p: Mapping[str, Any]) -> str:
        return (
            f"| {name} | {command} | {p['seconds']:.1f} | {_num(p.get('cpu_seconds'), 1)} |"
            f" {p['peak_mib']:.0f} | {p['max_process_mib']:.0f} | {p['returncode']} |"
        )

    out.append(line("full build", "dbt seed", full["seed"]))
    out.append(line("full build", "dbt build", full["build"]))
    for key, measured in refreshes.items():
        out.append(line(REFRESHES[key], "dbt seed", measured["seed"]))
        out.append(line(REFRESHES[key], "dbt build", measured["build"]))
    run_only = result.get("run_only")
    if run_only:
        out.append(line("run-only", "dbt seed", run_only["seed"]))
        out.append(line("run-only", "dbt run", run_only["run"]))
        out.append(line("tests only", "dbt test", run_only["test"]))
    for name in ("initial", "refresh"):
        lb = lower[name]
        runs = ", ".join(f"{s:.2f}" for s in lb["seconds"])
        out.append(
            f"| lower bound ({name} data) | bench/lower_bound.sql (runs: {runs} s; median) |"
            f" {lb['median_seconds']:.2f} | {_num(lb.get('median_cpu_seconds'), 2)} |"
            f" {lb['peak_mib']:.0f} |"
            f" {_num(lb.get('max_process_mib'))} | 0 |"
        )
    if refreshes:
        out += [
            "",
            "| seed + build | wall s | CPU s | peak MiB | wall / full build | CPU / full build |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, measured in builds:
            wall, cpu = measured["seconds"], measured.get("cpu_seconds")
            full_cpu = full.get("cpu_seconds")
            out.append(
                f"| {name} | {wall:.1f} | {_num(cpu, 1)} | {measured['peak_mib']:.0f} |"
                f" {_num(wall / full['seconds'] if full['seconds'] else None, 2)} |"
                f" {_num(cpu / full_cpu if cpu and full_cpu else None, 2)} |"
            )
    out.append("")
    for name, measured in builds:
        statuses = measured["build"]["run_results"].get("statuses", {})
        out.append(f"- dbt build statuses ({name}): {statuses}.")
    if refreshes.get("refresh", {}).get("new_files"):
        out.append(
            f"- New files of the 1% refresh: {', '.join(refreshes['refresh']['new_files'])}."
        )
    running = full["build"]["run_results"].get("running_at_peak")
    if running:
        out.append(
            f"- The full build's memory peaked ({full['build']['peak_mib']:,.0f} MiB) while"
            f" these were running: {', '.join(running)}."
        )
    for name, measured in builds:
        if "warehouse_mib" in measured:
            out.append(f"- Warehouse file after the {name}: {measured['warehouse_mib']:,.0f} MiB.")
    for key, check in checks.items():
        name = CHECKS.get(key, f"{key} data")
        if "error" in check:
            out.append(f"- Lower bound vs `lead_scores` ({name}): not compared, {check['error']}")
            continue
        out.append(
            f"- Lower bound vs `lead_scores` ({name}): {check['matched']:,} of"
            f" {check['contacts']:,} contacts match within {MATCH_TOLERANCE} on score, fit and"
            f" engagement and audience ({check['exact']:,} exactly); max difference"
            f" {check['max_difference']:.6g}; missing in the lower bound"
            f" {check['missing_in_lower_bound']:,}, missing in the build"
            f" {check['missing_in_engine']:,}."
        )
    by_type = full["build"]["run_results"].get("seconds_by_type", {})
    if by_type:
        summed = ", ".join(f"{kind} {seconds:.1f} s" for kind, seconds in sorted(by_type.items()))
        out += [
            "",
            f"Where the full `dbt build` goes (run_results.json execution_time, summed over"
            f" nodes; 2 threads run at once, so the sum exceeds the wall time): {summed}.",
        ]
        out += _slowest("slowest models", full["build"]["run_results"])
        slow_tests = full["build"]["run_results"].get("top_tests", [])
        if slow_tests:
            out += ["", "| slowest data tests | s |", "|---|---:|"]
            for test in slow_tests:
                out.append(f"| {test['test']} | {test['seconds']:.1f} |")
    refresh_rr = refreshes.get("refresh", {}).get("build", {}).get("run_results", {})
    if refresh_rr.get("top_models"):
        summed = ", ".join(
            f"{kind} {seconds:.1f} s"
            for kind, seconds in sorted(refresh_rr.get("seconds_by_type", {}).items())
        )
        out += ["", f"Where the 1% refresh's `dbt build` goes (as above): {summed}."]
        reused = refresh_rr.get("reused_models", [])
        if reused:
            out += [
                "",
                f"Cached tables the 1% refresh kept (nothing they read changed): {len(reused)},"
                f" {', '.join(reused)}.",
            ]
        out += _slowest("slowest models, 1% refresh", refresh_rr)
    return "\n".join(out) + "\n"


def report(results: Sequence[Mapping[str, Any]], facts: Mapping[str, Any], command: str) -> str:
    """The whole markdown report."""
    rows = [summary_row(r) for r in results]
    out = [
        "# Benchmark results",
        "",
        f"Command: `{command}`",
        "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in facts.items()),
        "",
        results_table(rows),
        "",
        "full build = `dbt seed` + `dbt build` (models and tests) on a new DuckDB file;"
        " run-only = `dbt seed` + `dbt run` on another new file; refresh = the same two commands"
        " as the full build, on the same file (incremental, no --full-refresh), after the"
        " held-back 1% of events arrived as new files next to the unchanged ones; no-change"
        " refresh = the same two commands once more, with no new data;"
        " events/s = events of the full build's data / full build s; peak MiB = the largest"
        " resident memory of the dbt process tree during the full build; lower bound = median"
        " time of bench/lower_bound.sql on the same data; match = contacts whose lower-bound"
        " contact_lead_score (total, fit, engagement, audience) is within 0.01 of `lead_scores`.",
        "",
        "CPU time (user + system, all threads and processes; less sensitive than wall time to"
        " other load on the machine):",
        "",
        cpu_table(results),
        "",
    ]
    for variant in dict.fromkeys(r["models"] for r in rows):
        series = [r for r in rows if r["models"] == variant]
        if len({r["contacts"] for r in series}) < 2 or max(r["contacts"] for r in series) >= 10**6:
            continue
        out.append(
            f"Extrapolation to 1,000,000 contacts ({variant}; not measured): a fixed part plus a"
            " part proportional to contacts, through the two largest sizes measured:"
        )
        for label, key, digits in (
            ("full build s", "full_s", 0),
            ("refresh s", "refresh_s", 0),
            ("no-change refresh s", "no_change_s", 0),
            ("run-only s", "run_only_s", 0),
            ("peak MiB", "peak_mib", 0),
            ("lower bound s", "lower_bound_s", 1),
            ("events", "events", 0),
        ):
            fit = extrapolate([(r["contacts"], r[key]) for r in series], 10**6)
            if fit:
                out.append(
                    f"- {label}: ~{fit[0]:,.{digits}f} ({fit[1]:,.{digits}f} fixed +"
                    f" {fit[2]:,.{digits}f} per million contacts)"
                )
        out.append("")
    out += [
        "Peak memory is what the processes held. DuckDB keeps what its memory_limit allows"
        " (see Machine) and spills to disk beyond it, so its part is not what it needs (compare"
        " a run with another `--memory-limit`). The limit does not cover dbt's own Python"
        " objects, nor the pandas frames of the predictive Python models (variant 'all'), so the"
        " peak of the process tree can exceed it. See bench/README.md.",
        "",
    ]
    out += ["## Details", ""]
    seen: set[int] = set()
    for result in results:
        out.append(details(result, data=result["contacts"] not in seen))
        seen.add(result["contacts"])
    return "\n".join(out)


def machine_facts(memory_limit: str | None) -> dict[str, Any]:
    """Cores, memory, versions and load of the machine the benchmark runs on."""
    from importlib.metadata import version

    memory = "?"
    cpu = platform.processor() or "?"
    try:
        meminfo = Path("/proc/meminfo").read_text().split("\n")
        kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
        cpuinfo = Path("/proc/cpuinfo").read_text().split("\n")
        cpu = next(line for line in cpuinfo if line.startswith("model name")).split(":", 1)[1]
    except (OSError, StopIteration, ValueError):
        pass
    return {
        "cores": len(os.sched_getaffinity(0)),
        "cpu": cpu.strip(),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "dbt-core": version("dbt-core"),
        "dbt-duckdb": version("dbt-duckdb"),
        "dbt threads": 2,
        "DuckDB memory_limit": (
            f"{memory_limit} (--memory-limit, via {MEMORY_LIMIT_ENV})"
            if memory_limit
            else f"{profile_memory_limit() or '?'} (profile default)"
        ),
        "lower-bound memory_limit": memory_limit or "DuckDB default (80% of RAM)",
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# ------------------------------------------------------------------------------ CLI


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=[10_000, 100_000],
        help="contacts per run, e.g. 10k,100k,1M (10000,100000)",
    )
    parser.add_argument("--work", type=Path, required=True, help="work folder (data, warehouses)")
    parser.add_argument("--seed", type=int, default=42, help="demo seed (42)")
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=date(2026, 6, 30),
        help="data end and scoring date, YYYY-MM-DD (2026-06-30)",
    )
    variants = parser.add_mutually_exclusive_group()
    variants.add_argument(
        "--skip-predictive",
        action="store_true",
        help=f"exclude the predictive dbt Python models ({PREDICTIVE_SELECTOR})",
    )
    variants.add_argument(
        "--compare-predictive",
        action="store_true",
        help="run every size both with and without the predictive models",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO / "bench" / "results.md",
        help="markdown report (bench/results.md)",
    )
    parser.add_argument(
        "--holdback",
        type=float,
        default=0.01,
        help="fraction of events held back for the refresh (0.01)",
    )
    parser.add_argument(
        "--skip-run-only",
        action="store_true",
        help="do not measure dbt run / dbt test separately (saves a build)",
    )
    parser.add_argument(
        "--skip-no-change",
        action="store_true",
        help="do not measure the no-change refresh (saves a refresh)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the results already in <work>/results.json (same settings) and measure"
        " only the missing sizes and variants",
    )
    parser.add_argument(
        "--keep-going",
        action="store_true",
        help="run the refresh and run-only builds even when the full build failed",
    )
    parser.add_argument(
        "--lower-bound-repeats",
        type=int,
        default=3,
        help="runs of the lower-bound query; the median is reported (3)",
    )
    parser.add_argument(
        "--memory-limit",
        default=None,
        help=f"DuckDB memory_limit for dbt (as {MEMORY_LIMIT_ENV}) and the lower bound, e.g."
        " 6GB (default: the profile's default for dbt, DuckDB's own, 80%% of RAM, for the lower"
        " bound)",
    )
    return parser


def lower_bound_main(argv: Sequence[str]) -> int:
    """``bench/run.py lower-bound``: run the query (in a child process of the benchmark)."""
    parser = argparse.ArgumentParser(prog="bench/run.py lower-bound")
    parser.add_argument("--raw", type=Path, required=True)
    parser.add_argument("--as-of", type=date.fromisoformat, required=True)
    parser.add_argument("--seeds", type=Path, default=REPO / "seeds")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--scores", type=Path, help="write the scores here (Parquet)")
    parser.add_argument("--report", type=Path, help="write the timings here (JSON)")
    parser.add_argument("--memory-limit", default=None)
    args = parser.parse_args(argv)
    result = lower_bound_scores(
        args.raw,
        args.as_of,
        seeds=args.seeds,
        repeats=args.repeats,
        out=args.scores,
        memory_limit=args.memory_limit,
    )
    text = json.dumps(result, indent=2)
    if args.report:
        args.report.write_text(text + "\n")
    print(text)
    return 0


def split_main(argv: Sequence[str]) -> int:
    """``bench/run.py split``: write the initial and refresh data (in a child process of the
    benchmark)."""
    parser = argparse.ArgumentParser(prog="bench/run.py split")
    parser.add_argument("--source", type=Path, required=True, help="generated data")
    parser.add_argument("--initial", type=Path, required=True, help="initial data, written")
    parser.add_argument(
        "--refresh", type=Path, required=True, help="initial + increment files, written"
    )
    parser.add_argument("--as-of", type=date.fromisoformat, required=True)
    parser.add_argument("--fraction", type=float, default=0.01)
    args = parser.parse_args(argv)
    result = split_events(
        args.source, args.initial, args.refresh, args.as_of, fraction=args.fraction
    )
    print(json.dumps({k: v for k, v in result.items() if k != "tables"}, indent=2))
    return 0


def report_main(argv: Sequence[str]) -> int:
    """``bench/run.py report --work DIR [--out FILE]``: the report again from results.json."""
    parser = argparse.ArgumentParser(prog="bench/run.py report")
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.md")
    args = parser.parse_args(argv)
    saved = json.loads((args.work / "results.json").read_text())
    args.out.write_text(report(saved["results"], saved["machine"], saved["command"]))
    print(results_table([summary_row(r) for r in saved["results"]]))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["lower-bound"]:
        return lower_bound_main(argv[1:])
    if argv[:1] == ["report"]:
        return report_main(argv[1:])
    if argv[:1] == ["split"]:
        return split_main(argv[1:])
    args = build_parser().parse_args(argv)
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.skip_predictive:
        variants = ["rules only"]
    elif args.compare_predictive:
        variants = ["all", "rules only"]
    else:
        variants = ["all"]
    command = "python bench/run.py " + " ".join(argv)
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"{time.perf_counter() - started:7.0f}s {message}", flush=True)

    facts = machine_facts(args.memory_limit)
    settings = {
        key: str(getattr(args, key))
        for key in ("seed", "as_of", "holdback", "skip_run_only", "skip_no_change", "memory_limit")
    }
    saved_path = args.work / "results.json"
    results: list[dict[str, Any]] = []
    if args.resume and saved_path.exists():
        saved = json.loads(saved_path.read_text())
        if saved.get("settings") != settings:
            sys.exit(f"--resume: {saved_path} was measured with other settings")
        results = [r for r in saved["results"] if r["contacts"] in args.sizes]
        facts = {**saved["machine"], "resumed at": datetime.now().isoformat(timespec="seconds")}
        log(f"resuming: {len(results)} results kept from {saved_path}")

    def save(result: dict[str, Any]) -> None:
        results.append(result)
        results.sort(key=lambda r: (r["contacts"], r["variant"]))
        facts["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report(results, facts, command))
        document = {"command": command, "settings": settings, "machine": facts, "results": results}
        saved_path.write_text(json.dumps(document, indent=2, default=str) + "\n")

    log(f"copying the dbt project to {args.work / 'project'}")
    project = scratch_project(args.work)
    for contacts in args.sizes:
        done = {r["variant"] for r in results if r["contacts"] == contacts}
        todo = [v for v in variants if v not in done]
        if todo:
            bench_size(contacts, args, project, todo, log, save)
    print()
    print(results_table([summary_row(r) for r in results]))
    print(f"\nReport: {args.out}; all figures: {args.work / 'results.json'}")
    log("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
