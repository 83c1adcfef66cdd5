"""Load a flat CSV of leads (one row per lead, some columns, a converted flag) into the raw
data contract, so the whole warehouse (rule-based and predictive scores) runs on it.

Each row becomes a contact created at the row's timestamp; every kept column becomes a custom
contact property set at that time; the lead enters the start stage (default ``mql``) a minute
later and, when converted, the end stage (default ``sql``) a day after that. The other raw
tables are written empty. Timestamps come from a date column, from month/day columns in file
order (a new year starts when the month goes back, as in files ordered by date without a
year), or from the file order alone.

    python -m lead_scoring.flat_import ../shared/data/bank_marketing/bank-full.csv \\
        --sep ';' --outcome-column y --positive-value yes --drop duration \\
        --month-column month --day-column day --start-year 2008 --out data/bank
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from lead_scoring.demo.schema import TABLES

MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
)}  # fmt: skip


class FlatImportError(ValueError):
    """The flat file or the options do not fit; the message says which."""


@dataclass(frozen=True)
class FlatImportOptions:
    """How to read the flat file."""

    outcome_column: str
    positive_values: tuple[str, ...] = ("1", "true", "yes", "y", "converted")
    id_column: str | None = None
    drop_columns: tuple[str, ...] = ()
    date_column: str | None = None
    month_column: str | None = None
    day_column: str | None = None
    start_year: int = 2000
    start_stage: str = "mql"
    end_stage: str = "sql"
    days_to_conversion: int = 1
    separator: str = ","


def lead_timestamps(frame: pd.DataFrame, options: FlatImportOptions) -> pd.Series:
    """One timestamp per row (UTC, naive), following the options' time source."""
    if options.date_column:
        parsed = pd.to_datetime(frame[options.date_column], errors="coerce", utc=True)
        bad = parsed.isna()
        if bad.any():
            row = int(bad.idxmax()) + 2  # header is line 1
            raise FlatImportError(
                f"column {options.date_column!r}: {int(bad.sum())} value(s) are not dates "
                f"(first on line {row}: {frame[options.date_column].iloc[row - 2]!r})"
            )
        return parsed.dt.tz_localize(None)
    if options.month_column and options.day_column:
        months = frame[options.month_column].astype(str).str.strip().str.lower().str[:3]
        unknown = ~months.isin(list(MONTHS))
        if unknown.any():
            raise FlatImportError(
                f"column {options.month_column!r}: unknown month {months[unknown].iloc[0]!r}"
            )
        month = months.map(MONTHS).astype(int)
        year = options.start_year + (month.diff().fillna(0) < 0).cumsum()
        day = pd.to_numeric(frame[options.day_column], errors="coerce")
        if day.isna().any() or not day.between(1, 31).all():
            raise FlatImportError(f"column {options.day_column!r}: days must be 1..31")
        stamps = pd.to_datetime(
            {"year": year, "month": month, "day": day.astype(int)}, errors="coerce"
        )
        if stamps.isna().any():
            raise FlatImportError("month/day columns give an impossible date (e.g. 31 feb)")
        # keep file order within a day: a minute per row
        return stamps + pd.to_timedelta(stamps.groupby(stamps).cumcount(), unit="min")
    start = datetime(options.start_year, 1, 1)
    return pd.Series([start + timedelta(minutes=i) for i in range(len(frame))], index=frame.index)


def convert(frame: pd.DataFrame, options: FlatImportOptions) -> dict[str, pd.DataFrame]:
    """The raw contract tables for a flat frame of leads."""
    if options.outcome_column not in frame.columns:
        raise FlatImportError(
            f"outcome column {options.outcome_column!r} not found; columns are "
            + ", ".join(map(str, frame.columns))
        )
    missing = [c for c in options.drop_columns if c not in frame.columns]
    if missing:
        raise FlatImportError(f"--drop names unknown column(s): {', '.join(missing)}")
    if options.id_column:
        ids = frame[options.id_column].astype(str).str.strip()
        if ids.duplicated().any():
            raise FlatImportError(f"id column {options.id_column!r} has duplicate values")
    else:
        ids = pd.Series([f"flat-{i + 1}" for i in range(len(frame))], index=frame.index)
    created = lead_timestamps(frame, options)
    converted = (
        frame[options.outcome_column].astype(str).str.strip().str.lower()
        .isin([v.lower() for v in options.positive_values])
    )  # fmt: skip
    iso = created.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    contacts = pd.DataFrame(
        {
            "contact_id": ids,
            "lead_source": "flat_import",
            "lifecycle_stage": [options.end_stage if c else options.start_stage for c in converted],
            "created_at": iso,
        }
    )
    time_columns = {options.date_column, options.month_column, options.day_column}
    skip = {options.outcome_column, options.id_column, *options.drop_columns, *time_columns}
    kept = [c for c in frame.columns if c not in skip]
    properties = frame[kept].astype("string").assign(contact_id=ids.values)
    properties = properties.melt(
        id_vars="contact_id", var_name="property_name", value_name="property_value"
    ).dropna(subset=["property_value"])
    properties["updated_at"] = properties["contact_id"].map(dict(zip(ids, iso, strict=True)))
    # the lead is created with its attributes, then enters the start stage a minute later:
    # features are read strictly before the start-stage instant, so they must predate it
    started = created + timedelta(minutes=1)
    start = pd.DataFrame(
        {
            "contact_id": ids,
            "lifecycle_stage": options.start_stage,
            "entered_at": started.dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    )
    reached = started[converted] + timedelta(days=options.days_to_conversion)
    end = pd.DataFrame(
        {
            "contact_id": ids[converted],
            "lifecycle_stage": options.end_stage,
            "entered_at": reached.dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    )
    return {
        "contacts": contacts,
        "contact_custom_properties": properties,
        "lifecycle_stage_history": pd.concat([start, end], ignore_index=True),
    }


def write(tables: dict[str, pd.DataFrame], out: Path, as_of: date) -> dict[str, int]:
    """Write every contract table (missing ones empty) as Parquet, plus a manifest."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name, schema in TABLES.items():
        frame = tables.get(name, pd.DataFrame())
        columns = {
            f.name: pa.array(
                frame[f.name].tolist() if f.name in frame else [None] * len(frame), type=f.type
            )
            for f in schema
        }
        pq.write_table(pa.table(columns, schema=schema), out / f"{name}.parquet")
        counts[name] = len(frame)
    manifest = {
        "generator": "lead_scoring.flat_import",
        "as_of": as_of.isoformat(),
        "tables": counts,
    }
    (out / "_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return counts


def import_flat_file(
    path: Path, out: Path, options: FlatImportOptions
) -> tuple[dict[str, int], date]:
    """Read ``path``, convert it and write the raw tables; returns row counts and the date
    to score as of (the day after the last lead's conversion window)."""
    frame = pd.read_csv(path, sep=options.separator, dtype=str, keep_default_na=False)
    frame = frame.replace({"": None})
    tables = convert(frame, options)
    last = pd.to_datetime(tables["lifecycle_stage_history"]["entered_at"]).max()
    as_of = (last + timedelta(days=31)).date()
    return write(tables, out, as_of), as_of


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("csv", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="folder for the raw tables")
    parser.add_argument("--sep", default=",")
    parser.add_argument("--outcome-column", required=True)
    parser.add_argument("--positive-value", action="append", help="repeatable; default yes/1/true")
    parser.add_argument("--id-column")
    parser.add_argument("--drop", action="append", default=[], help="column to drop (repeatable)")
    parser.add_argument("--date-column")
    parser.add_argument("--month-column")
    parser.add_argument("--day-column")
    parser.add_argument("--start-year", type=int, default=2000)
    parser.add_argument("--start-stage", default="mql")
    parser.add_argument("--end-stage", default="sql")
    args = parser.parse_args(argv)
    options = FlatImportOptions(
        outcome_column=args.outcome_column,
        positive_values=tuple(args.positive_value or FlatImportOptions.positive_values),
        id_column=args.id_column,
        drop_columns=tuple(args.drop),
        date_column=args.date_column,
        month_column=args.month_column,
        day_column=args.day_column,
        start_year=args.start_year,
        start_stage=args.start_stage,
        end_stage=args.end_stage,
        separator=args.sep,
    )
    try:
        counts, as_of = import_flat_file(args.csv, args.out, options)
    except FlatImportError as exc:
        parser.exit(2, f"flat import: {exc}\n")
    print(f"Wrote {counts['contacts']:,} leads to {args.out} (score as of {as_of}).")
    for name, rows in counts.items():
        if rows:
            print(f"  {name:<28} {rows:>10,}")
    print(f"AS_OF={as_of}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
