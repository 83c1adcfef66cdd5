"""Tests for loading a flat CSV of leads into the raw contract."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from lead_scoring.demo.schema import TABLES
from lead_scoring.flat_import import FlatImportError, FlatImportOptions, convert, main

BANK_LIKE = """age;job;month;day;duration;y
58;management;may;5;261;no
44;technician;dec;31;151;yes
33;entrepreneur;jan;2;76;no
47;blue-collar;jan;2;92;yes
"""


def _frame(text: str = BANK_LIKE) -> pd.DataFrame:
    rows = [line.split(";") for line in text.strip().splitlines()]
    return pd.DataFrame(rows[1:], columns=rows[0])


def _options(**overrides: object) -> FlatImportOptions:
    base: dict[str, object] = {
        "outcome_column": "y",
        "drop_columns": ("duration",),
        "month_column": "month",
        "day_column": "day",
        "start_year": 2008,
        "separator": ";",
    }
    return FlatImportOptions(**{**base, **overrides})  # type: ignore[arg-type]


def test_month_day_in_file_order_roll_over_to_the_next_year() -> None:
    tables = convert(_frame(), _options())
    created = tables["contacts"]["created_at"].tolist()
    assert created == [
        "2008-05-05T00:00:00Z",
        "2008-12-31T00:00:00Z",
        "2009-01-02T00:00:00Z",  # the month went back: a new year
        "2009-01-02T00:01:00Z",  # same day: file order kept a minute apart
    ]


def test_outcomes_become_stage_history_and_columns_custom_properties() -> None:
    tables = convert(_frame(), _options())
    history = tables["lifecycle_stage_history"]
    mql = history[history["lifecycle_stage"] == "mql"]
    # created with its attributes, then entering the start stage a minute later, so the
    # attributes are known strictly before the start-stage instant the features are cut at
    assert mql["entered_at"].tolist()[:2] == ["2008-05-05T00:01:00Z", "2008-12-31T00:01:00Z"]
    sql = history[history["lifecycle_stage"] == "sql"]
    assert sql["contact_id"].tolist() == ["flat-2", "flat-4"]
    assert sql["entered_at"].tolist() == ["2009-01-01T00:01:00Z", "2009-01-03T00:02:00Z"]
    props = tables["contact_custom_properties"]
    # duration dropped (it leaks the outcome); outcome and time columns are not properties
    assert set(props["property_name"]) == {"age", "job"}
    assert (
        props.loc[
            (props.contact_id == "flat-1") & (props.property_name == "job"), "property_value"
        ].item()
        == "management"
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"outcome_column": "converted"}, "outcome column 'converted' not found"),
        ({"drop_columns": ("nope",)}, "--drop names unknown column(s): nope"),
        ({"id_column": "job", "month_column": None}, None),
    ],
)
def test_errors_name_the_problem(overrides: dict[str, object], message: str | None) -> None:
    frame = _frame()
    if message is None:  # duplicate ids
        frame.loc[1, "job"] = "management"
        message = "id column 'job' has duplicate values"
    with pytest.raises(FlatImportError, match=message.replace("(", r"\(").replace(")", r"\)")):
        convert(frame, _options(**overrides))


def test_unknown_month_is_reported() -> None:
    frame = _frame().assign(month=["may", "foo", "jan", "jan"])
    with pytest.raises(FlatImportError, match="unknown month 'foo'"):
        convert(frame, _options())


def test_command_writes_every_contract_table(tmp_path: Path, capsys) -> None:
    csv = tmp_path / "leads.csv"
    csv.write_text(BANK_LIKE)
    out = tmp_path / "raw"
    args = [str(csv), "--sep", ";", "--outcome-column", "y", "--drop", "duration",
            "--month-column", "month", "--day-column", "day", "--start-year", "2008",
            "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    assert {p.stem for p in out.glob("*.parquet")} == set(TABLES)
    assert pq.read_table(out / "contacts.parquet").num_rows == 4
    assert pq.read_table(out / "email_events.parquet").num_rows == 0
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest["as_of"] == "2009-02-03"  # a window after the last conversion
    assert "AS_OF=2009-02-03" in capsys.readouterr().out
