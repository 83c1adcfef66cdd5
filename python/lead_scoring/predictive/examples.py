"""Who is learned from and who is scored.

- :func:`training_examples`: one example per contact that entered the start stage, as of that
  entry, labelled by whether it reached the end stage (or later) within the window.
- :func:`recent_entrants`: the contacts that entered the start stage too recently to be
  labelled (the newest cohort, compared with the examples for drift).
- :func:`time_split`: the latest examples (by as-of instant) as the holdout.
- :func:`current_leads`: the contacts scored as of a date.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from lead_scoring.predictive.inputs import PreparedInputs, is_in
from lead_scoring.predictive.settings import STAGE_ORDER, UNORDERED_STAGES, PredictiveSettings

EXAMPLE_COLUMNS = ("contact_id", "as_of", "label", "converted_at")


def _first_entries(
    prepared: PreparedInputs, settings: PredictiveSettings, as_of: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every known contact's first entry into ``start_stage`` at or before ``as_of``
    (``contact_id``, ``as_of`` = the entry instant), without the contacts that had already
    reached the end stage (or later) at or before it; and the end-stage (or later) entries
    after it (``contact_id``, ``entered_at``). Only stage changes at or before ``as_of``."""
    changes = prepared.stage_changes
    changes = changes[changes["entered_at"] <= as_of]
    known = set(prepared.contacts["contact_id"])
    starts = (
        changes[
            (changes["lifecycle_stage"] == settings.start_stage)
            & is_in(changes["contact_id"], known)
        ]
        .groupby("contact_id", as_index=False)["entered_at"]
        .min()
        .rename(columns={"entered_at": "as_of"})
    )
    reached = changes.loc[
        changes["stage_order"] >= settings.end_order, ["contact_id", "entered_at"]
    ]
    paired = starts.merge(reached, on="contact_id", how="left")
    before = paired[paired["entered_at"] <= paired["as_of"]]["contact_id"].unique()
    after = paired[paired["entered_at"] > paired["as_of"]]
    return starts[~is_in(starts["contact_id"], before)], after[["contact_id", "entered_at"]]


def training_examples(
    prepared: PreparedInputs, settings: PredictiveSettings, as_of: pd.Timestamp
) -> pd.DataFrame:
    """One row per contact that entered ``start_stage`` (first entry), whose conversion window
    has closed by ``as_of``: ``contact_id``, ``as_of`` (the entry instant, where features are
    computed), ``label`` (1 when the contact entered the end stage or a later one after the
    entry and at most ``conversion_window_days`` after it), ``converted_at``.

    Left out: contacts not in ``contacts``; entries whose window ends after ``as_of`` (those
    are :func:`recent_entrants`); contacts that had already reached the end stage (or later)
    at or before their entry (recycled or skipped records: nothing left to predict). Only
    stage changes at or before ``as_of`` are read. Sorted by (as_of, contact_id).
    """
    starts, after = _first_entries(prepared, settings, as_of)
    window = pd.Timedelta(days=settings.conversion_window_days)
    starts = starts[starts["as_of"] + window <= as_of]
    converted = (
        after.groupby("contact_id", as_index=False)["entered_at"]
        .min()
        .rename(columns={"entered_at": "converted_at"})
    )
    examples = starts.merge(converted, on="contact_id", how="left")
    examples["label"] = (
        examples["converted_at"].notna() & (examples["converted_at"] <= examples["as_of"] + window)
    ).astype("int64")
    examples = examples.sort_values(["as_of", "contact_id"], kind="mergesort")
    return examples.loc[:, list(EXAMPLE_COLUMNS)].reset_index(drop=True)


def latest_examples(examples: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The latest ``limit`` examples of :func:`training_examples` (sorted by as-of instant,
    then contact id; ties at the cut go by contact id), or all of them when ``limit`` is 0 or
    there are no more than ``limit``."""
    if limit <= 0 or len(examples) <= limit:
        return examples
    ordered = examples.sort_values(["as_of", "contact_id"], kind="mergesort")
    return ordered.iloc[len(ordered) - limit :].reset_index(drop=True)


def recent_entrants(
    prepared: PreparedInputs, settings: PredictiveSettings, as_of: pd.Timestamp
) -> pd.DataFrame:
    """The newest cohort: contacts whose first entry into ``start_stage`` is in
    ``(as_of - conversion_window_days, as_of]`` - too recent to be labelled, so not training
    examples (together with :func:`training_examples`, every first entry at or before
    ``as_of``). ``contact_id``, ``as_of`` (the entry instant). Same exclusions as the
    training examples (unknown contacts; already at or past the end stage at entry); a later
    conversion does not matter. Sorted by (as_of, contact_id).
    """
    starts, _ = _first_entries(prepared, settings, as_of)
    window = pd.Timedelta(days=settings.conversion_window_days)
    recent = starts[starts["as_of"] + window > as_of]
    recent = recent.sort_values(["as_of", "contact_id"], kind="mergesort")
    return recent.loc[:, ["contact_id", "as_of"]].reset_index(drop=True)


def time_split(as_of: pd.Series, holdout_fraction: float) -> np.ndarray:
    """``"train"`` / ``"holdout"`` per example: the holdout is the latest
    ``ceil(fraction * n)`` examples by as-of instant, extended to every example tied with the
    earliest of them, so every holdout as-of is >= every training as-of."""
    n = len(as_of)
    split = np.full(n, "train", dtype=object)
    if n == 0:
        return split
    size = min(n, max(1, math.ceil(holdout_fraction * n)))
    ordered = np.sort(as_of.to_numpy())
    cutoff = ordered[n - size]
    split[as_of.to_numpy() >= cutoff] = "holdout"
    return split


def stage_of(stages: pd.Series) -> pd.Series:
    """A contact's lifecycle stage as one of the ordered stages, ``other`` or ``unknown``."""
    known = (*STAGE_ORDER, *UNORDERED_STAGES)
    return stages.where(stages.isin(known), "unknown")


def current_leads(
    prepared: PreparedInputs, settings: PredictiveSettings, as_of: pd.Timestamp
) -> pd.DataFrame:
    """The contacts to score: ``contact_id``, ``as_of``, ``lifecycle_stage``.

    A contact is scored when its ``lifecycle_stage`` as of ``as_of`` is in
    ``current_lead_stages``. That stage is the one of its latest lifecycle stage change at or
    before ``as_of`` (point in time, like the training examples: a past ``as_of`` does not see
    a later promotion); a contact without stage history falls back to the CRM property (blank
    or not a known stage = ``unknown``). Sorted by contact_id. (Staging already drops records
    created after ``as_of`` plus the clock-skew tolerance; features clip a negative contact
    age to 0.)
    """
    contacts = prepared.contacts
    changes = prepared.stage_changes
    changes = changes[changes["entered_at"] <= as_of]
    latest = (
        changes.sort_values(["contact_id", "entered_at"], kind="mergesort")
        .groupby("contact_id")["lifecycle_stage"]
        .last()
    )
    from_history = contacts["contact_id"].map(latest)
    stages = stage_of(from_history.where(from_history.notna(), contacts["lifecycle_stage"]))
    keep = stages.isin(settings.current_lead_stages)
    leads = pd.DataFrame(
        {
            "contact_id": contacts.loc[keep, "contact_id"],
            "as_of": as_of,
            "lifecycle_stage": stages[keep],
        }
    )
    return leads.sort_values("contact_id", kind="mergesort").reset_index(drop=True)
