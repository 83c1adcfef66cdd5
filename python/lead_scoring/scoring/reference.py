"""Reference implementation of rule-based scoring: the oracle for the SQL engine.

Straightforward loops over one record at a time, following docs/scoring-engine.md
("Evaluation, in order" and "Explanations that add up"). Deterministic: the same
configuration, records and ``as_of`` always give the same results, contributions in
configuration order (rules in file order; ``individually`` values in file order).

The caller prepares each record as the staging models would:

- ``Record.properties`` holds one :class:`PropertyValue` per (property object, property,
  value): the record's own properties and those of its associated objects (a contact's
  primary company, a contact's deals, a deal's company), multi-valued properties split into
  one row per value. Values are not split here: ``"a; b"`` is one value.
- ``Record.events`` holds the events that count for the record: a contact's own events; for a
  company or deal, the events of its associated contacts already filtered by the score's
  ``contact_role``. Events after ``as_of`` are ignored here (staging rejects them).
- ``Record.list_ids`` holds the lists the record is a member of (audiences).

``as_of`` and the events' ``occurred_at`` must be both timezone-aware (UTC) or both naive.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from lead_scoring.scoring.config import (
    DEFAULT_TOTAL_CAP,
    Band,
    Group,
    Rule,
    RuleValue,
    Score,
    ScoringConfig,
)
from lead_scoring.scoring.operators import INDIVIDUAL_OPERATORS, matches, normalized_list

# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class PropertyValue:
    """One value of one property of the record or of an associated object."""

    property_object: str  # whose property: contact, company or deal
    property_name: str
    value: str | None  # as text; numbers and dates are parsed when compared


@dataclass(frozen=True)
class Event:
    """One event that counts for the record."""

    event_id: str
    event_type: str
    occurred_at: datetime
    properties: Mapping[str, str | None]


@dataclass(frozen=True)
class Record:
    """A contact, company or deal, with everything its scores read."""

    record_id: str
    properties: tuple[PropertyValue, ...] = ()
    events: tuple[Event, ...] = ()
    list_ids: frozenset[str] = frozenset()

    def values_of(self, property_object: str, property_name: str) -> list[str | None]:
        """The record's values of one property of one object (blank ones included)."""
        return [
            item.value
            for item in self.properties
            if item.property_object == property_object and item.property_name == property_name
        ]


# ---------------------------------------------------------------------------------------------
# Outputs


@dataclass(frozen=True)
class RuleContribution:
    """What one matched rule (``individually``: one matched value of it) adds to a score.

    ``points_raw``: before decay (``points`` times the events counted, or ``points`` once);
    ``points_after_decay``: after decay; ``points_after_caps``: after the group cap, the total
    cap and the floor have been shared out. ``value`` is the configured value for
    ``individually`` rules, None for ``together`` rules. ``event_count`` is the number of
    matching events counted (0 for property rules).
    """

    score_id: str
    group_id: str
    rule_id: str
    value: str | None
    points_raw: float
    points_after_decay: float
    points_after_caps: float
    event_count: int


@dataclass(frozen=True)
class ScoreResult:
    """One record's score. Outside the audience every score, label and part is None."""

    score_id: str
    record_id: str
    is_in_audience: bool
    total: float | None
    fit: float | None  # None for engagement scores
    engagement: float | None  # None for fit scores
    group_points: Mapping[str, float]  # every group of the score, after its group cap
    contributions: tuple[RuleContribution, ...]  # sum to total
    fit_label: str | None
    engagement_label: str | None
    total_label: str | None
    matrix_label: str | None  # combined scores only
    tier: str | None


# ---------------------------------------------------------------------------------------------
# Rules


@dataclass(frozen=True)
class _Match:
    """A matched rule (or matched value of an ``individually`` rule), before caps."""

    rule: Rule
    value: str | None
    points_raw: float
    points_after_decay: float
    event_count: int


def _points(points: float | None, rule: Rule) -> float:
    if points is None:
        raise ValueError(f"score '{rule.score_id}', rule '{rule.rule_id}': missing points")
    return points


def decay_factor(
    decay_percent: float, decay_period_days: int, occurred_at: datetime, as_of: datetime
) -> float:
    """``max(0, 1 - D/100 * floor(age_days / P))``, ``age_days`` in whole days."""
    age_days = (as_of - occurred_at) // timedelta(days=1)
    periods = age_days // decay_period_days
    return max(0.0, 1.0 - decay_percent / 100.0 * periods)


def _decay_of(rule: Rule, group: Group) -> tuple[float, int] | None:
    """The rule's decay (percent, period days), else its group's, else None."""
    if rule.decay_percent is not None and rule.decay_period_days is not None:
        return rule.decay_percent, rule.decay_period_days
    if group.decay_percent is not None and group.decay_period_days is not None:
        return group.decay_percent, group.decay_period_days
    return None


def frequency_satisfied(rule: Rule, count: int) -> bool:
    """Whether a count of matching events satisfies the rule's frequency condition."""
    low = rule.frequency_min
    if rule.frequency == "exactly":
        return count == low
    if rule.frequency == "at_least":
        return low is not None and count >= low
    if rule.frequency == "between":
        high = rule.frequency_max
        return low is not None and high is not None and low <= count <= high
    raise ValueError(f"unknown frequency {rule.frequency!r}")


@dataclass(frozen=True)
class _Unit:
    """What a rule scores as one: ``together``, the whole value list at the rule's points;
    ``individually``, one listed value at its own points."""

    label: str | None  # the configured value (individually), None (together)
    points: float
    listed: list[str]  # normalized values the operator tests against


def _units(rule: Rule, values: Sequence[RuleValue]) -> list[_Unit]:
    if rule.mode == "together":
        listed = normalized_list(value.value for value in values)
        return [_Unit(None, _points(rule.points, rule), listed)]
    if rule.mode == "individually":
        if rule.operator not in INDIVIDUAL_OPERATORS:
            raise ValueError(
                f"score '{rule.score_id}', rule '{rule.rule_id}': operator {rule.operator!r} "
                "cannot score values individually"
            )
        return [
            _Unit(value.value, _points(value.points, rule), normalized_list([value.value]))
            for value in values
        ]
    raise ValueError(f"score '{rule.score_id}', rule '{rule.rule_id}': unknown value_mode")


def _property_matches(
    rule: Rule, values: Sequence[RuleValue], score: Score, record: Record
) -> list[_Match]:
    """A property rule: once per matched unit (the list, or each listed value)."""
    if rule.operator is None or rule.property_name is None:
        raise ValueError(f"score '{rule.score_id}', rule '{rule.rule_id}': incomplete rule")
    record_values = record.values_of(rule.property_object or score.object_type, rule.property_name)
    return [
        _Match(rule, unit.label, unit.points, unit.points, 0)
        for unit in _units(rule, values)
        if matches(rule.operator, record_values, unit.listed, rule.value_low, rule.value_high)
    ]


def _counted_events(rule: Rule, record: Record, as_of: datetime) -> list[Event]:
    """The rule's event type, at or before ``as_of`` and inside the rule's window."""
    start = None if rule.window_days is None else as_of - timedelta(days=rule.window_days)
    return [
        event
        for event in record.events
        if event.event_type == rule.event_type
        and event.occurred_at <= as_of
        and (start is None or event.occurred_at > start)
    ]


def _event_matches(
    rule: Rule, values: Sequence[RuleValue], group: Group, record: Record, as_of: datetime
) -> list[_Match]:
    """An event rule: per matched unit, every matching event (after decay), or once when the
    frequency condition holds."""
    events = _counted_events(rule, record, as_of)
    decay = None if rule.frequency is not None else _decay_of(rule, group)
    found = []
    for unit in _units(rule, values):
        if rule.property_name is None:
            matching = events
        else:
            if rule.operator is None:
                raise ValueError(f"score '{rule.score_id}', rule '{rule.rule_id}': no operator")
            matching = [
                event
                for event in events
                if matches(
                    rule.operator,
                    [event.properties.get(rule.property_name)],
                    unit.listed,
                    rule.value_low,
                    rule.value_high,
                )
            ]
        count = len(matching)
        if rule.frequency is not None:
            if frequency_satisfied(rule, count):
                found.append(_Match(rule, unit.label, unit.points, unit.points, count))
        elif matching:
            factors = [
                1.0 if decay is None else decay_factor(*decay, event.occurred_at, as_of)
                for event in matching
            ]
            decayed = math.fsum(unit.points * factor for factor in factors)
            found.append(_Match(rule, unit.label, unit.points * count, decayed, count))
    return found


# ---------------------------------------------------------------------------------------------
# Caps and floor, shared out over the matched rules


def _scale_positives_to(points: list[float], indices: Iterable[int], target: float) -> None:
    """Scale the positive entries by one factor so the entries sum to ``target``."""
    chosen = list(indices)
    positive = math.fsum(points[i] for i in chosen if points[i] > 0)
    negative = math.fsum(points[i] for i in chosen if points[i] < 0)
    if positive > 0:
        factor = (target - negative) / positive
        for i in chosen:
            if points[i] > 0:
                points[i] *= factor


def _scale_negatives_to(points: list[float], indices: Iterable[int], target: float) -> None:
    """Scale the negative entries by one factor so the entries sum to ``target``."""
    chosen = list(indices)
    positive = math.fsum(points[i] for i in chosen if points[i] > 0)
    negative = math.fsum(points[i] for i in chosen if points[i] < 0)
    if negative < 0:
        factor = (target - positive) / negative
        for i in chosen:
            if points[i] < 0:
                points[i] *= factor


def _clamp(points: float, cap: float, floor: float | None) -> float:
    """``max(min(points, cap), floor)``; no floor when ``floor`` is None."""
    capped = min(points, cap)
    return capped if floor is None else max(capped, floor)


# ---------------------------------------------------------------------------------------------
# Labels


def band_for(bands: Sequence[Band], points: float | None) -> Band | None:
    """The band with the highest ``min_score`` at or below ``points``; the lowest band also
    covers anything below it (negative scores of a score without a floor)."""
    if points is None or not bands:
        return None
    reached = [band for band in bands if band.min_score <= points]
    if not reached:
        return min(bands, key=lambda band: band.min_score)
    return max(reached, key=lambda band: band.min_score)


def _name(band: Band | None) -> str | None:
    return None if band is None else band.band_name


# ---------------------------------------------------------------------------------------------
# Scores


def in_audience(config: ScoringConfig, score_id: str, record: Record) -> bool:
    """Not in an exclusion list, and in an inclusion list when the score has any."""
    audiences = config.audiences_of(score_id)
    included = [a.list_id for a in audiences if a.audience_type == "include"]
    excluded = [a.list_id for a in audiences if a.audience_type == "exclude"]
    if any(list_id in record.list_ids for list_id in excluded):
        return False
    return not included or any(list_id in record.list_ids for list_id in included)


def score_record(
    config: ScoringConfig, score_id: str, record: Record, as_of: datetime
) -> ScoreResult:
    """One score of one record as of a date (the score is computed even when disabled)."""
    score = config.score(score_id)
    # 5. Audience (first: outside it nothing is computed).
    if not in_audience(config, score_id, record):
        return ScoreResult(
            score_id=score_id,
            record_id=record.record_id,
            is_in_audience=False,
            total=None,
            fit=None,
            engagement=None,
            group_points={},
            contributions=(),
            fit_label=None,
            engagement_label=None,
            total_label=None,
            matrix_label=None,
            tier=None,
        )

    # 1-2. Rules.
    groups = config.groups_of(score_id)
    group_by_id = {group.group_id: group for group in groups}
    found: list[_Match] = []
    for rule in config.rules_of(score_id):
        group = group_by_id.get(rule.group_id)
        if group is None:
            raise ValueError(f"score '{score_id}', rule '{rule.rule_id}': unknown group")
        values = config.values_of(score_id, rule.rule_id)
        if rule.rule_kind == "property":
            found.extend(_property_matches(rule, values, score, record))
        elif rule.rule_kind == "event":
            found.extend(_event_matches(rule, values, group, record, as_of))
        else:
            raise ValueError(f"score '{score_id}', rule '{rule.rule_id}': unknown rule_kind")

    # 3. Groups: sum, then the group cap (shared out over the group's positive rules).
    shares = [match.points_after_decay for match in found]
    group_points: dict[str, float] = {}
    for group in groups:
        members = [i for i, match in enumerate(found) if match.rule.group_id == group.group_id]
        group_sum = math.fsum(found[i].points_after_decay for i in members)
        if group.group_cap is not None and group_sum > group.group_cap:
            _scale_positives_to(shares, members, group.group_cap)
            group_sum = group.group_cap
        group_points[group.group_id] = group_sum

    # 4. Total: total cap (shared out over all positive rules), then floor (over negatives).
    total_cap = DEFAULT_TOTAL_CAP if score.total_cap is None else score.total_cap
    uncapped = math.fsum(group_points.values())
    total = _clamp(uncapped, total_cap, score.floor)
    if uncapped > total_cap:
        _scale_positives_to(shares, range(len(shares)), total_cap)
    elif score.floor is not None and uncapped < score.floor:
        _scale_negatives_to(shares, range(len(shares)), score.floor)

    def part(kind: str) -> float:
        points = math.fsum(group_points[g.group_id] for g in groups if g.group_kind == kind)
        return _clamp(points, total_cap, score.floor)

    fit: float | None = None
    engagement: float | None = None
    if score.score_type == "fit":
        fit = total
    elif score.score_type == "engagement":
        engagement = total
    else:
        fit, engagement = part("fit"), part("engagement")

    # 6. Labels.
    fit_band = band_for(config.bands_of(score_id, "fit"), fit)
    engagement_band = band_for(config.bands_of(score_id, "engagement"), engagement)
    matrix_label = None
    if (
        score.score_type == "combined"
        and fit_band is not None
        and engagement_band is not None
        and fit_band.matrix_code is not None
        and engagement_band.matrix_code is not None
    ):
        matrix_label = fit_band.matrix_code + engagement_band.matrix_code

    contributions = tuple(
        RuleContribution(
            score_id=score_id,
            group_id=match.rule.group_id,
            rule_id=match.rule.rule_id,
            value=match.value,
            points_raw=match.points_raw,
            points_after_decay=match.points_after_decay,
            points_after_caps=share,
            event_count=match.event_count,
        )
        for match, share in zip(found, shares, strict=True)
    )
    return ScoreResult(
        score_id=score_id,
        record_id=record.record_id,
        is_in_audience=True,
        total=total,
        fit=fit,
        engagement=engagement,
        group_points=group_points,
        contributions=contributions,
        fit_label=_name(fit_band),
        engagement_label=_name(engagement_band),
        total_label=_name(band_for(config.bands_of(score_id, "total"), total)),
        matrix_label=matrix_label,
        tier=_name(band_for(config.bands_of(score_id, "tier"), total)),
    )


def score_records(
    config: ScoringConfig, records: Mapping[str, Iterable[Record]], as_of: datetime
) -> list[ScoreResult]:
    """Every enabled score for every record of its object type.

    ``records`` maps an object type (``contact``, ``company``, ``deal``) to its records.
    Results come score by score (configuration order), records in the given order.
    """
    by_type = {object_type: list(items) for object_type, items in records.items()}
    return [
        score_record(config, score.score_id, record, as_of)
        for score in config.enabled_scores()
        for record in by_type.get(score.object_type, [])
    ]
