"""Seeded demo data: raw CRM, email and web exports with hidden ground truth and dirt.

``generate(contacts, seed, as_of, out, fmt)`` writes one file per raw table (the dbt
sources contract), ``_manifest.json`` and ``_truth/contacts.parquet``.
"""

from .generator import GENERATOR_VERSION, generate

__all__ = ["GENERATOR_VERSION", "generate"]
