"""The rule-based score of past examples, point in time, with the reference scorer.

Used to compare the model with the rule score on the same holdout examples: each example is
scored with :func:`lead_scoring.scoring.score_record` as of its own as-of instant, reading only
the events strictly before that instant (the same information the model's features have) and
list memberships added before it (when ``added_at`` is known). Properties are the current
values (the warehouse keeps no property history): a documented limitation.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from lead_scoring.predictive.inputs import (
    COMPANY_MULTI_VALUED,
    COMPANY_PROPERTIES,
    CONTACT_PROPERTIES,
    PreparedInputs,
    is_in,
)
from lead_scoring.scoring import Event, PropertyValue, Record, score_record


def _as_text(value: object) -> str | None:
    """A property value as the warehouse casts it to text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return None
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    text = str(value).strip()
    return text or None


def _long(frame: pd.DataFrame, id_column: str, names: tuple[str, ...]) -> pd.DataFrame:
    """(record_id, property_name, property_value) rows, blanks dropped."""
    parts = []
    for name in names:
        values = frame[name].map(_as_text) if name in frame.columns else None
        if values is None:
            continue
        parts.append(
            pd.DataFrame(
                {"record_id": frame[id_column], "property_name": name, "property_value": values}
            )
        )
    if not parts:
        return pd.DataFrame(columns=["record_id", "property_name", "property_value"])
    long = pd.concat(parts, ignore_index=True)
    return long.dropna(subset=["property_value"])


def _property_values(prepared: PreparedInputs, contact_ids: set[str]) -> pd.DataFrame:
    """The contact's own and its primary company's property values (as the rule engine)."""
    if prepared.property_values is not None:
        values = prepared.property_values
        return values[is_in(values["record_id"], contact_ids)]
    contacts = prepared.contacts[is_in(prepared.contacts["contact_id"], contact_ids)]
    own = _long(contacts, "contact_id", CONTACT_PROPERTIES).assign(property_object="contact")
    custom = prepared.custom_properties
    custom = custom[is_in(custom["contact_id"], contact_ids)].rename(
        columns={"contact_id": "record_id"}
    )
    custom = custom.loc[:, ["record_id", "property_name", "property_value"]].assign(
        property_object="contact"
    )
    companies = prepared.companies
    single = _long(companies, "company_id", COMPANY_PROPERTIES)
    multi = _long(companies, "company_id", COMPANY_MULTI_VALUED)
    multi["property_value"] = multi["property_value"].str.split(";")
    multi = multi.explode("property_value")
    multi["property_value"] = multi["property_value"].str.strip()
    multi = multi[multi["property_value"].fillna("") != ""]
    company_values = pd.concat([single, multi], ignore_index=True).rename(
        columns={"record_id": "company_id"}
    )
    linked = contacts[["contact_id", "primary_company_id"]].merge(
        company_values, left_on="primary_company_id", right_on="company_id"
    )
    linked = linked.rename(columns={"contact_id": "record_id"}).assign(property_object="company")
    columns = ["record_id", "property_object", "property_name", "property_value"]
    return pd.concat(
        [own[columns], custom[columns], linked[columns]], ignore_index=True
    ).drop_duplicates()


def rule_scores_as_of(
    prepared: PreparedInputs, score_id: str, examples: pd.DataFrame
) -> tuple[np.ndarray, str | None]:
    """The rule score's total per example (``contact_id``, ``as_of``), NaN outside its audience,
    and a note when it cannot be computed (then all NaN)."""
    n = len(examples)
    empty = np.full(n, np.nan)
    config = prepared.scoring_config
    if config is None:
        return empty, "no scoring configuration given: rule-score AUC not computed"
    try:
        score = config.score(score_id)
    except KeyError:
        return empty, f"rule score {score_id!r} not in the scoring configuration"
    if score.object_type != "contact":
        return empty, f"rule score {score_id!r} scores {score.object_type}s, not contacts"
    rules = config.rules_of(score_id)
    event_types = {rule.event_type for rule in rules if rule.rule_kind == "event"}
    event_properties = sorted(
        {rule.property_name for rule in rules if rule.rule_kind == "event" and rule.property_name}
    )
    ids = set(examples["contact_id"])

    properties: dict[str, list[PropertyValue]] = defaultdict(list)
    values = _property_values(prepared, ids)
    for record_id, obj, name, value in zip(
        values["record_id"],
        values["property_object"],
        values["property_name"].str.lower(),
        values["property_value"],
        strict=True,
    ):
        properties[record_id].append(PropertyValue(obj, name, value))

    events: dict[str, list[Event]] = defaultdict(list)
    frame = prepared.events
    frame = frame[is_in(frame["contact_id"], ids) & is_in(frame["event_type"], event_types)]
    frame = frame.sort_values(["contact_id", "occurred_at"], kind="mergesort")
    columns = [
        frame[name].astype("str").tolist() if name in frame.columns else [None] * len(frame)
        for name in event_properties
    ]
    ids_of_events = (
        frame["event_id"].astype("str")
        if "event_id" in frame.columns
        else pd.Series(np.arange(len(frame)), dtype="int64").astype("str")
    )  # identifies an event only: the score does not depend on it
    rows = zip(
        ids_of_events,
        frame["contact_id"],
        frame["event_type"],
        frame["occurred_at"].dt.to_pydatetime(),
        *columns,
        strict=True,
    )
    for event_id, contact_id, event_type, occurred_at, *cells in rows:
        props = {
            name: None if cell is None or cell != cell else cell
            for name, cell in zip(event_properties, cells, strict=True)
        }
        events[contact_id].append(Event(event_id, event_type, occurred_at, props))

    memberships: dict[str, list[tuple[str, pd.Timestamp]]] = defaultdict(list)
    if prepared.list_memberships is not None:
        lists = prepared.list_memberships
        lists = lists[
            is_in(lists["record_id"], ids) & (lists["object_type"].fillna("contact") == "contact")
        ]
        for record_id, list_id, added_at in zip(
            lists["record_id"], lists["list_id"], lists["added_at"], strict=True
        ):
            memberships[record_id].append((list_id, added_at))

    totals = np.full(n, np.nan)
    for i, (contact_id, as_of) in enumerate(
        zip(examples["contact_id"], examples["as_of"], strict=True)
    ):
        instant = pd.Timestamp(as_of).to_pydatetime(warn=False)
        record = Record(
            record_id=contact_id,
            properties=tuple(properties.get(contact_id, ())),
            events=tuple(e for e in events.get(contact_id, ()) if e.occurred_at < instant),
            list_ids=frozenset(
                list_id
                for list_id, added_at in memberships.get(contact_id, ())
                if pd.isna(added_at) or added_at < as_of
            ),
        )
        result = score_record(config, score_id, record, instant)
        if result.total is not None:
            totals[i] = result.total
    return totals, None
