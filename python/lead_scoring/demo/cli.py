"""Command line: ``python -m lead_scoring.demo --contacts N --seed S --out DIR``."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from .generator import DEFAULT_CHUNK_SIZE, generate
from .writer import FORMATS


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    """Argument parser of the demo generator."""
    parser = argparse.ArgumentParser(
        prog="python -m lead_scoring.demo",
        description="Generate seeded, realistic (and dirty) raw CRM, email and web exports.",
    )
    parser.add_argument("--contacts", type=_positive, default=5000, help="contacts (5000)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (42)")
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        help="date the data ends at, YYYY-MM-DD (default: today, UTC)",
    )
    parser.add_argument("--out", type=Path, default=Path("data/demo"), help="output dir")
    parser.add_argument("--format", choices=FORMATS, default="parquet", help="file format")
    parser.add_argument(
        "--chunk-size",
        type=_positive,
        default=DEFAULT_CHUNK_SIZE,
        help=f"contacts generated at once; bounds memory ({DEFAULT_CHUNK_SIZE})",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the generator and print rows per table and elapsed seconds."""
    args = build_parser().parse_args(argv)
    as_of = args.as_of or datetime.now(UTC).date()
    started = time.perf_counter()
    counts = generate(
        args.contacts, args.seed, as_of, args.out, args.format, chunk_size=args.chunk_size
    )
    elapsed = time.perf_counter() - started
    width = max(len(name) for name in counts)
    print(f"Demo data in {args.out} ({args.format}, seed {args.seed}, as of {as_of}):")
    for name, rows in counts.items():
        print(f"  {name:<{width}}  {rows:>12,}")
    print(f"  {'total':<{width}}  {sum(counts.values()):>12,}  rows in {elapsed:.1f} s")
    return 0
