"""Settings of the predictive score: which conversion is predicted and how the model is built.

:class:`PredictiveSettings` is a frozen dataclass with defaults for every field;
:meth:`PredictiveSettings.from_mapping` builds one from a plain mapping (e.g. dbt ``vars`` or a
model's ``config``), validating every value and naming the offending key in its message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

#: Lifecycle stages and their order (as the ``lifecycle_stages`` seed). ``other`` has no order:
#: it is neither before nor after any stage.
STAGE_ORDER: Mapping[str, int] = {
    "subscriber": 1,
    "lead": 2,
    "mql": 3,
    "sql": 4,
    "opportunity": 5,
    "customer": 6,
    "evangelist": 7,
}

#: Stage names that may appear in ``current_lead_stages`` besides the ordered stages:
#: ``other`` (no order) and ``unknown`` (a contact with no or an unrecognised stage).
UNORDERED_STAGES = ("other", "unknown")

#: The model families compared on the holdout.
ALGORITHMS = ("logistic_regression", "gradient_boosting")

#: Settings that say when to train, not how: they do not change the model.
POLICY_SETTINGS = ("retrain_after_days",)

_STAGE_ABBREVIATIONS = {"mql": "MQL", "sql": "SQL"}


def stage_label(stage: str) -> str:
    """A stage as people write it: ``MQL``, ``SQL``, ``Opportunity``."""
    return _STAGE_ABBREVIATIONS.get(stage, stage.replace("_", " ").capitalize())


@dataclass(frozen=True)
class PredictiveSettings:
    """What is predicted (start stage -> end stage within a window) and how.

    - ``start_stage``: a training example is a contact's first entry into this stage; its
      features are computed as of that instant.
    - ``end_stage``: the example converts when the contact enters this stage or any later one
      (``stage_order`` >= the end stage's) within ``conversion_window_days`` after the start.
    - ``min_examples_per_class``: no model is trained with fewer converted or fewer
      not-converted examples than this.
    - ``holdout_fraction``: the latest examples (by as-of instant) held out to compare models.
    - ``random_seed``: seeds every random choice (folds, boosting) for reproducible models.
    - ``rule_score_id``: the rule-based score compared with the model on the holdout.
    - ``current_lead_stages``: contacts in these stages (``unknown``: no or an unrecognised
      stage) are scored.
    - ``windows``: lookback windows in days of the engagement counts.
    - ``recency_cap_days``: days since the last event are capped here (and events older than
      this are not read).
    - ``key_pages``: page paths counted on their own (a path and its sub-paths).
    - ``key_forms``: form names counted on their own (case-insensitive).
    - ``rare_level_min_count``: categorical levels seen in fewer training examples are grouped
      into ``other``; ``max_levels``: at most this many levels per categorical feature.
    - ``algorithms``: the candidates compared on the holdout (``logistic_regression``,
      ``gradient_boosting``); one of them only = that one, still evaluated and calibrated.
    - ``max_training_examples``: at most this many examples are used, the latest by as-of
      instant (0: all of them). On a long history the oldest examples add training time and
      say little about today's leads.
    - ``retrain_after_days``: a run keeps the model trained by an earlier run while it was
      trained as of at most this many days before the scoring date and with the same settings
      (0: train on every run). See :mod:`lead_scoring.predictive.retrain`.
    """

    start_stage: str = "mql"
    end_stage: str = "sql"
    conversion_window_days: int = 30
    min_examples_per_class: int = 25
    holdout_fraction: float = 0.25
    random_seed: int = 42
    rule_score_id: str | None = "contact_lead_score"
    current_lead_stages: tuple[str, ...] = ("subscriber", "lead", "mql", "other", "unknown")
    windows: tuple[int, ...] = (7, 30, 90)
    recency_cap_days: int = 365
    key_pages: tuple[str, ...] = ("/pricing",)
    key_forms: tuple[str, ...] = ("Demo request",)
    rare_level_min_count: int = 10
    max_levels: int = 20
    algorithms: tuple[str, ...] = ALGORITHMS
    max_training_examples: int = 50_000
    retrain_after_days: int = 7

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(field.default, tuple) and not isinstance(value, tuple):
                object.__setattr__(self, field.name, tuple(value))
        errors = _errors(self)
        if errors:
            raise ValueError("invalid predictive settings: " + "; ".join(errors))

    @property
    def start_order(self) -> int:
        """``stage_order`` of the start stage."""
        return STAGE_ORDER[self.start_stage]

    @property
    def end_order(self) -> int:
        """``stage_order`` of the end stage (reaching it or any later stage converts)."""
        return STAGE_ORDER[self.end_stage]

    def conversion_label(self) -> str:
        """``MQL → SQL within 30 days``."""
        return (
            f"{stage_label(self.start_stage)} → {stage_label(self.end_stage)} "
            f"within {self.conversion_window_days} days"
        )

    def to_json(self) -> str:
        """The settings as canonical JSON (sorted keys), as recorded in the model card."""
        return json.dumps(asdict(self), sort_keys=True)

    def training_json(self) -> str:
        """Canonical JSON of the settings that shape the model (all but the retraining
        policy): input of the model version, and what must match to keep a trained model."""
        values = asdict(self)
        for name in POLICY_SETTINGS:
            values.pop(name)
        return json.dumps(values, sort_keys=True)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> PredictiveSettings:
        """Settings from a mapping; absent keys (and None values) take their defaults.

        Lists may be given as sequences or as ``;``- or ``,``-separated text (dbt vars).
        Raises ValueError naming every unknown key and invalid value.
        """
        values = dict(values or {})
        known = {field.name: field for field in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(
                "invalid predictive settings: unknown setting(s) "
                + ", ".join(repr(key) for key in unknown)
                + "; known settings: "
                + ", ".join(known)
            )
        parsed: dict[str, Any] = {}
        errors: list[str] = []
        for name, raw in values.items():
            if raw is None:
                continue
            default = known[name].default
            try:
                parsed[name] = _coerce(name, raw, default)
            except ValueError as exc:
                errors.append(str(exc))
        if errors:
            raise ValueError("invalid predictive settings: " + "; ".join(errors))
        return cls(**parsed)


def _split_text(text: str) -> list[str]:
    separator = ";" if ";" in text else ","
    return [part.strip() for part in text.split(separator) if part.strip()]


def _coerce_int(name: str, raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError(f"{name} must be a whole number, got {raw!r}")
    try:
        number = float(raw)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None
    if not number.is_integer():
        raise ValueError(f"{name} must be a whole number, got {raw!r}")
    return int(number)


def _coerce(name: str, raw: Any, default: Any) -> Any:
    """``raw`` as the type of the field's default."""
    if isinstance(default, tuple):
        items: Sequence[Any]
        if isinstance(raw, str):
            items = _split_text(raw)
        elif isinstance(raw, Sequence):
            items = list(raw)
        else:
            raise ValueError(f"{name} must be a list, got {raw!r}")
        if name == "windows":
            return tuple(_coerce_int(name, item) for item in items)
        return tuple(str(item).strip() for item in items)
    if isinstance(default, int):
        return _coerce_int(name, raw)
    if isinstance(default, float):
        try:
            return float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number, got {raw!r}") from None
    text = str(raw).strip()
    if name in ("start_stage", "end_stage"):
        text = text.lower()
    return text or None


def _errors(settings: PredictiveSettings) -> list[str]:
    """Everything wrong with the settings, one message each."""
    errors: list[str] = []
    stages = ", ".join(STAGE_ORDER)
    for name in ("start_stage", "end_stage"):
        value = getattr(settings, name)
        if value not in STAGE_ORDER:
            errors.append(f"{name} {value!r} is not an ordered lifecycle stage ({stages})")
    if not errors and settings.end_order <= settings.start_order:
        errors.append(
            f"end_stage {settings.end_stage!r} must come after start_stage "
            f"{settings.start_stage!r} in the lifecycle ({stages})"
        )
    if settings.conversion_window_days < 1:
        errors.append(
            f"conversion_window_days must be at least 1, got {settings.conversion_window_days}"
        )
    if settings.min_examples_per_class < 2:
        errors.append(
            f"min_examples_per_class must be at least 2, got {settings.min_examples_per_class}"
        )
    if not 0.0 < settings.holdout_fraction < 1.0:
        errors.append(
            f"holdout_fraction must be between 0 and 1 (exclusive), got {settings.holdout_fraction}"
        )
    if not settings.windows:
        errors.append("windows must list at least one window in days")
    elif any(window < 1 for window in settings.windows):
        errors.append(f"windows must be positive numbers of days, got {list(settings.windows)}")
    elif list(settings.windows) != sorted(set(settings.windows)):
        errors.append(f"windows must be increasing without repeats, got {list(settings.windows)}")
    elif settings.recency_cap_days < max(settings.windows):
        errors.append(
            f"recency_cap_days ({settings.recency_cap_days}) must be at least the longest "
            f"window ({max(settings.windows)})"
        )
    if not settings.current_lead_stages:
        errors.append("current_lead_stages must list at least one stage")
    allowed = (*STAGE_ORDER, *UNORDERED_STAGES)
    for stage in settings.current_lead_stages:
        if stage not in allowed:
            errors.append(
                f"current_lead_stages: unknown stage {stage!r} (known: {', '.join(allowed)})"
            )
        elif (
            stage in STAGE_ORDER
            and settings.end_stage in STAGE_ORDER
            and STAGE_ORDER[stage] >= STAGE_ORDER[settings.end_stage]
        ):
            errors.append(
                f"current_lead_stages: {stage!r} is at or after the end stage "
                f"{settings.end_stage!r}; only stages before it can be scored"
            )
    if any(not path.startswith("/") for path in settings.key_pages):
        errors.append(f"key_pages must be paths starting with '/', got {list(settings.key_pages)}")
    if settings.rare_level_min_count < 1:
        errors.append(
            f"rare_level_min_count must be at least 1, got {settings.rare_level_min_count}"
        )
    if not settings.algorithms or any(a not in ALGORITHMS for a in settings.algorithms):
        errors.append(
            f"algorithms must list one or more of {', '.join(ALGORITHMS)}, "
            f"got {list(settings.algorithms)}"
        )
    elif len(set(settings.algorithms)) != len(settings.algorithms):
        errors.append(f"algorithms lists a candidate twice: {list(settings.algorithms)}")
    if settings.max_levels < 1:
        errors.append(f"max_levels must be at least 1, got {settings.max_levels}")
    if settings.max_training_examples < 0:
        errors.append(
            f"max_training_examples must be 0 (no limit) or more, got "
            f"{settings.max_training_examples}"
        )
    elif 0 < settings.max_training_examples < 2 * settings.min_examples_per_class:
        errors.append(
            f"max_training_examples ({settings.max_training_examples}) must be 0 (no limit) or "
            f"at least twice min_examples_per_class ({settings.min_examples_per_class})"
        )
    if settings.retrain_after_days < 0:
        errors.append(f"retrain_after_days must be 0 or more, got {settings.retrain_after_days}")
    return errors
