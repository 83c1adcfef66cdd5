"""Generate the demo raw tables: chunk by chunk, streamed to one file per table.

Each chunk holds ``chunk_size`` contacts with their companies, deals, events and dirt, and
gets its own random generator spawned from the seed, so a run is fully determined by
(contacts, seed, as_of, chunk_size) and memory is bounded by the chunk size.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from . import crm, dirt, events
from .activities import make_activities
from .duplicates import plan_duplicates
from .email import make_email_events
from .lifecycle import make_deals, simulate_lifecycle
from .people import finish_companies, make_companies, make_contacts
from .schema import TABLES, TRUTH
from .web import make_web_events
from .world import World, build_world
from .writer import FORMATS, TableWriter

GENERATOR_VERSION = "1.0.0"
DEFAULT_CHUNK_SIZE = 10_000
MAX_CHUNK_SIZE = 500_000
MAX_CHUNKS = 1_999
CONTACTS_PER_COMPANY = 4
TRUTH_KEY = "_truth"


@dataclass(frozen=True)
class ChunkSpec:
    """Which contacts a chunk holds and where its companies start globally."""

    index: int
    contacts: int
    company_offset: int
    seed: np.random.SeedSequence


def plan_chunks(contacts: int, seed: int, chunk_size: int) -> list[ChunkSpec]:
    """Split ``contacts`` into chunks, each with an independent seed sequence."""
    if contacts < 1:
        raise ValueError("contacts must be at least 1")
    if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError(f"chunk_size must be between 1 and {MAX_CHUNK_SIZE}")
    sizes = [chunk_size] * (contacts // chunk_size)
    if contacts % chunk_size:
        sizes.append(contacts % chunk_size)
    if len(sizes) > MAX_CHUNKS:
        raise ValueError(f"at most {MAX_CHUNKS} chunks (ids are allocated per chunk)")
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    specs, offset = [], 0
    for i, (size, ss) in enumerate(zip(sizes, seeds, strict=True)):
        specs.append(ChunkSpec(i, size, offset, ss))
        offset += max(1, round(size / CONTACTS_PER_COMPANY))
    return specs


def generate_chunk(world: World, spec: ChunkSpec) -> Iterator[tuple[str, pa.Table]]:
    """Yield the raw tables of one chunk one at a time, then ``("_truth", truth rows)``.

    Tables are yielded as soon as they are built so the caller can write and drop them.
    """
    rng = np.random.default_rng(spec.seed)
    k = spec.index
    n_companies = max(1, round(spec.contacts / CONTACTS_PER_COMPANY))
    companies = make_companies(world, rng, k, n_companies, spec.company_offset)
    contacts = make_contacts(world, rng, k, spec.contacts, companies)
    finish_companies(world, rng, companies, contacts)
    life = simulate_lifecycle(world, rng, contacts)
    deals = make_deals(world, rng, k, contacts, companies, life)
    acts = make_activities(world, rng, contacts, life, deals)
    email = make_email_events(
        world, rng, contacts, companies, life, deals, dirt.NON_CONTACT_RECIPIENT_RATE
    )
    web = make_web_events(world, rng, k, contacts, life, email, dirt.BOT_COOKIE_RATE)
    dups = plan_duplicates(world, rng, k, contacts)

    yield "companies", crm.companies_table(world, rng, k, companies)
    yield "contacts", crm.contacts_table(world, rng, k, contacts, life, dups)
    yield (
        "contact_custom_properties",
        crm.custom_properties_table(world, rng, k, contacts, companies, dups),
    )
    yield (
        "contact_company_associations",
        crm.associations_table(rng, k, contacts, companies, dups),
    )
    deals_table, deal_contacts = crm.deals_tables(rng, k, contacts, companies, deals, dups)
    yield "deals", deals_table
    yield "deal_contact_associations", deal_contacts
    yield "lifecycle_stage_history", crm.history_table(rng, k, contacts, life, dups)
    if k == 0:
        yield "lists", crm.lists_table(world, rng)
    yield (
        "list_memberships",
        crm.memberships_table(world, rng, k, contacts, companies, life, deals, email, web),
    )
    yield "sales_activities", crm.activities_table(world, rng, k, contacts, acts, dups)
    yield "email_events", events.email_table(world, rng, k, contacts, email, dups)
    del email
    web_events, identities = events.web_tables(world, rng, k, contacts, web, dups)
    del web
    yield "web_events", web_events
    del web_events
    yield "identities", identities
    yield TRUTH_KEY, events.truth_table(contacts, companies, life, dups)


def generate(
    contacts: int,
    seed: int,
    as_of: date,
    out: Path,
    fmt: str = "parquet",
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: bool | None = None,
) -> dict[str, int]:
    """Write the demo raw tables, ``_truth/contacts.parquet`` and ``_manifest.json``.

    Returns the number of rows written per table. ``progress`` shows a progress bar over
    chunks (default: when stderr is a terminal).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    out = Path(out)
    world = build_world(seed, as_of)
    specs = plan_chunks(contacts, seed, chunk_size)
    truth_dir = out / "_truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    show = sys.stderr.isatty() if progress is None else progress
    truth_rows = 0
    with (
        TableWriter(out, fmt, TABLES) as writer,
        pq.ParquetWriter(truth_dir / "contacts.parquet", TRUTH, compression="zstd") as truth_w,
    ):
        for spec in tqdm(specs, desc="chunks", unit="chunk", disable=not show):
            for name, table in generate_chunk(world, spec):
                if name == TRUTH_KEY:
                    truth_w.write_table(table)
                    truth_rows += table.num_rows
                else:
                    writer.write(name, table)
        counts = writer.close()
    manifest = {
        "generator": "lead_scoring.demo",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "as_of": as_of.isoformat(),
        "contacts_requested": contacts,
        "chunk_size": chunk_size,
        "format": fmt,
        "tables": counts,
        "truth_contacts": truth_rows,
    }
    (out / "_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return counts
