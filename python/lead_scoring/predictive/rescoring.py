"""Incremental scoring: score again only the leads whose inputs changed.

Every computation of :func:`~lead_scoring.predictive.model.score` is per lead: a lead's row
depends only on its own input rows - its contact row, its primary company's row, its custom
properties, its lifecycle stage changes and its events within the model's recency cap before
the scoring date - and on the context: the model, the scoring date and settings, and the
package. :func:`input_hashes` fingerprints both per lead (``inputs_hash``); a run that kept the
previous run's rows with their hashes scores again only the leads whose hash is new or
different, and removes the rows of leads that are no longer current (:func:`rescore`).

A new model, a new scoring date, new settings or a new package version change every lead's
hash, so every lead is scored again: the rows are always those a full scoring gives (up to
64-bit hash collisions of an unchanged fingerprint; floating-point results can differ in the
last bit, as between scorings in parts of different sizes).
"""

from __future__ import annotations

import importlib.metadata
import json
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lead_scoring.predictive.inputs import PreparedInputs
from lead_scoring.predictive.model import SCORE_COLUMNS, PredictiveModel, package_version
from lead_scoring.predictive.reading import Digests
from lead_scoring.predictive.settings import PredictiveSettings

#: The column of the fingerprint, next to the score columns.
INPUTS_HASH = "inputs_hash"
#: Libraries whose arithmetic or hashing the rows depend on (a new version scores everyone).
_LIBRARIES = ("numpy", "pandas", "scikit-learn", "duckdb")


def _library_versions() -> dict[str, str]:
    versions = {}
    for name in _LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def context_key(model: PredictiveModel, settings: PredictiveSettings, as_of: pd.Timestamp) -> str:
    """What every lead's row depends on besides its own inputs, as text."""
    return json.dumps(
        {
            "model_version": model.model_version,
            "package": package_version(),
            "libraries": _library_versions(),
            "settings": settings.to_json(),
            "as_of": as_of.isoformat(),
        },
        sort_keys=True,
    )


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    return pd.util.hash_pandas_object(frame, index=False).to_numpy(dtype="uint64")


def _text_array(values: pd.Series | pd.Index) -> pa.Array:
    return pa.array(pd.Series(values).astype("str"), from_pandas=True).cast(pa.large_string())


def _positions(values: pd.Series, keys: pa.Array) -> np.ndarray:
    """Position of each value in ``keys`` (unique text; -1: not there or null), by Arrow (an
    order of magnitude faster than a pandas index on a million text ids)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        per_category = _positions(pd.Series(values.cat.categories), keys)
        return np.append(per_category, -1)[values.cat.codes.to_numpy()]
    found = pc.index_in(_text_array(values), value_set=keys)
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype("int64")


def _per_lead(contact_ids: pd.Series, hashes: np.ndarray, leads: pa.Array) -> np.ndarray:
    """Row hashes summed (modulo 2**64) per lead; rows of other contacts are left out."""
    position = _positions(contact_ids, leads)
    inside = position >= 0
    total = np.zeros(len(leads), dtype="uint64")
    np.add.at(total, position[inside], hashes[inside])
    return total


def only_contacts(prepared: PreparedInputs, contact_ids: pd.Index) -> dict[str, pd.DataFrame]:
    """``prepared``'s contacts, custom properties and stage changes of ``contact_ids`` only,
    keyed as its fields."""
    keys = _text_array(contact_ids)
    return {
        name: frame[_positions(frame["contact_id"], keys) >= 0].reset_index(drop=True)
        for name, frame in (
            (name, getattr(prepared, name))
            for name in ("contacts", "custom_properties", "stage_changes")
        )
    }


def input_hashes(
    prepared: PreparedInputs, leads: pd.DataFrame, events: Digests, context: str
) -> np.ndarray:
    """One fingerprint per row of ``leads`` (int64): of the lead's contact row, its primary
    company's row, its custom properties and lifecycle stage changes (all of ``prepared``, its
    columns as normalised), its events (``events``: counts and digests per lead, in ``leads``
    order), its current stage and ``context`` (:func:`context_key`)."""
    ids = _text_array(leads["contact_id"])
    contacts = prepared.contacts
    contact_position = _positions(contacts["contact_id"], ids)
    contact_hashes = np.zeros(len(ids), dtype="uint64")
    found = contact_position >= 0
    contact_hashes[contact_position[found]] = _row_hashes(contacts)[found]
    company_ids = np.full(len(ids), None, dtype=object)
    company_ids[contact_position[found]] = contacts["primary_company_id"].to_numpy(dtype=object)[
        found
    ]
    companies = prepared.companies
    company_position = _positions(
        pd.Series(company_ids, dtype="object"), _text_array(companies["company_id"])
    )
    company_hashes = np.append(_row_hashes(companies), np.uint64(0))[company_position]
    components = pd.DataFrame(
        {
            "contact": contact_hashes,
            "company": company_hashes,
            "custom_properties": _per_lead(
                prepared.custom_properties["contact_id"],
                _row_hashes(prepared.custom_properties),
                ids,
            ),
            "stage_changes": _per_lead(
                prepared.stage_changes["contact_id"], _row_hashes(prepared.stage_changes), ids
            ),
            "event_count": events.counts.astype("uint64"),
            "event_digest": events.digests,
            "lifecycle_stage": _row_hashes(leads[["lifecycle_stage"]].astype("str")),
        }
    )
    components["context"] = _row_hashes(pd.DataFrame({"context": [context]}))[0]
    return _row_hashes(components).view("int64")


def rescore(
    leads: pd.DataFrame,
    hashes: np.ndarray,
    previous: pd.DataFrame | None,
    score_some: Callable[[pd.Index], pd.DataFrame],
) -> pd.DataFrame:
    """The rows an incremental run writes, keyed by ``contact_id``: the score rows (with
    ``inputs_hash``) of the leads that are new or whose hash differs from ``previous``'s (the
    table's ``contact_id`` and ``inputs_hash``, a nullable Int64; None: a first or full run,
    every lead), scored by ``score_some(contact_ids)``; and, for each contact of ``previous``
    that is no longer a lead, a row with only its ``contact_id`` (``inputs_hash`` null: to
    delete). Whole-number columns are nullable (Int64) so that both kinds fit one frame."""
    current = pd.Series(hashes, index=pd.Index(leads["contact_id"], dtype="object"))
    changed = current.index
    gone = pd.Index([], dtype="object")
    if previous is not None:
        before = previous.drop_duplicates("contact_id").set_index("contact_id")[INPUTS_HASH]
        before = before.astype("Int64").reindex(current.index)
        same = before.notna().to_numpy() & (before.fillna(0).to_numpy(dtype="int64") == hashes)
        changed = current.index[~same]
        gone = pd.Index(previous["contact_id"], dtype="object").difference(current.index)
    scored = score_some(changed)
    scored[INPUTS_HASH] = current.reindex(scored["contact_id"]).to_numpy(dtype="int64")
    removed = pd.DataFrame({"contact_id": pd.Series(gone, dtype="object")})
    out = pd.concat([scored, removed], ignore_index=True) if len(removed) else scored
    whole = {c: "Int64" for c, kind in scored.dtypes.items() if pd.api.types.is_integer_dtype(kind)}
    return out.astype(whole)[[*SCORE_COLUMNS, INPUTS_HASH]]
