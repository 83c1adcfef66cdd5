"""Lint-time stand-ins for dbt's cross-database macros (`dbt.safe_cast`, `dbt.concat`...).

sqlfluff's jinja templater does not run dbt, so these return plausible SQL with the same
shape as the DuckDB implementation. They only need to produce parseable SQL for linting.
Any macro not listed renders as a function call of the same name.
"""


def _call(name, *args):
    return f"{name}({', '.join(str(arg) for arg in args)})"


def safe_cast(field, type):
    return f"try_cast({field} as {type})"


def cast(field, type):
    return f"cast({field} as {type})"


def type_string():
    return "varchar"


def type_timestamp():
    return "timestamp"


def type_bigint():
    return "bigint"


def type_int():
    return "integer"


def type_float():
    return "double"


def type_numeric():
    return "numeric(28, 6)"


def type_boolean():
    return "boolean"


def concat(fields):
    return " || ".join(str(field) for field in fields)


def hash(field):
    return f"md5(cast({field} as varchar))"


def dateadd(datepart, interval, from_date_or_timestamp):
    return f"{from_date_or_timestamp} + interval '{interval} {datepart}'"


def datediff(first_date, second_date, datepart):
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def current_timestamp():
    return "current_timestamp"


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return lambda *args, **kwargs: _call(name, *args)


def listagg(measure, delimiter_text="','", order_by_clause=None, limit_num=None):
    order = f" {order_by_clause}" if order_by_clause else ""
    return f"string_agg({measure}, {delimiter_text}{order})"


def generate_series(upper_bound):
    return (
        "select generated_number from range(1, "
        f"{upper_bound} + 1) as series (generated_number)"
    )
