"""Duplicate contact records: the same person entered again later under a new id.

The duplicate has the address in another case and/or with stray spaces and a later
created_at; some of the person's later events, activities and associations point at it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .arrays import DAY, int_strings, pick_exact
from .dirt import DUPLICATE_CONTACT_RATE, email_variants
from .people import (
    CONTACT_ID_BASE,
    EMAIL_BLANK,
    EMAIL_MALFORMED,
    ID_BLOCK,
    STAGE_LEAD,
    STAGE_SUBSCRIBER,
    Contacts,
)
from .world import World


@dataclass
class Duplicates:
    """Duplicate records; contact index space is [originals..., duplicates...]."""

    original: np.ndarray
    created: np.ndarray
    ids: pa.Array
    email: pa.Array
    stage: np.ndarray

    @property
    def n(self) -> int:
        """Number of duplicate records."""
        return len(self.original)


def plan_duplicates(
    world: World, rng: np.random.Generator, chunk: int, contacts: Contacts
) -> Duplicates:
    """Pick the people entered twice and describe their second record."""
    ok = (
        (contacts.email_kind != EMAIL_BLANK)
        & (contacts.email_kind != EMAIL_MALFORMED)
        & (contacts.created < world.horizon - 3 * DAY)
    )
    pool = np.flatnonzero(ok)
    original = pool[pick_exact(rng, len(pool), DUPLICATE_CONTACT_RATE)]
    c0 = contacts.created[original]
    created = c0 + (world.horizon - c0) * rng.uniform(0.05, 0.95, len(original))
    local = contacts.n + np.arange(len(original))
    return Duplicates(
        original=original,
        created=created,
        ids=int_strings(CONTACT_ID_BASE + chunk * ID_BLOCK + local),
        email=email_variants(rng, contacts.email.take(pa.array(original))),
        stage=np.where(rng.random(len(original)) < 0.8, STAGE_LEAD, STAGE_SUBSCRIBER),
    )


def reassign(
    rng: np.random.Generator,
    dups: Duplicates,
    n_contacts: int,
    owner: np.ndarray,
    time: np.ndarray,
    group: np.ndarray | None = None,
    share: float = 0.5,
) -> np.ndarray:
    """Contact index per row after pointing some rows of duplicated people at the duplicate.

    ``owner`` is each row's contact index (-1 for none). Rows of a duplicated person at or
    after the duplicate's creation move to it with probability ``share``, decided per
    ``group`` value (e.g. per cookie or campaign) when given, else per row.
    """
    out = np.array(owner, dtype=np.int64)
    if dups.n == 0 or len(out) == 0:
        return out
    slot = np.full(n_contacts, -1)
    slot[dups.original] = np.arange(dups.n)
    k = np.where(out >= 0, slot[np.maximum(out, 0)], -1)
    cand = np.flatnonzero((k >= 0) & (time >= dups.created[np.maximum(k, 0)]))
    if group is None:
        move = rng.random(len(cand)) < share
    else:
        salt = int(rng.integers(1, 2**31 - 1))
        g = (np.asarray(group, dtype=np.int64)[cand] * 2_654_435_761 + salt) % 1_000_003
        move = (g / 1_000_003) < share
    out[cand[move]] = n_contacts + k[cand[move]]
    return out
