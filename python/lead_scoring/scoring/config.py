"""The scoring configuration: the six seed tables of docs/scoring-engine.md as data.

One frozen dataclass per table, with fields named exactly as the seed columns and in the same
order; :class:`ScoringConfig` holds them all. :func:`load_config` reads the CSV files,
:func:`write_config` writes them back, :func:`validate_config` lists what is wrong with a
configuration in messages that name the score, group and rule at fault.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Any, TypeVar, get_type_hints

from lead_scoring.scoring.operators import (
    COMPARISON_OPERATORS,
    INDIVIDUAL_OPERATORS,
    LIST_OPERATORS,
    OPERATORS,
    normalize,
    parse_datetime,
    parse_number,
)

OBJECT_TYPES = ("contact", "company", "deal")
SCORE_TYPES = ("fit", "engagement", "combined")
GROUP_KINDS = ("fit", "engagement")
RULE_KINDS = ("property", "event")
VALUE_MODES = ("together", "individually")
FREQUENCIES = ("exactly", "between", "at_least")
AUDIENCE_TYPES = ("include", "exclude")
BAND_TYPES = ("fit", "engagement", "total", "tier")

#: The total cap of a score whose ``total_cap`` cell is blank.
DEFAULT_TOTAL_CAP = 100.0

#: Whose properties a score of each object type may test (``property_object``).
PROPERTY_OBJECTS: Mapping[str, tuple[str, ...]] = {
    "contact": ("contact", "company", "deal"),
    "company": ("company",),
    "deal": ("deal", "company"),
}

#: The group kinds each score type may hold.
GROUP_KINDS_OF_SCORE_TYPE: Mapping[str, tuple[str, ...]] = {
    "fit": ("fit",),
    "engagement": ("engagement",),
    "combined": ("fit", "engagement"),
}

#: The rule kind each group kind holds.
RULE_KIND_OF_GROUP_KIND: Mapping[str, str] = {"fit": "property", "engagement": "event"}


@dataclass(frozen=True)
class Score:
    """A row of ``scores.csv``."""

    score_id: str
    object_type: str
    score_type: str
    score_name: str
    description: str | None = None
    total_cap: float | None = DEFAULT_TOTAL_CAP  # blank = DEFAULT_TOTAL_CAP
    floor: float | None = 0.0  # blank = no floor
    contact_role: str | None = None
    is_enabled: bool = True


@dataclass(frozen=True)
class Group:
    """A row of ``score_groups.csv``."""

    score_id: str
    group_id: str
    group_name: str
    group_kind: str
    group_cap: float | None = None
    decay_percent: float | None = None
    decay_period_days: int | None = None


@dataclass(frozen=True)
class Rule:
    """A row of ``score_rules.csv``."""

    score_id: str
    rule_id: str
    group_id: str
    rule_name: str
    rule_kind: str
    property_object: str | None = None
    property_name: str | None = None
    event_type: str | None = None
    operator: str | None = None
    value_low: str | None = None
    value_high: str | None = None
    value_mode: str | None = None  # blank = together
    points: float | None = None
    frequency: str | None = None
    frequency_min: int | None = None
    frequency_max: int | None = None
    window_days: int | None = None
    decay_percent: float | None = None
    decay_period_days: int | None = None

    @property
    def mode(self) -> str:
        """``value_mode`` with blank read as ``together``."""
        return self.value_mode or "together"


@dataclass(frozen=True)
class RuleValue:
    """A row of ``score_rule_values.csv``."""

    score_id: str
    rule_id: str
    value: str | None
    points: float | None = None


@dataclass(frozen=True)
class Audience:
    """A row of ``score_audiences.csv``."""

    score_id: str
    list_id: str
    audience_type: str


@dataclass(frozen=True)
class Band:
    """A row of ``score_bands.csv``."""

    score_id: str
    band_type: str
    band_name: str
    min_score: float
    matrix_code: str | None = None


@dataclass(frozen=True)
class ScoringConfig:
    """The six tables of a scoring configuration, rows in file order."""

    scores: tuple[Score, ...] = ()
    groups: tuple[Group, ...] = ()
    rules: tuple[Rule, ...] = ()
    rule_values: tuple[RuleValue, ...] = ()
    audiences: tuple[Audience, ...] = ()
    bands: tuple[Band, ...] = ()

    def score(self, score_id: str) -> Score:
        """The score with this id (KeyError when there is none)."""
        for score in self.scores:
            if score.score_id == score_id:
                return score
        raise KeyError(f"unknown score {score_id!r}")

    def enabled_scores(self) -> tuple[Score, ...]:
        """The scores with ``is_enabled``."""
        return tuple(score for score in self.scores if score.is_enabled)

    def groups_of(self, score_id: str) -> tuple[Group, ...]:
        """The score's groups."""
        return tuple(group for group in self.groups if group.score_id == score_id)

    def group(self, score_id: str, group_id: str) -> Group | None:
        """The score's group with this id, or None."""
        for group in self.groups_of(score_id):
            if group.group_id == group_id:
                return group
        return None

    def rules_of(self, score_id: str, group_id: str | None = None) -> tuple[Rule, ...]:
        """The score's rules (only those of one group when ``group_id`` is given)."""
        return tuple(
            rule
            for rule in self.rules
            if rule.score_id == score_id and group_id in (None, rule.group_id)
        )

    def values_of(self, score_id: str, rule_id: str) -> tuple[RuleValue, ...]:
        """The value list of a rule."""
        return tuple(
            value
            for value in self.rule_values
            if value.score_id == score_id and value.rule_id == rule_id
        )

    def audiences_of(self, score_id: str) -> tuple[Audience, ...]:
        """The score's inclusion and exclusion lists."""
        return tuple(audience for audience in self.audiences if audience.score_id == score_id)

    def bands_of(self, score_id: str, band_type: str | None = None) -> tuple[Band, ...]:
        """The score's bands (only those of one type when ``band_type`` is given)."""
        return tuple(
            band
            for band in self.bands
            if band.score_id == score_id and band_type in (None, band.band_type)
        )


# ---------------------------------------------------------------------------------------------
# CSV files

#: File name -> (ScoringConfig field, row class).
TABLES: Mapping[str, tuple[str, type]] = {
    "scores.csv": ("scores", Score),
    "score_groups.csv": ("groups", Group),
    "score_rules.csv": ("rules", Rule),
    "score_rule_values.csv": ("rule_values", RuleValue),
    "score_audiences.csv": ("audiences", Audience),
    "score_bands.csv": ("bands", Band),
}

Key = TypeVar("Key", bound=Hashable)


def _parse_cell(text: str | None, hint: Any, where: str) -> Any:
    """One CSV cell as the type of its field. Blank cells are None (required fields: error)."""
    cell = (text or "").strip()
    optional = hint in (str | None, float | None, int | None)
    if not cell:
        if hint is bool:
            return True  # blank is_enabled: enabled
        if optional:
            return None
        raise ValueError(f"{where}: a value is required")
    try:
        if hint in (str, str | None):
            return cell
        if hint in (float, float | None):
            return float(cell)
        if hint in (int, int | None):
            number = float(cell)
            if not number.is_integer():
                raise ValueError("not a whole number")
            return int(number)
        if hint is bool:
            if cell.lower() not in ("true", "false"):
                raise ValueError("expected true or false")
            return cell.lower() == "true"
    except ValueError as exc:
        raise ValueError(f"{where}: cannot read {cell!r}: {exc}") from exc
    raise TypeError(f"{where}: unsupported field type {hint!r}")


def _read_table(path: Path, row_class: type) -> tuple[Any, ...]:
    hints = get_type_hints(row_class)
    columns = [field.name for field in fields(row_class)]
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in columns if column not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path.name}: missing column(s) {', '.join(missing)}")
        rows = []
        for line, record in enumerate(reader, start=2):
            values = {
                column: _parse_cell(
                    record[column], hints[column], f"{path.name} line {line}, column {column}"
                )
                for column in columns
            }
            rows.append(row_class(**values))
    return tuple(rows)


def load_config(directory: Path) -> ScoringConfig:
    """Read the six CSV files of a configuration (see :data:`TABLES`) from a directory.

    Blank cells are None (``is_enabled``: true); numbers are read as float (whole-number fields
    as int); ``is_enabled`` is ``true`` or ``false``. Columns other than the documented ones are
    ignored. Raises ValueError for a missing column, a blank required cell or an unreadable
    number.
    """
    tables = {
        attribute: _read_table(Path(directory) / file_name, row_class)
        for file_name, (attribute, row_class) in TABLES.items()
    }
    return ScoringConfig(**tables)


def _format_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def write_config(config: ScoringConfig, directory: Path) -> None:
    """Write a configuration as the six CSV files :func:`load_config` reads."""
    Path(directory).mkdir(parents=True, exist_ok=True)
    for file_name, (attribute, row_class) in TABLES.items():
        columns = [field.name for field in fields(row_class)]
        with (Path(directory) / file_name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for row in getattr(config, attribute):
                writer.writerow([_format_cell(value) for value in astuple(row)])


def load_vocabulary(
    event_types_csv: Path, properties_csv: Path
) -> tuple[set[str], set[tuple[str, str]]]:
    """Known event types and properties, for :func:`validate_config`.

    Reads ``event_types.csv`` (``event_type`` and ``properties``, ``;``-separated) and
    ``scoring_properties.csv`` (``object_type``, ``property_name``). The known properties are
    ``(object_type, property_name)`` pairs for record properties and
    ``(event_type, property_name)`` pairs for event properties.
    """
    event_types: set[str] = set()
    properties: set[tuple[str, str]] = set()
    with Path(event_types_csv).open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            event_type = row["event_type"].strip()
            event_types.add(event_type)
            for name in (row.get("properties") or "").split(";"):
                if name.strip():
                    properties.add((event_type, name.strip()))
    with Path(properties_csv).open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            properties.add((row["object_type"].strip(), row["property_name"].strip()))
    return event_types, properties


# ---------------------------------------------------------------------------------------------
# Validation


def where(
    score_id: str,
    group_id: str | None = None,
    rule_id: str | None = None,
    band_type: str | None = None,
) -> str:
    """The location prefix of a validation message: "score 'x', group 'y', rule 'z'"."""
    parts = [f"score '{score_id}'"]
    if group_id is not None:
        parts.append(f"group '{group_id}'")
    if rule_id is not None:
        parts.append(f"rule '{rule_id}'")
    if band_type is not None:
        parts.append(f"band_type '{band_type}'")
    return ", ".join(parts)


def _unknown(kind: str, value: str | None, allowed: Sequence[str]) -> str | None:
    """A message when ``value`` is missing or not one of ``allowed``."""
    if value is None:
        return f"missing {kind} (one of {', '.join(allowed)})"
    if value not in allowed:
        return f"unknown {kind} '{value}' (expected one of {', '.join(allowed)})"
    return None


def _decay_errors(percent: float | None, period: int | None) -> list[str]:
    if percent is None and period is None:
        return []
    if percent is None or period is None:
        return ["decay needs both decay_percent and decay_period_days"]
    errors = []
    if not 0 <= percent <= 100:
        errors.append(f"decay_percent {_format_cell(percent)} is not between 0 and 100")
    if period < 1:
        errors.append(f"decay_period_days {period} is below 1")
    return errors


def _has_decay(percent: float | None, period: int | None) -> bool:
    return percent is not None or period is not None


def _duplicates(keys: Iterable[Key]) -> list[Key]:
    """The keys that occur more than once, in order of first occurrence."""
    counts = Counter(keys)
    return [key for key, count in counts.items() if count > 1]


def _validate_score(score: Score, config: ScoringConfig) -> list[str]:
    at = where(score.score_id)
    errors = []
    for kind, value, allowed in (
        ("object_type", score.object_type, OBJECT_TYPES),
        ("score_type", score.score_type, SCORE_TYPES),
    ):
        message = _unknown(kind, value, allowed)
        if message:
            errors.append(f"{at}: {message}")
    cap = DEFAULT_TOTAL_CAP if score.total_cap is None else score.total_cap
    if not cap > 0:
        errors.append(f"{at}: total_cap {_format_cell(cap)} must be above 0")
    if score.floor is not None and score.floor > 0:
        errors.append(
            f"{at}: floor {_format_cell(score.floor)} must be 0 or below "
            "(a positive floor cannot be shared out over the rules in the breakdown)"
        )
    if score.contact_role is not None and score.object_type == "contact":
        errors.append(f"{at}: contact_role applies to company and deal scores only")
    if not config.groups_of(score.score_id):
        errors.append(f"{at}: the score has no groups")
    return errors


def _validate_group(group: Group, score: Score, config: ScoringConfig) -> list[str]:
    at = where(group.score_id, group.group_id)
    errors = []
    message = _unknown("group_kind", group.group_kind, GROUP_KINDS)
    if message:
        errors.append(f"{at}: {message}")
    elif group.group_kind not in GROUP_KINDS_OF_SCORE_TYPE.get(score.score_type, GROUP_KINDS):
        errors.append(f"{at}: {score.score_type} scores cannot hold {group.group_kind} groups")
    if group.group_cap is not None and not group.group_cap > 0:
        errors.append(f"{at}: group_cap {_format_cell(group.group_cap)} must be above 0")
    errors.extend(f"{at}: {e}" for e in _decay_errors(group.decay_percent, group.decay_period_days))
    if group.group_kind == "fit" and _has_decay(group.decay_percent, group.decay_period_days):
        errors.append(f"{at}: decay applies to engagement groups only")
    if not config.rules_of(group.score_id, group.group_id):
        errors.append(f"{at}: the group has no rules")
    return errors


def _validate_values(rule: Rule, values: Sequence[RuleValue]) -> list[str]:
    """The value list of a rule, against its operator and value_mode."""
    errors = []
    operator, mode = rule.operator, rule.mode
    listed = [value for value in values if normalize(value.value) is not None]
    if len(listed) < len(values):
        errors.append("blank value in score_rule_values")
    if operator in LIST_OPERATORS and not listed:
        errors.append(f"operator '{operator}' needs values in score_rule_values")
    if operator is not None and operator not in LIST_OPERATORS and values:
        errors.append(f"operator '{operator}' takes no values in score_rule_values")
    for text in _duplicates(normalize(value.value) for value in listed):
        errors.append(f"value '{text}' is listed more than once")
    if mode == "individually":
        if operator not in INDIVIDUAL_OPERATORS:
            errors.append(
                f"value_mode 'individually' needs operator "
                f"{', '.join(sorted(INDIVIDUAL_OPERATORS))} (got '{operator}')"
            )
        errors.extend(
            f"individually mode value '{value.value}' has no points"
            for value in values
            if value.points is None
        )
    elif mode == "together":
        if rule.points is None:
            errors.append("together mode rule has no points")
        errors.extend(
            f"together mode value '{value.value}' has points (use the rule's points)"
            for value in values
            if value.points is not None
        )
    return errors


def _validate_operator(rule: Rule) -> list[str]:
    operator = rule.operator
    if operator is None:
        if rule.rule_kind == "property" or rule.property_name is not None:
            return ["missing operator"]
        return []
    if operator not in OPERATORS:
        return [f"unknown operator '{operator}' (expected one of {', '.join(sorted(OPERATORS))})"]
    errors = []
    if rule.rule_kind == "event" and rule.property_name is None:
        errors.append(f"operator '{operator}' needs the event property_name it tests")
    if operator in COMPARISON_OPERATORS:
        if rule.value_low is None:
            errors.append(f"operator '{operator}' needs value_low")
        if operator == "between" and rule.value_high is None:
            errors.append("operator 'between' needs value_high")
        bounds = {"value_low": rule.value_low, "value_high": rule.value_high}
        for column, bound in bounds.items():
            if bound is None or (column == "value_high" and operator != "between"):
                continue
            if operator in ("before", "after"):
                if parse_datetime(bound) is None:
                    errors.append(
                        f"operator '{operator}' needs an ISO date or datetime in {column} "
                        f"(got '{bound}')"
                    )
            elif parse_number(bound) is None and parse_datetime(bound) is None:
                errors.append(
                    f"operator '{operator}' needs a number or an ISO date in {column} "
                    f"(got '{bound}')"
                )
    elif rule.value_low is not None or rule.value_high is not None:
        errors.append(f"operator '{operator}' takes no value_low/value_high")
    return errors


def _validate_event_rule(
    rule: Rule,
    group: Group | None,
    known_event_types: set[str] | None,
    known_properties: set[tuple[str, str]] | None,
) -> list[str]:
    errors = []
    if rule.property_object is not None:
        errors.append("property_object applies to property rules only")
    if rule.event_type is None:
        errors.append("missing event_type")
    elif known_event_types is not None and rule.event_type not in known_event_types:
        errors.append(f"unknown event type '{rule.event_type}'")
    if (
        known_properties is not None
        and rule.event_type is not None
        and rule.property_name is not None
        and (rule.event_type, rule.property_name) not in known_properties
    ):
        errors.append(f"unknown property '{rule.property_name}' of event type '{rule.event_type}'")
    message = None if rule.frequency is None else _unknown("frequency", rule.frequency, FREQUENCIES)
    if message:
        errors.append(message)
    if rule.frequency is not None:
        if rule.frequency_min is None:
            errors.append(f"frequency '{rule.frequency}' needs frequency_min")
        elif rule.frequency_min < 1:
            errors.append(f"frequency_min {rule.frequency_min} is below 1")
        if rule.frequency == "between":
            if rule.frequency_max is None:
                errors.append("frequency 'between' needs frequency_max")
            elif rule.frequency_min is not None and rule.frequency_min > rule.frequency_max:
                errors.append(
                    f"frequency between {rule.frequency_min} and {rule.frequency_max}: "
                    "frequency_min is above frequency_max"
                )
        elif rule.frequency_max is not None:
            errors.append(f"frequency '{rule.frequency}' takes no frequency_max")
    elif rule.frequency_min is not None or rule.frequency_max is not None:
        errors.append("frequency_min/frequency_max without a frequency")
    if rule.window_days is not None and rule.window_days < 1:
        errors.append(f"window_days {rule.window_days} is below 1")
    elif rule.window_days is not None and rule.window_days != int(rule.window_days):
        # whole days: "the last N days"; the CSV reader already refuses other values
        errors.append(f"window_days {rule.window_days} is not a whole number of days")
    errors.extend(_decay_errors(rule.decay_percent, rule.decay_period_days))
    rule_decay = _has_decay(rule.decay_percent, rule.decay_period_days)
    group_decay = group is not None and _has_decay(group.decay_percent, group.decay_period_days)
    if rule.frequency is not None and (rule_decay or group_decay):
        errors.append("decay cannot be combined with a frequency condition")
    return errors


def _validate_property_rule(
    rule: Rule, score: Score, known_properties: set[tuple[str, str]] | None
) -> list[str]:
    errors = []
    allowed = PROPERTY_OBJECTS.get(score.object_type, OBJECT_TYPES)
    property_object = rule.property_object or score.object_type
    if property_object not in allowed:
        errors.append(
            f"property_object '{property_object}' is not available to "
            f"{score.object_type} scores (expected one of {', '.join(allowed)})"
        )
    if rule.property_name is None:
        errors.append("missing property_name")
    elif known_properties is not None and (property_object, rule.property_name) not in (
        known_properties
    ):
        errors.append(f"unknown property '{rule.property_name}' of '{property_object}'")
    for column in ("event_type", "frequency", "frequency_min", "frequency_max", "window_days"):
        if getattr(rule, column) is not None:
            errors.append(f"{column} applies to event rules only")
    if _has_decay(rule.decay_percent, rule.decay_period_days):
        errors.append("decay applies to event rules only")
    return errors


def _validate_rule(
    rule: Rule,
    score: Score,
    config: ScoringConfig,
    known_event_types: set[str] | None,
    known_properties: set[tuple[str, str]] | None,
) -> list[str]:
    group = config.group(rule.score_id, rule.group_id)
    errors = []
    if group is None:
        errors.append(f"group '{rule.group_id}' is not a group of score '{rule.score_id}'")
    message = _unknown("rule_kind", rule.rule_kind, RULE_KINDS)
    if message:
        errors.append(message)
    elif group is not None and group.group_kind in RULE_KIND_OF_GROUP_KIND:
        expected = RULE_KIND_OF_GROUP_KIND[group.group_kind]
        if rule.rule_kind != expected:
            errors.append(
                f"{rule.rule_kind} rule in {group.group_kind} group '{group.group_id}' "
                f"({group.group_kind} groups hold {expected} rules)"
            )
    if rule.rule_kind == "event":
        errors.extend(_validate_event_rule(rule, group, known_event_types, known_properties))
    elif rule.rule_kind == "property":
        errors.extend(_validate_property_rule(rule, score, known_properties))
    errors.extend(_validate_operator(rule))
    if rule.value_mode is None or rule.value_mode in VALUE_MODES:
        errors.extend(_validate_values(rule, config.values_of(rule.score_id, rule.rule_id)))
    else:
        errors.append(
            f"unknown value_mode '{rule.value_mode}' (expected one of together, individually)"
        )
    if rule.window_days is not None and group is not None:
        group_rules = config.rules_of(rule.score_id, rule.group_id)
        if _has_decay(group.decay_percent, group.decay_period_days) or any(
            _has_decay(other.decay_percent, other.decay_period_days) for other in group_rules
        ):
            errors.append("window_days cannot be combined with decay in the same group")
    return errors


def _validate_bands(score: Score, bands: Sequence[Band]) -> list[str]:
    errors = []
    for band in bands:
        message = _unknown("band_type", band.band_type, BAND_TYPES)
        if message:
            errors.append(f"{where(score.score_id)}, band '{band.band_name}': {message}")
    for band_type in BAND_TYPES:
        of_type = [band for band in bands if band.band_type == band_type]
        if not of_type:
            continue
        at = where(score.score_id, band_type=band_type)
        starts = [band.min_score for band in of_type]
        for start in _duplicates(starts):
            names = ", ".join(f"'{b.band_name}'" for b in of_type if b.min_score == start)
            errors.append(f"{at}: bands {names} overlap (same min_score {_format_cell(start)})")
        if starts and score.floor is not None and min(starts) > score.floor:
            errors.append(
                f"{at}: gap below the lowest band, which starts at {_format_cell(min(starts))} "
                f"above the floor {_format_cell(score.floor)}"
            )
    return errors


def validate_config(
    config: ScoringConfig,
    known_event_types: set[str] | None = None,
    known_properties: set[tuple[str, str]] | None = None,
) -> list[str]:
    """Everything wrong with a configuration, one message each; empty when it is valid.

    Each message starts with where the fault is: "score 'x', group 'y', rule 'z': ...".
    ``known_event_types`` and ``known_properties`` (see :func:`load_vocabulary`) are checked
    only when given.
    """
    errors: list[str] = []
    score_ids = {score.score_id for score in config.scores}
    for score_id in _duplicates(score.score_id for score in config.scores):
        errors.append(f"{where(score_id)}: the score is defined more than once")
    for score_id, group_id in _duplicates((g.score_id, g.group_id) for g in config.groups):
        errors.append(f"{where(score_id, group_id)}: the group is defined more than once")
    for score_id, rule_id in _duplicates((r.score_id, r.rule_id) for r in config.rules):
        errors.append(f"{where(score_id, rule_id=rule_id)}: the rule is defined more than once")
    for score_id, list_id in _duplicates((a.score_id, a.list_id) for a in config.audiences):
        errors.append(f"{where(score_id)}, list '{list_id}': the list is given more than once")

    for group in config.groups:
        if group.score_id not in score_ids:
            errors.append(f"{where(group.score_id, group.group_id)}: unknown score")
    for rule in config.rules:
        if rule.score_id not in score_ids:
            errors.append(f"{where(rule.score_id, rule.group_id, rule.rule_id)}: unknown score")
    rule_keys = {(rule.score_id, rule.rule_id) for rule in config.rules}
    for value in config.rule_values:
        if (value.score_id, value.rule_id) not in rule_keys:
            errors.append(
                f"{where(value.score_id, rule_id=value.rule_id)}: value '{value.value}' "
                "belongs to no rule"
            )
    for audience in config.audiences:
        if audience.score_id not in score_ids:
            errors.append(f"{where(audience.score_id)}, list '{audience.list_id}': unknown score")
    for band in config.bands:
        if band.score_id not in score_ids:
            errors.append(f"{where(band.score_id)}, band '{band.band_name}': unknown score")

    for score in config.scores:
        errors.extend(_validate_score(score, config))
        for group in config.groups_of(score.score_id):
            errors.extend(_validate_group(group, score, config))
        for rule in config.rules_of(score.score_id):
            at = where(rule.score_id, rule.group_id, rule.rule_id)
            errors.extend(
                f"{at}: {message}"
                for message in _validate_rule(
                    rule, score, config, known_event_types, known_properties
                )
            )
        for audience in config.audiences_of(score.score_id):
            message = _unknown("audience_type", audience.audience_type, AUDIENCE_TYPES)
            if message:
                errors.append(f"{where(score.score_id)}, list '{audience.list_id}': {message}")
        errors.extend(_validate_bands(score, config.bands_of(score.score_id)))
    return errors
