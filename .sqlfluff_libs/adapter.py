"""Lint-time stand-in for dbt's `adapter`.

`adapter.dispatch('name', 'package')(args)` renders as the SQL call `name(args)`: models are
linted against the macro's interface, the engine-specific bodies in macros/ are not rendered.
"""

import re


def _sql(arg):
    # Arguments that are plain punctuation (a delimiter) are Python values, not SQL: quote them.
    text = str(arg)
    return f"'{text}'" if re.fullmatch(r"\W+", text) else text


def dispatch(macro_name, macro_namespace=None):
    def call(*args, **kwargs):
        return f"{macro_name}({', '.join(_sql(arg) for arg in args)})"

    return call
