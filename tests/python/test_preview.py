"""The rule-set preview through real dbt builds, on a small generated demo.

One preview of a candidate that doubles a pricing-page rule of the lead score and lowers its
Hot threshold: the lead score's distribution changes, the other scores' do not, the tier
migration adds up to the audience, and neither the published seeds nor a published warehouse
are written. An invalid candidate stops before dbt with the validator's message.
"""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from lead_scoring import dbt_runner, preview
from lead_scoring.demo.generator import generate

pytestmark = pytest.mark.dbt

AS_OF = date(2026, 6, 30)
PUBLISHED = dbt_runner.REPO / "seeds" / "scoring"
LEAD_SCORE = "contact_lead_score"


def _edit_csv(source: Path, target: Path, match: dict[str, str], changes: dict[str, str]) -> None:
    """Copy a seed CSV, changing ``changes`` in the one row that matches ``match``."""
    with source.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns, rows = list(reader.fieldnames or []), list(reader)
    matching = [row for row in rows if all(row[k] == v for k, v in match.items())]
    assert len(matching) == 1, match
    matching[0].update(changes)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _checksums(path: Path) -> dict[str, str]:
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("preview") / "raw"
    generate(300, 7, AS_OF, out)
    return out


@pytest.fixture(scope="module")
def result(raw: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One preview run: its exit code, JSON, markdown, stdout and the checksums around it."""
    root = tmp_path_factory.mktemp("run")
    candidate = root / "candidate"
    _edit_csv(
        PUBLISHED / "score_rules.csv",
        candidate / "score_rules.csv",
        {"score_id": LEAD_SCORE, "rule_id": "pricing_once"},
        {"points": "10"},  # 5 -> 10
    )
    _edit_csv(
        PUBLISHED / "score_bands.csv",
        candidate / "score_bands.csv",
        {"score_id": LEAD_SCORE, "band_type": "tier", "band_name": "Hot"},
        {"min_score": "60"},  # 70 -> 60
    )
    warehouse = root / "published.duckdb"  # a "published" warehouse the preview must not touch
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create table lead_scores as select 'published' as note")
    before = {**_checksums(PUBLISHED.parent), **_checksums(warehouse)}
    out = root / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEAD_SCORING_DB", str(warehouse))
        code = preview.main(
            ["--candidate", str(candidate), "--raw", str(raw), "--out", str(out)]
        )  # fmt: skip
    after = {**_checksums(PUBLISHED.parent), **_checksums(warehouse)}
    return {
        "code": code,
        "json": json.loads((out / "preview.json").read_text()),
        "markdown": (out / "preview.md").read_text(),
        "unchanged": before == after,
    }


def test_preview_runs_and_writes_its_report(result: dict[str, Any]) -> None:
    assert result["code"] == 0
    report = result["json"]
    assert report["as_of"].startswith("2026-06-30")
    assert report["cutoff"].startswith("2026-04-01")
    assert report["changed_files"] == ["score_rules.csv", "score_bands.csv"]
    assert set(report["scores"]) == {LEAD_SCORE, "company_engagement", "deal_score"}
    assert report["added_scores"] == report["removed_scores"] == []
    markdown = result["markdown"]
    assert f"## {LEAD_SCORE}" in markdown
    assert report["scores"][LEAD_SCORE]["verdict"] in markdown
    assert "Tier migration" in markdown


def test_changed_score_differs_untouched_scores_are_identical(result: dict[str, Any]) -> None:
    scores = result["json"]["scores"]
    lead = scores[LEAD_SCORE]
    assert lead["distribution"]["published"] != lead["distribution"]["candidate"]
    assert (
        lead["distribution"]["published"]["by_tier"] != lead["distribution"]["candidate"]["by_tier"]
    )
    assert lead["score_changes"] > 0
    assert lead["tier_changes"] > 0
    assert any(
        "pricing_once" in line and "points 5 -> 10" in line for line in lead["config_changes"]
    )
    assert any("Hot" in line and "70 -> 60" in line for line in lead["config_changes"])
    assert "candidate AUC" in lead["verdict"]
    for score_id in ("company_engagement", "deal_score"):
        untouched = scores[score_id]
        assert untouched["distribution"]["published"] == untouched["distribution"]["candidate"]
        assert untouched["tier_changes"] == untouched["score_changes"] == 0
        assert untouched["config_changes"] == []
        assert untouched["verdict"].startswith("no change")
        assert untouched["conversion"] is None  # company and deal scores: no conversion check


def test_tier_migration_adds_up_to_the_audience(result: dict[str, Any]) -> None:
    for score_id, score in result["json"]["scores"].items():
        audience = score["distribution"]["published"]["records"]
        assert audience == score["distribution"]["candidate"]["records"] > 0, score_id
        cells = score["tier_migration"]
        assert sum(cell["records"] for cell in cells) == audience == score["records_compared"]
        moved = sum(cell["records"] for cell in cells if cell["published"] != cell["candidate"])
        assert moved == score["tier_changes"]
        by_tier = score["distribution"]["candidate"]["by_tier"]
        for tier, count in by_tier.items():
            assert sum(c["records"] for c in cells if c["candidate"] == tier) == count


def test_conversion_uses_the_backtest_definition(result: dict[str, Any]) -> None:
    conversion = result["json"]["scores"][LEAD_SCORE]["conversion"]
    published, candidate = conversion["published"], conversion["candidate"]
    # same audience, same data: the same contacts and converters on both sides
    assert published["records"] == candidate["records"] > 0
    assert published["converted"] == candidate["converted"]
    for side in (published, candidate):
        assert 0.0 <= side["auc"] <= 1.0
        assert sum(row["records"] for row in side["by_tier"]) == side["records"]
        assert sum(row["converted"] for row in side["by_label"]) == side["converted"]


def test_published_seeds_and_warehouse_are_not_written(result: dict[str, Any]) -> None:
    assert result["unchanged"]


def _no_dbt(*args: object, **kwargs: object) -> None:
    raise AssertionError("dbt must not run for an invalid candidate")


def test_invalid_candidate_exits_2_naming_it_without_dbt(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(dbt_runner, "run_dbt", _no_dbt)
    monkeypatch.setattr(dbt_runner, "build_scores", _no_dbt)
    candidate = tmp_path / "candidate"
    _edit_csv(
        PUBLISHED / "score_rules.csv",
        candidate / "score_rules.csv",
        {"score_id": LEAD_SCORE, "rule_id": "pricing_once"},
        {"group_id": "no_such_group"},
    )
    out = tmp_path / "out"
    code = preview.main(["--candidate", str(candidate), "--raw", str(raw), "--out", str(out)])
    assert code == 2
    error = capsys.readouterr().err
    assert "candidate rule set is invalid" in error
    assert "rule 'pricing_once'" in error and "no_such_group" in error
    assert not (out / "preview.md").exists()


def test_unknown_candidate_file_and_score_exit_2(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(dbt_runner, "run_dbt", _no_dbt)
    monkeypatch.setattr(dbt_runner, "build_scores", _no_dbt)
    candidate = tmp_path / "candidate"
    candidate.mkdir()
    (candidate / "score_rule.csv").write_text("typo\n")
    assert preview.main(["--candidate", str(candidate), "--raw", str(raw)]) == 2
    assert "score_rule.csv" in capsys.readouterr().err
    (candidate / "score_rule.csv").unlink()
    (candidate / "scores.csv").write_bytes((PUBLISHED / "scores.csv").read_bytes())
    args = ["--candidate", str(candidate), "--raw", str(raw), "--score-id", "nope"]
    assert preview.main(args) == 2
    assert "--score-id nope" in capsys.readouterr().err


def test_engine_config_errors_are_picked_from_the_dbt_log() -> None:
    log = (
        "13:02:01  Compilation Error in model int_score_rules_prepared\n"
        "  Invalid scoring configuration (seeds/scoring/*.csv), 1 problem(s):\n"
        "    - score 'deal_score': audience list '9999' does not exist\n"
        "  See docs/scoring-engine.md for the meaning of each column.\n"
    )
    message = preview.invalid_config_message(log)
    assert message is not None
    assert (
        message.splitlines()[1].strip()
        == "- score 'deal_score': audience list '9999' does not exist"
    )
    assert preview.invalid_config_message("Runtime Error: out of memory") is None


def test_kept_builds_folder_is_only_cleared_of_its_own_files(tmp_path: Path) -> None:
    work = tmp_path / "builds"
    (work / "now").mkdir(parents=True)
    (work / "published_now.duckdb").write_text("old build")
    preview.clear_builds(work, ["now", "cutoff"])
    assert work.is_dir() and not any(work.iterdir())
    (work / "notes.txt").write_text("not ours")
    with pytest.raises(preview.PreviewError, match=r"notes\.txt"):
        preview.clear_builds(work, ["now", "cutoff"])
    assert (work / "notes.txt").exists()
