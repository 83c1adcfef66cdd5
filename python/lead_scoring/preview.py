"""Preview a candidate rule set against the published one, on the same data, before publishing.

    python -m lead_scoring.preview --candidate my-rules/ --raw data/demo

``my-rules/`` holds candidate versions of any of the scoring seed files (``score_rules.csv``,
``score_bands.csv``, ...); the others are taken from the published set (``seeds/scoring``).
The candidate is validated first (exit 2 with the validator's messages when it is invalid).
Then the rule engine is built four times in scratch copies of the dbt project, each into its
own DuckDB file: published and candidate rules, each as of ``--as-of`` and as of the cutoff
``as-of - horizon``. Both sides are recomputed on the same raw data; the published warehouse
and seeds are never written.

The report (printed as markdown, written to ``--out``/preview.md and preview.json) has, per
score: the distribution now (records, mean/median/p90, counts by label and tier), the tier
migration matrix, conversion at the cutoff by tier and label with the AUC of each side (the
definition of :mod:`lead_scoring.evaluate`; contact scores only) and a one-line verdict.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from lead_scoring import dbt_runner
from lead_scoring.evaluate import STAGE_ORDER, evaluate
from lead_scoring.scoring import ScoringConfig, load_config, load_vocabulary, validate_config
from lead_scoring.scoring.operators import normalize

DEFAULT_PUBLISHED_SEEDS = dbt_runner.REPO / "seeds" / "scoring"
SIDES = ("published", "candidate")
NOT_SCORED = "(not in audience)"
NO_VALUE = "(none)"
#: Scores closer than this are the same score (the engine's sums are floating point).
TOLERANCE = 1e-6


class PreviewError(Exception):
    """A problem with the inputs (invalid candidate, unknown score...): exit code 2."""


# ---------------------------------------------------------------------------------------------
# Rule sets


@dataclass(frozen=True)
class RuleSet:
    """A complete rule set: the folder with all its seed files, and its configuration."""

    name: str
    directory: Path
    config: ScoringConfig

    def enabled_ids(self) -> list[str]:
        """The ids of the enabled scores, in file order."""
        return [score.score_id for score in self.config.enabled_scores()]


def custom_properties(raw_dir: Path) -> set[str]:
    """Names of the custom contact properties in the raw data (lower-cased, as staged)."""
    fmt = dbt_runner.raw_format(raw_dir)
    path = Path(raw_dir) / f"contact_custom_properties.{fmt}"
    if not path.exists():
        return set()
    reader = "read_parquet" if fmt == "parquet" else "read_csv_auto"
    try:
        with duckdb.connect() as con:
            rows = con.execute(
                f"select distinct lower(trim(property_name)) from {reader}(?) "
                "where property_name is not null",
                [str(path)],
            ).fetchall()
    except duckdb.Error:
        return set()  # dbt reports unreadable raw files itself
    return {str(name) for (name,) in rows if name}


def load_rule_set(name: str, directory: Path, raw_dir: Path) -> RuleSet:
    """Read and validate a complete rule set; PreviewError with every problem otherwise."""
    try:
        config = load_config(directory)
        event_types, properties = load_vocabulary(
            directory / "event_types.csv", directory / "scoring_properties.csv"
        )
    except (OSError, ValueError, KeyError) as exc:
        raise PreviewError(f"{name} rule set is invalid: {exc}") from exc
    properties |= {("contact", prop) for prop in custom_properties(raw_dir)}
    errors = validate_config(config, event_types, properties)
    if errors:
        listed = "\n".join(f"  - {error}" for error in errors)
        raise PreviewError(f"{name} rule set is invalid ({len(errors)} problem(s)):\n{listed}")
    return RuleSet(name, directory, config)


def merge_candidate(candidate_dir: Path, published_dir: Path, target: Path) -> list[str]:
    """Write the complete candidate rule set to ``target``: the published seed files, replaced
    by those present in ``candidate_dir``. Returns the candidate files that differ from the
    published ones."""
    if not candidate_dir.is_dir():
        raise PreviewError(f"candidate folder {candidate_dir} does not exist")
    unknown = sorted(
        path.name
        for path in candidate_dir.glob("*.csv")
        if path.name not in dbt_runner.SCORING_SEED_FILES
    )
    if unknown:
        raise PreviewError(
            f"unknown file(s) in {candidate_dir}: {', '.join(unknown)} "
            f"(expected any of {', '.join(dbt_runner.SCORING_SEED_FILES)})"
        )
    given = [name for name in dbt_runner.SCORING_SEED_FILES if (candidate_dir / name).is_file()]
    if not given:
        raise PreviewError(
            f"no scoring seed files in {candidate_dir} "
            f"(expected any of {', '.join(dbt_runner.SCORING_SEED_FILES)})"
        )
    target.mkdir(parents=True, exist_ok=True)
    for name in dbt_runner.SCORING_SEED_FILES:
        source = candidate_dir / name if name in given else published_dir / name
        if not source.is_file():
            raise PreviewError(f"{name} is missing from the published set {published_dir}")
        shutil.copyfile(source, target / name)
    return [
        name
        for name in given
        if (candidate_dir / name).read_bytes() != (published_dir / name).read_bytes()
    ]


def _cell(value: object) -> str:
    if value is None:
        return "blank"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def config_changes(published: ScoringConfig, candidate: ScoringConfig, score_id: str) -> list[str]:
    """What the candidate changes in a score's configuration, one line per row changed."""
    lines: list[str] = []

    def compare(
        rows: tuple[Sequence[Any], Sequence[Any]],
        key: Callable[[Any], Hashable],
        label: Callable[[Any], str],
        key_fields: Iterable[str],
    ) -> None:
        before = {key(row): row for row in rows[0]}
        after = {key(row): row for row in rows[1]}
        for row_key in [*before, *(k for k in after if k not in before)]:
            old, new = before.get(row_key), after.get(row_key)
            if old is None:
                lines.append(f"{label(new)}: added")
            elif new is None:
                lines.append(f"{label(old)}: removed")
            else:
                changed = [
                    f"{f.name} {_cell(getattr(old, f.name))} -> {_cell(getattr(new, f.name))}"
                    for f in fields(old)
                    if f.name not in key_fields and getattr(old, f.name) != getattr(new, f.name)
                ]
                if changed:
                    lines.append(f"{label(new)}: {', '.join(changed)}")

    def pair(getter: Callable[[ScoringConfig], Sequence[Any]]) -> tuple[Any, Any]:
        return getter(published), getter(candidate)

    compare(
        pair(lambda c: [s for s in c.scores if s.score_id == score_id]),
        lambda s: s.score_id,
        lambda s: "score",
        ("score_id",),
    )
    compare(
        pair(lambda c: c.groups_of(score_id)),
        lambda g: g.group_id,
        lambda g: f"group '{g.group_id}'",
        ("score_id", "group_id"),
    )
    compare(
        pair(lambda c: c.rules_of(score_id)),
        lambda r: r.rule_id,
        lambda r: f"rule '{r.rule_id}'",
        ("score_id", "rule_id"),
    )
    compare(
        pair(lambda c: [v for v in c.rule_values if v.score_id == score_id]),
        lambda v: (v.rule_id, normalize(v.value)),
        lambda v: f"value '{v.value}' of rule '{v.rule_id}'",
        ("score_id", "rule_id", "value"),
    )
    compare(
        pair(lambda c: c.audiences_of(score_id)),
        lambda a: a.list_id,
        lambda a: f"list '{a.list_id}'",
        ("score_id", "list_id"),
    )
    compare(
        pair(lambda c: c.bands_of(score_id)),
        lambda b: (b.band_type, b.band_name),
        lambda b: f"{b.band_type} band '{b.band_name}'",
        ("score_id", "band_type", "band_name"),
    )
    return lines


def band_order(sets: Sequence[ScoringConfig], score_id: str, band_type: str) -> list[str]:
    """Band names of both sets, highest band first (the candidate's thresholds win)."""
    starts: dict[str, float] = {}
    for config in sets:
        for band in config.bands_of(score_id, band_type):
            starts[band.band_name] = band.min_score
    return sorted(starts, key=lambda name: -starts[name])


# ---------------------------------------------------------------------------------------------
# Builds


def invalid_config_message(log: str) -> str | None:
    """The engine's own configuration errors in a failed dbt build's output, if any."""
    lines = log.splitlines()
    for start, line in enumerate(lines):
        if "Invalid scoring configuration" in line:
            found = [line.strip()]
            for following in lines[start + 1 :]:
                if not following.strip().startswith("- "):
                    break
                found.append("  " + following.strip())
            return "\n".join(found)
    return None


def run_builds(
    rule_sets: dict[str, RuleSet],
    moments: dict[str, datetime],
    raw_dir: Path,
    work: Path,
    jobs: int,
    log: Callable[[str], None],
) -> dict[str, Path]:
    """Build every rule set at every moment; the databases by ``<side>_<moment>``.

    One scratch project per moment (``as_of``), in which the rule sets are built one after
    the other: dbt parses the project once per moment (the second rule set only changes seed
    files, which partial parsing picks up), which is a good part of its work on small data.
    The moments are built ``jobs`` at a time.
    """
    databases = {
        f"{side}_{moment}": work / f"{side}_{moment}.duckdb"
        for side in rule_sets
        for moment in moments
    }

    def chain(moment: str) -> None:
        project = dbt_runner.scratch_project(work / moment)
        # The same database path for every build of the project (the profile is part of what
        # partial parsing checks), moved to its own name after each build.
        scratch_db = work / moment / "scores.duckdb"
        for side, rule_set in rule_sets.items():
            started = time.perf_counter()
            dbt_runner.use_scoring_seeds(project, rule_set.directory)
            try:
                dbt_runner.build_scores(
                    project,
                    raw_dir=raw_dir,
                    database=scratch_db,
                    as_of=moments[moment],
                    name=moment,
                )
            except dbt_runner.DbtFailed as exc:
                problems = invalid_config_message(str(exc))
                if problems:  # e.g. an inclusion list missing from the raw data
                    raise PreviewError(f"{side} rule set is invalid (dbt):\n{problems}") from exc
                raise dbt_runner.DbtFailed(
                    f"{side} rules as of {_moment(moments[moment])}: {exc}"
                ) from exc
            scratch_db.replace(databases[f"{side}_{moment}"])
            wal = scratch_db.with_name(scratch_db.name + ".wal")
            if wal.exists():
                wal.replace(databases[f"{side}_{moment}"].with_name(f"{side}_{moment}.duckdb.wal"))
            log(f"  built the {side} rules as of {_moment(moments[moment])} "
                f"in {time.perf_counter() - started:.0f} s")  # fmt: skip

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for future in [pool.submit(chain, moment) for moment in moments]:
            future.result()
    return databases


# ---------------------------------------------------------------------------------------------
# Comparison of one score


@dataclass
class Distribution:
    """The scores of one side now."""

    records: int
    mean: float | None
    median: float | None
    p90: float | None
    by_label: dict[str, int]
    by_tier: dict[str, int]


@dataclass
class Conversion:
    """Conversion at the cutoff of one side (evaluate.py's definition)."""

    records: int
    converters: int
    auc: float
    by_tier: list[tuple[str, int, int]]
    by_label: list[tuple[str, int, int]]
    by_matrix: list[tuple[str, int, int]]


@dataclass
class ScoreComparison:
    """Everything the report says about one score."""

    score_id: str
    score_name: str
    object_type: str
    config_changes: list[str]
    tiers: list[str]
    labels: list[str]
    distribution: dict[str, Distribution]
    migration: dict[tuple[str, str], int]
    records_compared: int
    tier_changes: int
    label_changes: int
    score_changes: int
    conversion: dict[str, Conversion] | None = None
    verdict: str = ""
    migration_rows: list[str] = field(default_factory=list)
    migration_columns: list[str] = field(default_factory=list)


def distribution(con: duckdb.DuckDBPyConnection, side: str, score_id: str) -> Distribution:
    """Records in the audience, mean/median/p90 and counts by label and tier of one side."""
    table = f"{side}.lead_scores"
    records, mean, median, p90 = con.execute(
        f"""
        select count(*), avg(s), median(s), quantile_cont(s, 0.9)
        from (select round(score, 6) as s from {table} where score_id = ? and is_in_audience)
        """,
        [score_id],
    ).fetchone() or (0, None, None, None)

    def counts(column: str) -> dict[str, int]:
        rows = con.execute(
            f"""
            select coalesce({column}, '{NO_VALUE}'), count(*) from {table}
            where score_id = ? and is_in_audience group by 1 order by min(score) desc
            """,
            [score_id],
        ).fetchall()
        return {str(value): int(n) for value, n in rows}

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(float(value), 4)

    return Distribution(
        int(records),
        rounded(mean),
        rounded(median),
        rounded(p90),
        counts("score_label"),
        counts("tier"),
    )


def migration(
    con: duckdb.DuckDBPyConnection, score_id: str
) -> tuple[dict[tuple[str, str], int], int, int, int, int]:
    """(published tier, candidate tier) -> records over the records in either audience; and
    the records compared and those whose tier, label and score change."""
    base = f"""
        with published as (
            select * from published.lead_scores where score_id = $score_id and is_in_audience
        ), candidate as (
            select * from candidate.lead_scores where score_id = $score_id and is_in_audience
        ), pairs as (
            select
                published.record_id is not null as p_in,
                candidate.record_id is not null as c_in,
                coalesce(published.tier, '{NO_VALUE}') as p_tier,
                coalesce(candidate.tier, '{NO_VALUE}') as c_tier,
                coalesce(published.score_label, '{NO_VALUE}') as p_label,
                coalesce(candidate.score_label, '{NO_VALUE}') as c_label,
                published.score as p_score,
                candidate.score as c_score
            from published
            full join candidate on published.record_id = candidate.record_id
        )
    """
    rows = con.execute(
        base
        + f"""
        select
            case when p_in then p_tier else '{NOT_SCORED}' end,
            case when c_in then c_tier else '{NOT_SCORED}' end,
            count(*)
        from pairs group by 1, 2
        """,
        {"score_id": score_id},
    ).fetchall()
    compared, tiers, labels, scores = con.execute(
        base
        + f"""
        select
            count(*),
            count(*) filter (where p_in <> c_in or p_tier <> c_tier),
            count(*) filter (where p_in <> c_in or p_label <> c_label),
            count(*) filter (
                where p_in <> c_in
                or abs(coalesce(p_score, 0) - coalesce(c_score, 0)) > {TOLERANCE}
                or (p_score is null) <> (c_score is null)
            )
        from pairs
        """,
        {"score_id": score_id},
    ).fetchone() or (0, 0, 0, 0)
    return (
        {(str(p), str(c)): int(n) for p, c, n in rows},
        int(compared),
        int(tiers),
        int(labels),
        int(scores),
    )


def conversion(
    scores_db: Path, stages_db: Path, score_id: str, cutoff: datetime, horizon: int, target: str
) -> Conversion:
    """Conversion of one side at the cutoff, by evaluate.py's definition and code."""
    breakdowns, auc, records, converters = evaluate(
        scores_db, stages_db, score_id, cutoff, horizon, target
    )
    by = {breakdown.dimension: breakdown.rows for breakdown in breakdowns}
    return Conversion(
        records, converters, auc, by["tier"], by["label"], by.get("matrix", [])
    )  # fmt: skip


def _rate(rows: Sequence[tuple[str, int, int]], value: str) -> tuple[float | None, int]:
    for name, records, converted in rows:
        if name == value:
            return (converted / records if records else None), records
    return None, 0


def _percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate:.1%}"


def verdict(comparison: ScoreComparison) -> str:
    """One line: is the candidate better at finding converters, and how much moves."""
    c = comparison
    moved = f"{c.tier_changes:,} of {c.records_compared:,} records change tier"
    if c.score_changes == 0 and c.tier_changes == 0 and c.label_changes == 0:
        return "no change: every record keeps its score, label and tier"
    parts = []
    if c.conversion is not None:
        pub, cand = c.conversion["published"], c.conversion["candidate"]
        parts.append(
            f"candidate AUC {cand.auc:.3f} vs published {pub.auc:.3f} ({cand.auc - pub.auc:+.3f})"
        )
        if c.tiers:
            top = c.tiers[0]
            cand_rate, cand_n = _rate(cand.by_tier, top)
            pub_rate, pub_n = _rate(pub.by_tier, top)
            parts.append(
                f"{top} converts {_percent(cand_rate)} vs {_percent(pub_rate)} "
                f"({cand_n:,} vs {pub_n:,} contacts)"
            )
    else:
        pub_d, cand_d = c.distribution["published"], c.distribution["candidate"]
        if pub_d.mean is not None and cand_d.mean is not None:
            parts.append(f"mean score {cand_d.mean:.1f} vs {pub_d.mean:.1f}")
    parts.append(moved)
    return "; ".join(parts)


def compare_score(
    score_id: str,
    rule_sets: dict[str, RuleSet],
    databases: dict[str, Path],
    cutoff: datetime,
    horizon: int,
    target: str,
) -> ScoreComparison:
    """The full comparison of one score present in both sets."""
    published, candidate = rule_sets["published"].config, rule_sets["candidate"].config
    score = candidate.score(score_id)
    object_types = {published.score(score_id).object_type, score.object_type}
    result_conversion = None
    if object_types == {"contact"}:
        result_conversion = {
            side: conversion(
                databases[f"{side}_cutoff"],
                databases["published_now"],
                score_id,
                cutoff,
                horizon,
                target,
            )
            for side in SIDES
        }
    with duckdb.connect() as con:
        for side in SIDES:
            con.execute(f"attach '{databases[side + '_now']}' as {side} (read_only)")
        dists = {side: distribution(con, side, score_id) for side in SIDES}
        cells, compared, tier_changes, label_changes, score_changes = migration(con, score_id)
    configs = (published, candidate)
    tiers = band_order(configs, score_id, "tier")
    labels = band_order(configs, score_id, "total")

    def axis(known: list[str], present: Iterable[str]) -> list[str]:
        extra = sorted({v for v in present if v not in known and v != NOT_SCORED})
        tail = [NOT_SCORED] if NOT_SCORED in set(present) else []
        return [*known, *extra, *tail]

    comparison = ScoreComparison(
        score_id=score_id,
        score_name=score.score_name,
        object_type=score.object_type,
        config_changes=config_changes(published, candidate, score_id),
        tiers=tiers,
        labels=labels,
        distribution=dists,
        migration=cells,
        records_compared=compared,
        tier_changes=tier_changes,
        label_changes=label_changes,
        score_changes=score_changes,
        conversion=result_conversion,
        migration_rows=axis(tiers, [p for p, _ in cells]),
        migration_columns=axis(tiers, [c for _, c in cells]),
    )
    comparison.verdict = verdict(comparison)
    return comparison


# ---------------------------------------------------------------------------------------------
# Report


@dataclass
class Preview:
    """The whole preview."""

    candidate: str
    published: str
    raw: str
    as_of: datetime
    cutoff: datetime
    horizon_days: int
    target_stage: str
    changed_files: list[str]
    added: list[str]
    removed: list[str]
    scores: list[ScoreComparison]
    seconds: float = 0.0


def _moment(value: datetime) -> str:
    if value.time() == datetime.min.time():
        return value.date().isoformat()
    return value.isoformat(sep=" ")


def _number(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def _delta(before: float | None, after: float | None, digits: int = 1) -> str:
    if before is None or after is None:
        return ""
    return f"{after - before:+,.{digits}f}"


def _share(count: int, total: int) -> str:
    return f"{count / total:.1%}" if total else "n/a"


def _counts_table(title: str, order: list[str], dists: dict[str, Distribution], key: str) -> str:
    pub: dict[str, int] = getattr(dists["published"], key)
    cand: dict[str, int] = getattr(dists["candidate"], key)
    values = [*order, *sorted(v for v in {*pub, *cand} if v not in order)]
    totals = dists["published"].records, dists["candidate"].records
    lines = [
        f"| {title} | published | share | candidate | share | change |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for value in values:
        before, after = pub.get(value, 0), cand.get(value, 0)
        lines.append(
            f"| {value} | {before:,} | {_share(before, totals[0])} | {after:,} | "
            f"{_share(after, totals[1])} | {after - before:+,} |"
        )
    return "\n".join(lines)


def _conversion_table(title: str, order: list[str], sides: dict[str, Conversion]) -> str:
    rows = {side: getattr(sides[side], f"by_{title}") for side in SIDES}
    present = {name for side in SIDES for name, _, _ in rows[side]}
    values = [v for v in order if v in present]
    values += [v for side in SIDES for v, _, _ in rows[side] if v not in values]
    values = list(dict.fromkeys(values))
    lines = [
        f"| {title} | published contacts | converted | rate | candidate contacts | converted "
        "| rate |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for value in values:
        cells = []
        for side in SIDES:
            found = next((row for row in rows[side] if row[0] == value), (value, 0, 0))
            _, records, converted = found
            cells += [f"{records:,}", f"{converted:,}", _share(converted, records)]
        lines.append(f"| {value} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_score(c: ScoreComparison, preview: Preview) -> str:
    """The markdown section of one score."""
    pub, cand = c.distribution["published"], c.distribution["candidate"]
    out = [f"## {c.score_id} ({c.score_name}, {c.object_type} score)", ""]
    out += [f"**Verdict:** {c.verdict}", ""]
    if c.config_changes:
        out += ["Changes in the candidate:", ""]
        out += [f"- {line}" for line in c.config_changes]
    else:
        out += ["No change to this score's own rows (seed files shared by all scores may differ)."]
    out += ["", f"### Distribution as of {_moment(preview.as_of)}", ""]
    out += [
        "| | published | candidate | change |",
        "|---|---:|---:|---:|",
        f"| records in audience | {pub.records:,} | {cand.records:,} | "
        f"{cand.records - pub.records:+,} |",
    ]
    for label, attribute in (("mean score", "mean"), ("median score", "median"), ("p90", "p90")):
        before, after = getattr(pub, attribute), getattr(cand, attribute)
        out.append(f"| {label} | {_number(before)} | {_number(after)} | {_delta(before, after)} |")
    out += ["", _counts_table("label", c.labels, c.distribution, "by_label")]
    out += ["", _counts_table("tier", c.tiers, c.distribution, "by_tier")]
    out += ["", "### Tier migration (rows: published tier, columns: candidate tier)", ""]
    header = ["published \\ candidate", *c.migration_columns, "total"]
    out += ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    for row in c.migration_rows:
        counts = [c.migration.get((row, column), 0) for column in c.migration_columns]
        out.append(f"| {row} | " + " | ".join(f"{n:,}" for n in counts) + f" | {sum(counts):,} |")
    totals = [
        sum(c.migration.get((row, column), 0) for row in c.migration_rows)
        for column in c.migration_columns
    ]
    out.append("| total | " + " | ".join(f"{n:,}" for n in totals) + f" | {sum(totals):,} |")
    out += [
        "",
        f"{c.tier_changes:,} of {c.records_compared:,} records change tier, "
        f"{c.label_changes:,} change label, {c.score_changes:,} change score.",
    ]
    if c.conversion is not None:
        p, k = c.conversion["published"], c.conversion["candidate"]
        out += [
            "",
            f"### Conversion after the cutoff {_moment(preview.cutoff)}",
            "",
            f"Contacts in the audience and not yet {preview.target_stage} at the cutoff, "
            f"converted = reached {preview.target_stage} or a later stage within "
            f"{preview.horizon_days} days. Published: {p.records:,} contacts, "
            f"{p.converters:,} converted ({_share(p.converters, p.records)}); candidate: "
            f"{k.records:,} contacts, {k.converters:,} converted "
            f"({_share(k.converters, k.records)}).",
            "",
            "| | published | candidate | change |",
            "|---|---:|---:|---:|",
            f"| AUC | {p.auc:.3f} | {k.auc:.3f} | {k.auc - p.auc:+.3f} |",
            "",
            _conversion_table("tier", c.tiers, c.conversion),
            "",
            _conversion_table("label", c.labels, c.conversion),
        ]
    elif c.object_type != "contact":
        out += ["", "No conversion check: conversion is measured on contact scores only."]
    return "\n".join(out)


def render(preview: Preview) -> str:
    """The whole report as markdown."""
    changed = ", ".join(preview.changed_files) or "none (identical to the published files)"
    out = [
        "# Rule-set preview",
        "",
        f"Candidate `{preview.candidate}` against the published rules `{preview.published}`, "
        f"both computed on the raw data `{preview.raw}` as of {_moment(preview.as_of)}; "
        f"conversion from the cutoff {_moment(preview.cutoff)} over {preview.horizon_days} "
        f"days (target stage: {preview.target_stage}). Nothing was published.",
        "",
        f"Candidate files that differ from the published ones: {changed}.",
        "",
    ]
    if preview.added:
        out.append(f"Scores only in the candidate (added): {', '.join(preview.added)}.")
    if preview.removed:
        out.append(f"Scores only in the published set (removed): {', '.join(preview.removed)}.")
    if preview.added or preview.removed:
        out.append("")
    out += ["| score | verdict |", "|---|---|"]
    out += [f"| {c.score_id} | {c.verdict} |" for c in preview.scores]
    for comparison in preview.scores:
        out += ["", render_score(comparison, preview)]
    return "\n".join(out) + "\n"


def _rows_json(rows: Sequence[tuple[str, int, int]]) -> list[dict[str, Any]]:
    return [
        {
            "value": value,
            "records": records,
            "converted": converted,
            "rate": converted / records if records else None,
        }
        for value, records, converted in rows
    ]


def to_json(preview: Preview) -> dict[str, Any]:
    """The report as JSON-ready data."""
    scores = {}
    for c in preview.scores:
        scores[c.score_id] = {
            "score_name": c.score_name,
            "object_type": c.object_type,
            "verdict": c.verdict,
            "config_changes": c.config_changes,
            "distribution": {
                side: {
                    "records": d.records,
                    "mean": d.mean,
                    "median": d.median,
                    "p90": d.p90,
                    "by_label": d.by_label,
                    "by_tier": d.by_tier,
                }
                for side, d in c.distribution.items()
            },
            "tier_migration": [
                {"published": p, "candidate": k, "records": n}
                for (p, k), n in sorted(c.migration.items())
            ],
            "records_compared": c.records_compared,
            "tier_changes": c.tier_changes,
            "label_changes": c.label_changes,
            "score_changes": c.score_changes,
            "conversion": None
            if c.conversion is None
            else {
                side: {
                    "records": v.records,
                    "converted": v.converters,
                    "auc": v.auc,
                    "by_tier": _rows_json(v.by_tier),
                    "by_label": _rows_json(v.by_label),
                    "by_matrix": _rows_json(v.by_matrix),
                }
                for side, v in c.conversion.items()
            },
        }
    return {
        "candidate": preview.candidate,
        "published": preview.published,
        "raw": preview.raw,
        "as_of": preview.as_of.isoformat(),
        "cutoff": preview.cutoff.isoformat(),
        "horizon_days": preview.horizon_days,
        "target_stage": preview.target_stage,
        "changed_files": preview.changed_files,
        "added_scores": preview.added,
        "removed_scores": preview.removed,
        "scores": scores,
        "seconds": round(preview.seconds, 1),
    }


# ---------------------------------------------------------------------------------------------
# Command line


def parse_as_of(text: str | None, raw_dir: Path) -> datetime:
    """``now``, a date or an ISO datetime (UTC); None = the raw data's manifest date, else now."""
    if text is None:
        manifest = raw_dir / "_manifest.json"
        if manifest.exists():
            stated = json.loads(manifest.read_text()).get("as_of")
            if stated:
                text = str(stated)
    if text is None or text == "now":
        return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise PreviewError(f"--as-of: expected a date, a datetime or now (got {text!r})") from exc
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def build_parser() -> argparse.ArgumentParser:
    """Argument parser of the preview."""
    parser = argparse.ArgumentParser(
        prog="python -m lead_scoring.preview",
        description="Preview a candidate rule set against the published one on the same data.",
    )
    parser.add_argument(
        "--candidate", type=Path, required=True, help="folder with candidate seed CSV files"
    )
    parser.add_argument("--raw", type=Path, default=Path("data/demo"), help="raw data folder")
    parser.add_argument(
        "--as-of", help="scoring date: YYYY-MM-DD, a datetime or now (default: the raw "
        "data's _manifest.json as_of, else now)"
    )  # fmt: skip
    parser.add_argument("--horizon-days", type=int, default=90)
    parser.add_argument("--target-stage", default="sql", choices=sorted(STAGE_ORDER))
    parser.add_argument("--score-id", help="only this score (default: every score both have)")
    parser.add_argument("--out", type=Path, default=Path("build/preview"))
    parser.add_argument("--published-seeds", type=Path, default=DEFAULT_PUBLISHED_SEEDS)
    parser.add_argument(
        "--jobs",
        type=int,
        default=2,
        choices=(1, 2),
        help="dates built at the same time (2: the current date and the cutoff in parallel)",
    )
    parser.add_argument(
        "--keep-builds",
        action="store_true",
        help="keep the four DuckDB files (and scratch projects) in OUT/builds",
    )
    return parser


def clear_builds(work: Path, moments: Iterable[str]) -> None:
    """Create ``work``, removing the builds of an earlier preview in it; PreviewError when it
    holds anything else (``--keep-builds`` never deletes files it did not write)."""
    ours = set()
    for moment in moments:
        ours.add(moment)  # the scratch project of the moment
        for side in SIDES:
            ours |= {f"{side}_{moment}.duckdb", f"{side}_{moment}.duckdb.wal"}
    if work.exists():
        others = sorted(path.name for path in work.iterdir() if path.name not in ours)
        if others:
            raise PreviewError(
                f"{work} holds files the preview did not write ({', '.join(others[:5])}); "
                "choose another --out"
            )
        for path in work.iterdir():
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
    work.mkdir(parents=True, exist_ok=True)


def run(args: argparse.Namespace, log: Callable[[str], None]) -> Preview:
    """Validate, build and compare; the preview (PreviewError / DbtFailed on failure)."""
    started = time.perf_counter()
    raw_dir = args.raw.resolve()
    if not raw_dir.is_dir():
        raise PreviewError(f"raw data folder {args.raw} does not exist")
    if args.horizon_days < 1:
        raise PreviewError("--horizon-days must be at least 1")
    published_dir = args.published_seeds.resolve()
    as_of = parse_as_of(args.as_of, raw_dir)
    cutoff = as_of - timedelta(days=args.horizon_days)
    out = args.out.resolve()
    with tempfile.TemporaryDirectory(prefix="lead-scoring-preview-") as tmp:
        merged = Path(tmp) / "candidate-seeds"
        changed = merge_candidate(args.candidate.resolve(), published_dir, merged)
        rule_sets = {
            "published": load_rule_set("published", published_dir, raw_dir),
            "candidate": load_rule_set("candidate", merged, raw_dir),
        }
        published_ids = rule_sets["published"].enabled_ids()
        candidate_ids = rule_sets["candidate"].enabled_ids()
        both = [score_id for score_id in published_ids if score_id in candidate_ids]
        if args.score_id is not None:
            if args.score_id not in both:
                raise PreviewError(
                    f"--score-id {args.score_id}: not an enabled score of both rule sets "
                    f"(both have: {', '.join(both) or 'none'})"
                )
            both = [args.score_id]
        moments = {"now": as_of, "cutoff": cutoff}
        work = out / "builds" if args.keep_builds else Path(tmp) / "builds"
        clear_builds(work, moments)
        log(f"Building published and candidate rules as of {_moment(as_of)} and "
            f"{_moment(cutoff)} (4 dbt builds, "
            f"{'the two dates in parallel' if args.jobs > 1 else 'one at a time'})...")  # fmt: skip
        databases = run_builds(rule_sets, moments, raw_dir, work, args.jobs, log)
        comparisons = [
            compare_score(
                score_id, rule_sets, databases, cutoff, args.horizon_days, args.target_stage
            )
            for score_id in both
        ]
    return Preview(
        candidate=_shown(args.candidate),
        published=_shown(args.published_seeds),
        raw=_shown(args.raw),
        as_of=as_of,
        cutoff=cutoff,
        horizon_days=args.horizon_days,
        target_stage=args.target_stage,
        changed_files=changed,
        added=[score_id for score_id in candidate_ids if score_id not in published_ids],
        removed=[score_id for score_id in published_ids if score_id not in candidate_ids],
        scores=comparisons,
        seconds=time.perf_counter() - started,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: 0 done, 2 invalid input (nothing built), 1 dbt failed."""
    args = build_parser().parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        preview = run(args, log)
    except PreviewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except dbt_runner.DbtFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    text = render(preview)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "preview.md").write_text(text, encoding="utf-8")
    (out / "preview.json").write_text(json.dumps(to_json(preview), indent=2) + "\n")
    print(text)
    log(f"Preview written to {out / 'preview.md'} and {out / 'preview.json'} "
        f"in {preview.seconds:.0f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
