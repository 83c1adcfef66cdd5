"""Tests for the build summary printed by `make build`."""

from __future__ import annotations

from pathlib import Path

import duckdb

from lead_scoring.summary import main, model_card_lines, render


def _warehouse(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create table stg_crm__contacts as select range as contact_id from range(3)")
    con.execute(
        "create table stg_crm__rejects as select * from (values "
        "('contacts', 'missing_id'), ('contacts', 'missing_id'), ('deals', 'unknown_company')"
        ") as t(source_table, reject_reason)"
    )
    raw = path.parent / "raw.parquet"
    con.execute(f"copy (select 1 as x) to '{raw}'")
    con.execute(f"create view broken as select * from read_parquet('{raw}')")
    con.close()
    raw.unlink()  # the raw file moved away after the build
    return path


def test_render_lists_relations_counts_and_rejects(tmp_path: Path) -> None:
    text = render(_warehouse(tmp_path / "w.duckdb"))
    lines = text.splitlines()
    contacts = next(line for line in lines if "stg_crm__contacts" in line)
    assert contacts.split()[-1] == "3"
    assert any(
        "contacts" in line and "missing_id" in line and line.endswith(" 2") for line in lines
    )
    assert any(
        "deals" in line and "unknown_company" in line and line.endswith(" 1") for line in lines
    )
    # an unreadable view is reported, not fatal
    assert any(line.strip().startswith("broken") and "error" in line for line in lines)
    assert "No lead_scores table yet" in text


def test_main_reports_missing_warehouse(tmp_path: Path, capsys) -> None:
    assert main(["--db", str(tmp_path / "absent.duckdb")]) == 1
    assert "make build" in capsys.readouterr().err


def test_model_card_lines_say_whether_the_run_trained_or_kept_the_model() -> None:
    con = duckdb.connect()
    con.execute(
        """
        create table predictive_model_card as select
            'trained' as status, 'trained on 1089 examples' as message,
            'MQL → SQL within 30 days' as conversion, 1089 as n_examples, 273 as n_holdout,
            'gradient_boosting' as algorithm, 0.726 as holdout_auc_chosen,
            cast(null as double) as holdout_auc_rule_score, 0.2 as holdout_brier_calibrated,
            'pm_0123456789ab' as model_version,
            'kept: trained as of 2026-06-30 00:00, 0 days before the scoring date'
                as training_decision
        """
    )
    lines = model_card_lines(con)
    assert lines[0] == "Predictive score (predictive_model_card): trained: trained on 1089 examples"
    assert "1,089 examples, time-ordered holdout of 273" in lines[1]
    assert "AUC 0.726 (rule score n/a)" in lines[1]
    assert (
        lines[2]
        == "  This run: kept: trained as of 2026-06-30 00:00, 0 days before the scoring date"
    )
