"""The score-quality generic tests of tests/generic, run by dbt on generated fixture rows.

A standalone dbt project in ``tmp_path`` gets copies of the four test files and three seeds of
deterministic rows, one ``scenario`` per situation: clearly good bands, scores and
probabilities, and inverted bands, a random score, a score without lift, an overconfident
probability, too few rows, an empty selection, a group_by where only one group is bad. Each
test is applied to one scenario (a ``where`` config) and must pass or fail; one ``dbt build``
runs them all with ``store_failures``, then run_results.json gives each test's status and
failure count and the stored failure rows give the messages. The AUC, top-decile lift and
calibration error are also computed here in Python, and thresholds just above and just below
them must fail and pass: the SQL computes exactly the documented statistic.
"""

from __future__ import annotations

import csv
import functools
import json
import math
import os
import random
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).with_name("dbt")
TEST_FILES = (
    "test_conversion_decreases_across_bands.sql",
    "test_auc_at_least.sql",
    "test_top_decile_lift_at_least.sql",
    "test_calibration_error_at_most.sql",
)
TIERS = ("Hot", "Warm", "Cool", "Cold")
AUDIT_SCHEMA = "main_dbt_test__audit"

pytestmark = pytest.mark.dbt

Row = dict[str, Any]
Scored = list[tuple[float | None, bool]]  # (score or probability, converted)


# ---------------------------------------------------------------------------------------------
# Fixture rows


def band_rows(
    scenario: str, counts: dict[str | None, tuple[int, int]], segment: str = "-"
) -> list[Row]:
    """``counts``: tier -> (records, converters); tier_number is the tier's 1-based rank."""
    rows = []
    for tier, (records, converters) in counts.items():
        number = TIERS.index(tier) + 1 if tier in TIERS else None
        for index in range(records):
            rows.append(
                {
                    "scenario": scenario,
                    "segment": segment,
                    "tier": tier,
                    "tier_number": number,
                    "converted": index < converters,
                }
            )
    return rows


def tiers(hot: int, warm: int, cool: int, cold: int, records: int = 200) -> dict:
    """Four tiers of ``records`` rows with the given numbers of converters."""
    return {
        "Hot": (records, hot),
        "Warm": (records, warm),
        "Cool": (records, cool),
        "Cold": (records, cold),
    }


def signal_scores(seed: int, records: int = 2000, rate: float = 0.1) -> Scored:
    """Integer scores 0-100 (many ties), converters scoring 1 sd higher: AUC ~0.8."""
    rng = random.Random(seed)
    rows: Scored = []
    for index in range(records):
        converted = index < records * rate
        score = round(rng.gauss(60 if converted else 45, 15))
        rows.append((max(0, min(100, score)), converted))
    return rows


def noise_scores(records: int = 2000) -> Scored:
    """Every score value converts at exactly 10%: AUC exactly 0.5, lift exactly 1."""
    return [(index % 100, (index // 100) % 10 == 0) for index in range(records)]


def tied_scores() -> Scored:
    """1000 rows, the top 10% boundary inside a tie: 50 at 100, 200 at 90, 750 at 10."""
    rows = [(100, i < 25) for i in range(50)] + [(90, i < 40) for i in range(200)]
    rows += [(10, i < 35) for i in range(750)]
    random.Random(3).shuffle(rows)
    return rows


def distinct_scores() -> Scored:
    """95 distinct scores: the top decile is exactly the top ceil(9.5) = 10 rows (86-95), and
    only its last row (86) converts, as do 9 rows at the bottom: lift 0.95 (9 or 11 rows: less).
    """
    return [(score, score == 86 or score <= 9) for score in range(1, 96)]


def calibrated_probabilities(seed: int, records: int = 2000) -> Scored:
    rng = random.Random(seed)
    rows: Scored = []
    for _ in range(records):
        probability = round(rng.uniform(0.02, 0.9), 3)
        rows.append((probability, rng.random() < probability))
    return rows


def overconfident_probabilities() -> Scored:
    """Predicted 0.8 where 20% convert, and 7 rows without a probability."""
    rows: Scored = [(0.8, index < 200) for index in range(1000)]
    return rows + [(None, index < 3) for index in range(7)]


def scored_rows(scenario: str, rows: Scored, column: str, segment: str = "-") -> list[Row]:
    return [
        {"scenario": scenario, "segment": segment, column: value, "converted": converted}
        for value, converted in rows
    ]


# ---------------------------------------------------------------------------------------------
# The statistics, computed independently


def auc(rows: Scored) -> Fraction:
    """Mann-Whitney AUC with average ranks for ties."""
    scored = [(value, converted) for value, converted in rows if value is not None]
    ordered = sorted(value for value, _ in scored)
    first_rank: dict[float, int] = {}
    ties: dict[float, int] = defaultdict(int)
    for position, value in enumerate(ordered, start=1):
        first_rank.setdefault(value, position)
        ties[value] += 1
    positives = sum(converted for _, converted in scored)
    negatives = len(scored) - positives
    rank_sum = sum(
        Fraction(2 * first_rank[value] + ties[value] - 1, 2)
        for value, converted in scored
        if converted
    )
    return (rank_sum - Fraction(positives * (positives + 1), 2)) / (positives * negatives)


def top_decile_lift(rows: Scored) -> Fraction:
    """Rows scoring at least the score at position ceil(n / 10) from the top."""
    scored = [(value, converted) for value, converted in rows if value is not None]
    cutoff = sorted((value for value, _ in scored), reverse=True)[math.ceil(len(scored) / 10) - 1]
    top = [converted for value, converted in scored if value >= cutoff]
    converters = sum(converted for _, converted in scored)
    return Fraction(sum(top) * len(scored), len(top) * converters)


def calibration_error(rows: Scored, bins: int) -> float:
    """ECE over equal-count bins where tied probabilities share a bin."""
    scored = [(value, converted) for value, converted in rows if value is not None]
    ordered = sorted(value for value, _ in scored)
    first_rank: dict[float, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_rank.setdefault(value, position)
    members: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for value, converted in scored:
        members[(first_rank[value] - 1) * bins // len(scored)].append((value, converted))
    return sum(
        len(rows_in_bin)
        / len(scored)
        * abs(
            sum(value for value, _ in rows_in_bin) / len(rows_in_bin)
            - sum(converted for _, converted in rows_in_bin) / len(rows_in_bin)
        )
        for rows_in_bin in members.values()
    )


def bounds(value: float | Fraction, decimals: int) -> tuple[float, float]:
    """``value`` rounded down and up to ``decimals`` places."""
    low, high = math.floor(value * 10**decimals), math.floor(value * 10**decimals) + 1
    assert low <= value * 10**decimals < high
    return low / 10**decimals, high / 10**decimals


# ---------------------------------------------------------------------------------------------
# The tests applied, and what each must give

BANDS, AUC, LIFT, ECE = (
    "conversion_decreases_across_bands",
    "auc_at_least",
    "top_decile_lift_at_least",
    "calibration_error_at_most",
)
SEEDS = {BANDS: "band_rows", AUC: "score_rows", LIFT: "score_rows", ECE: "probability_rows"}
COLUMNS = {BANDS: "tier", AUC: "score", LIFT: "score", ECE: "probability"}


@dataclass(frozen=True)
class Case:
    """One test applied to one scenario: expected status, failure rows and a message."""

    name: str
    test: str
    scenario: str
    status: str  # pass / fail / warn
    failures: int = 0
    message: str | None = None  # a stored failure message starts with this
    arguments: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    column: str | None = None  # default: COLUMNS[test]

    @property
    def applied_to(self) -> str:
        return self.column or COLUMNS[self.test]


def passes(name: str, test: str, scenario: str, **arguments: Any) -> Case:
    return Case(name, test, scenario, "pass", arguments=arguments)


def fails(
    name: str, test: str, scenario: str, failures: int, message: str, **arguments: Any
) -> Case:
    return Case(name, test, scenario, "fail", failures, message, arguments)


@functools.cache
def fixture() -> tuple[dict[str, list[Row]], tuple[Case, ...]]:
    """The seed rows by seed, and the cases."""
    # Bands. Rows of other tiers and without a tier convert at 100% and must be ignored.
    bands = band_rows("good", tiers(60, 30, 16, 6) | {"Unknown": (50, 50), None: (50, 50)})
    bands += band_rows("inverted", tiers(6, 16, 30, 60))
    bands += band_rows("near_tie", tiers(20, 21, 10, 4))  # Warm half a point above Hot
    # Warm is above Hot but has too few rows to judge: Cool is compared with Hot
    bands += band_rows("small_band", {"Hot": (100, 20), "Warm": (10, 5), "Cool": (100, 10)})
    bands += band_rows("one_band", {"Hot": (200, 20), "Warm": (10, 1), "Cool": (5, 0)})
    bands += band_rows("grouped", tiers(60, 30, 16, 6), segment="a")
    bands += band_rows("grouped", tiers(20, 40, 10, 4), segment="b")
    numbers = {"column": "tier_number"}
    band_cases = [
        passes("bands_good", BANDS, "good"),
        replace(passes("bands_good_numbers", BANDS, "good", band_order=[1, 2, 3, 4]), **numbers),
        fails(
            "bands_inverted",
            BANDS,
            "inverted",
            3,
            "Warm (200 records) converts at 8.0%, above Hot (200 records) at 3.0% "
            "(tolerance 0.0 points)",
        ),
        replace(
            fails(
                "bands_inverted_numbers",
                BANDS,
                "inverted",
                3,
                "2 (200 records) converts at 8.0%, above 1 (200 records) at 3.0%",
                band_order=[1, 2, 3, 4],
            ),
            **numbers,
        ),
        passes("bands_within_tolerance", BANDS, "near_tie", tolerance=0.01),
        passes("bands_at_tolerance", BANDS, "near_tie", tolerance=0.005),
        fails(
            "bands_beyond_tolerance",
            BANDS,
            "near_tie",
            1,
            "Warm (200 records) converts at 10.5%, above Hot (200 records) at 10.0% "
            "(tolerance 0.4 points)",
            tolerance=0.004,
        ),
        passes("bands_small_band_skipped", BANDS, "small_band"),
        fails(
            "bands_one_band",
            BANDS,
            "one_band",
            1,
            "cannot judge: only 1 of 4 bands with at least 30 records "
            "(Hot 200, Warm 10, Cool 5, Cold 0), need 2",
        ),
        fails(
            "bands_empty",
            BANDS,
            "nothing",
            1,
            "cannot judge: only 0 of 4 bands with at least 30 records "
            "(Hot 0, Warm 0, Cool 0, Cold 0), need 2",
        ),
        fails(
            "bands_grouped",
            BANDS,
            "grouped",
            1,
            "segment = b: Warm (200 records) converts at 20.0%, above Hot (200 records) at 10.0%",
            group_by=["segment"],
        ),
        # severity from a var in YAML: its default (warn), and error given with --vars
        Case(
            "bands_severity_default",
            BANDS,
            "inverted",
            "warn",
            3,
            config={"severity": "{{ var('score_quality_severity', 'warn') }}"},
        ),
        Case(
            "bands_severity_from_vars",
            BANDS,
            "inverted",
            "fail",
            3,
            config={"severity": "{{ var('strict_score_quality_severity', 'warn') }}"},
        ),
    ]
    band_cases = [
        replace(case, arguments={"band_order": list(TIERS)} | case.arguments) for case in band_cases
    ]

    # Scores: AUC and top-decile lift
    signal = signal_scores(seed=11) + [(None, index < 4) for index in range(10)]
    noise, ties = noise_scores(), tied_scores()
    scores = scored_rows("signal", signal, "score")
    scores += scored_rows("noise", noise, "score")
    scores += scored_rows("ties", ties, "score")
    scores += scored_rows("distinct", distinct_scores(), "score")
    scores += scored_rows("tiny", signal_scores(seed=12, records=20), "score")
    scores += scored_rows("no_converters", [(index % 50, False) for index in range(200)], "score")
    scores += scored_rows("all_converted", [(index % 50, True) for index in range(200)], "score")
    scores += scored_rows("grouped", signal_scores(seed=13), "score", segment="a")
    scores += scored_rows("grouped", noise_scores(), "score", segment="b")
    signal_auc, signal_lift = auc(signal), top_decile_lift(signal)
    assert 0.75 < signal_auc < 0.85 and 2.5 < signal_lift < 4.5
    assert auc(noise) == Fraction(1, 2) and top_decile_lift(noise) == 1
    assert top_decile_lift(ties) == Fraction(13, 5)
    assert top_decile_lift(distinct_scores()) == Fraction(95, 100)
    auc_low, auc_high = bounds(signal_auc, 3)
    lift_low, lift_high = bounds(signal_lift, 2)
    noise_top = "the top decile (score >= 90, 200 records) converts at 10.0%, all 2000 records"
    score_cases = [
        passes("auc_signal", AUC, "signal", threshold=0.75),
        # just below and just above the AUC computed here: the SQL computes it exactly
        passes("auc_signal_just_below", AUC, "signal", threshold=auc_low),
        fails(
            "auc_signal_just_above",
            AUC,
            "signal",
            1,
            f"AUC {auc_low:.3f} is below {auc_high} (2000 records, 200 converters); "
            "10 rows with a null score left out",
            threshold=auc_high,
        ),
        fails(
            "auc_noise",
            AUC,
            "noise",
            1,
            "AUC 0.500 is below 0.6 (2000 records, 200 converters)",
            threshold=0.6,
        ),
        fails(
            "auc_tiny",
            AUC,
            "tiny",
            1,
            "cannot judge: only 20 records with a score (need 30)",
            threshold=0.6,
        ),
        fails(
            "auc_no_converters",
            AUC,
            "no_converters",
            1,
            "cannot judge: no converters among 200 records",
            threshold=0.6,
        ),
        fails(
            "auc_all_converted",
            AUC,
            "all_converted",
            1,
            "cannot judge: no non-converters among 200 records",
            threshold=0.6,
        ),
        fails(
            "auc_empty",
            AUC,
            "nothing",
            1,
            "cannot judge: only 0 records with a score (need 30)",
            threshold=0.6,
        ),
        fails(
            "auc_grouped",
            AUC,
            "grouped",
            1,
            "segment = b: AUC 0.500 is below 0.7 (2000 records, 200 converters)",
            threshold=0.7,
            group_by=["segment"],
        ),
        passes("lift_signal", LIFT, "signal", threshold=2.5),
        passes("lift_signal_just_below", LIFT, "signal", threshold=lift_low),
        fails(
            "lift_signal_just_above",
            LIFT,
            "signal",
            1,
            f"top-decile lift {lift_low:.2f} is below {lift_high}: the top decile (score >= ",
            threshold=lift_high,
        ),
        fails(
            "lift_noise",
            LIFT,
            "noise",
            1,
            f"top-decile lift 1.00 is below 1.5: {noise_top} at 10.0%",
            threshold=1.5,
        ),
        # the top 100 rows end inside the 200 rows scoring 90: all 250 rows >= 90 are in
        passes("lift_ties_at_threshold", LIFT, "ties", threshold=2.6),
        fails(
            "lift_ties_above_threshold",
            LIFT,
            "ties",
            1,
            "top-decile lift 2.60 is below 2.61: the top decile (score >= 90, 250 records) "
            "converts at 26.0%, all 1000 records at 10.0%",
            threshold=2.61,
        ),
        # distinct scores: the decile boundary is exactly at row ceil(95 / 10) = 10
        passes("lift_distinct_at_threshold", LIFT, "distinct", threshold=0.95, min_records=50),
        fails(
            "lift_distinct_above_threshold",
            LIFT,
            "distinct",
            1,
            "top-decile lift 0.95 is below 0.96: the top decile (score >= 86, 10 records) "
            "converts at 10.0%, all 95 records at 10.5%",
            threshold=0.96,
            min_records=50,
        ),
        fails(
            "lift_tiny",
            LIFT,
            "tiny",
            1,
            "cannot judge: only 20 records with a score (need 100)",
            threshold=2,
        ),
        fails(
            "lift_no_converters",
            LIFT,
            "no_converters",
            1,
            "cannot judge: no converters among 200 records",
            threshold=2,
        ),
        fails(
            "lift_grouped",
            LIFT,
            "grouped",
            1,
            f"segment = b: top-decile lift 1.00 is below 2: {noise_top} at 10.0%",
            threshold=2,
            group_by=["segment"],
        ),
    ]

    # Probabilities: expected calibration error
    calibrated = calibrated_probabilities(seed=21)
    overconfident = overconfident_probabilities()
    probabilities = scored_rows("calibrated", calibrated, "probability")
    probabilities += scored_rows("overconfident", overconfident, "probability")
    probabilities += scored_rows("tiny", calibrated_probabilities(22, records=50), "probability")
    probabilities += scored_rows("grouped", calibrated_probabilities(23), "probability", "a")
    probabilities += scored_rows("grouped", overconfident, "probability", "b")
    calibrated_error = calibration_error(calibrated, bins=5)
    assert calibration_error(calibrated, bins=10) < 0.06
    assert calibration_error(overconfident, bins=10) == pytest.approx(0.6)
    ece_low, ece_high = bounds(calibrated_error, 3)
    assert min(calibrated_error - ece_low, ece_high - calibrated_error) > 1e-6
    overconfident_message = (
        "expected calibration error 0.600 is above 0.1 (1000 records in 1 bin); worst bin 1 "
        "(probability 0.8 to 0.8): 1000 records predicted 80.0% on average, 20.0% converted; "
        "7 rows with a null probability left out"
    )
    probability_cases = [
        passes("calibration_good", ECE, "calibrated", threshold=0.06),
        passes("calibration_good_just_above", ECE, "calibrated", threshold=ece_high, bins=5),
        fails(
            "calibration_good_just_below",
            ECE,
            "calibrated",
            1,
            f"expected calibration error {calibrated_error:.3f} is above {ece_low} "
            "(2000 records in 5 bins); worst bin ",
            threshold=ece_low,
            bins=5,
        ),
        fails(
            "calibration_overconfident",
            ECE,
            "overconfident",
            1,
            overconfident_message,
            threshold=0.1,
        ),
        fails(
            "calibration_tiny",
            ECE,
            "tiny",
            1,
            "cannot judge: only 50 records with a probability (need 100)",
            threshold=0.1,
        ),
        fails(
            "calibration_grouped",
            ECE,
            "grouped",
            1,
            "segment = b: " + overconfident_message,
            threshold=0.1,
            group_by=["segment"],
        ),
    ]

    seeds = {"band_rows": bands, "score_rows": scores, "probability_rows": probabilities}
    cases = tuple(
        replace(case, arguments={"outcome_column": "converted"} | case.arguments)
        for case in band_cases + score_cases + probability_cases
    )
    return seeds, cases


# ---------------------------------------------------------------------------------------------
# The dbt project


# the value columns of each seed (besides scenario, segment and converted)
COLUMN_TYPES = {
    "band_rows": {"tier": "varchar", "tier_number": "integer"},
    "score_rows": {"score": "integer"},
    "probability_rows": {"probability": "double"},
}


def csv_value(value: Any) -> Any:
    """Booleans as true/false, None as an empty field (null)."""
    if isinstance(value, bool):
        return str(value).lower()
    return "" if value is None else value


def write_seed(path: Path, rows: Iterable[Row], columns: Sequence[str]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_value(row[column]) for column in columns])


def schema(cases: Sequence[Case]) -> dict:
    columns: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for case in cases:
        config = {"where": f"scenario = '{case.scenario}'", **case.config}
        test = {"name": case.name, "arguments": case.arguments, "config": config}
        columns[SEEDS[case.test]][case.applied_to].append({case.test: test})
    return {
        "version": 2,
        "seeds": [
            {
                "name": seed,
                "config": {
                    "column_types": {
                        "scenario": "varchar",
                        "segment": "varchar",
                        "converted": "boolean",
                        **COLUMN_TYPES[seed],
                    }
                },
                "columns": [
                    {"name": column, "data_tests": tests} for column, tests in seed_columns.items()
                ],
            }
            for seed, seed_columns in columns.items()
        ],
    }


def write_project(root: Path, seeds: dict[str, list[Row]], cases: Sequence[Case]) -> Path:
    project = root / "project"
    (project / "tests" / "generic").mkdir(parents=True)
    (project / "seeds").mkdir()
    (project / "models").mkdir()
    for name in TEST_FILES:
        shutil.copy2(REPO / "tests" / "generic" / name, project / "tests" / "generic" / name)
    # the tests' shared helpers (group names)
    (project / "macros").mkdir()
    shutil.copy2(REPO / "macros" / "quality_tests.sql", project / "macros" / "quality_tests.sql")
    (project / "dbt_project.yml").write_text(
        yaml.safe_dump(
            {
                "name": "score_quality_fixture",
                "version": "1.0.0",
                "config-version": 2,
                "profile": "score_quality_fixture",
                "seed-paths": ["seeds"],
                "test-paths": ["tests"],
                "model-paths": ["models"],
                "macro-paths": ["macros"],
                "data_tests": {"+store_failures": True},
            }
        )
    )
    (project / "profiles.yml").write_text(
        yaml.safe_dump(
            {
                "score_quality_fixture": {
                    "target": "dev",
                    "outputs": {
                        "dev": {
                            "type": "duckdb",
                            "path": str(root / "fixture.duckdb"),
                            "threads": 4,
                        }
                    },
                }
            }
        )
    )
    for seed, rows in seeds.items():
        columns = ["scenario", "segment", *COLUMN_TYPES[seed], "converted"]
        write_seed(project / "seeds" / f"{seed}.csv", rows, columns)
    (project / "models" / "_score_quality.yml").write_text(
        yaml.safe_dump(schema(cases), sort_keys=False)
    )
    return project


@dataclass(frozen=True)
class Build:
    """What one ``dbt build`` of the fixture project gave."""

    log: str
    results: dict[str, dict[str, Any]]  # test name -> its entry of run_results.json
    messages: dict[str, list[str]]  # test name -> messages of its stored failure rows


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("score_quality")
    seeds, cases = fixture()
    project = write_project(root, seeds, cases)
    command = [
        str(DBT),
        "build",
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--vars",
        json.dumps({"strict_score_quality_severity": "error"}),
    ]
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=False
    )
    log = result.stdout + result.stderr
    run_results = project / "target" / "run_results.json"
    assert run_results.exists(), log[-5000:]
    results = {
        item["unique_id"].split(".")[2]: item
        for item in json.loads(run_results.read_text())["results"]
        if item["unique_id"].startswith("test.")
    }
    messages: dict[str, list[str]] = defaultdict(list)
    with duckdb.connect(str(root / "fixture.duckdb"), read_only=True) as con:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = ?",
            [AUDIT_SCHEMA],
        ).fetchall()
        for (name,) in tables:
            rows = con.execute(f'select message from {AUDIT_SCHEMA}."{name}"').fetchall()
            messages[name] = [message for (message,) in rows]
    return Build(log, results, messages)


# ---------------------------------------------------------------------------------------------
# Tests


def test_every_test_ran_without_errors_or_deprecations(build: Build) -> None:
    assert set(build.results) == {case.name for case in fixture()[1]}, build.log[-5000:]
    errors = {
        name: result["message"]
        for name, result in build.results.items()
        if result["status"] == "error"
    }
    assert not errors, errors
    assert "deprecat" not in build.log.lower(), build.log[-5000:]


@pytest.mark.parametrize("case", fixture()[1], ids=lambda case: case.name)
def test_passes_or_fails_as_expected(build: Build, case: Case) -> None:
    result, stored = build.results[case.name], build.messages[case.name]
    assert (result["status"], result["failures"]) == (case.status, case.failures), stored
    assert len(stored) == case.failures and all(stored), stored
    if case.message is not None:
        assert any(message.startswith(case.message) for message in stored), stored
