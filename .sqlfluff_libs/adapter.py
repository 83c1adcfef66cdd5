"""Lint-time stand-in for dbt's `adapter`.

`adapter.dispatch('name', 'package')(args)` renders as the SQL call `name(args)`: models are
linted against the macro's interface, the engine-specific bodies in macros/ are not rendered.
"""

import re


def _sql(arg):
    # Arguments that are plain punctuation (a delimiter) are Python values, not SQL: quote them.
    text = str(arg)
    return f"'{text}'" if re.fullmatch(r"\W+", text) else text


# Macros that render a keyword hint, not an expression (`source as not materialized (`):
# linted as if absent, since sqlfluff's duckdb dialect does not parse the hint.
_HINTS = {"inline_cte"}


def dispatch(macro_name, macro_namespace=None):
    def call(*args, **kwargs):
        if macro_name in _HINTS:
            return ""
        return f"{macro_name}({', '.join(_sql(arg) for arg in args)})"

    return call
