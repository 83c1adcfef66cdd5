"""Rule-based lead scoring: configuration (six seed tables) and the pure-Python reference.

The reference implementation (:mod:`lead_scoring.scoring.reference`) is the oracle the SQL
engine (dbt models) is compared with; see docs/scoring-engine.md.
"""

from lead_scoring.scoring.config import (
    Audience,
    Band,
    Group,
    Rule,
    RuleValue,
    Score,
    ScoringConfig,
    load_config,
    load_vocabulary,
    validate_config,
    write_config,
)
from lead_scoring.scoring.reference import (
    Event,
    PropertyValue,
    Record,
    RuleContribution,
    ScoreResult,
    score_record,
    score_records,
)

__all__ = [
    "Audience",
    "Band",
    "Event",
    "Group",
    "PropertyValue",
    "Record",
    "Rule",
    "RuleContribution",
    "RuleValue",
    "Score",
    "ScoreResult",
    "ScoringConfig",
    "load_config",
    "load_vocabulary",
    "score_record",
    "score_records",
    "validate_config",
    "write_config",
]
