"""Assemble the report page: header, performance table, the five charts and recent changes.

One self-contained HTML file: inline CSS, inline SVG, no script and no external resource, so
it opens offline and can be attached to an email. A section whose table is missing or empty
says so (``<p class="no-data" data-no-data="<chart>">``) instead of drawing a chart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from lead_scoring.report.charts import (
    GREEN,
    GREY,
    ORANGE,
    VERMILLION,
    Bar,
    Point,
    Series,
    bar_chart,
    esc,
    hbar_chart,
    legend,
    xy_chart,
)
from lead_scoring.report.data import ReportData, Table

CHARTS = ("distribution", "conversion_by_band", "calibration", "lift_gain", "drift")
BAND_DIMENSIONS = ("tier", "score_label")
DRIFT_COLOURS = {"stable": GREEN, "moderate": ORANGE, "drifted": VERMILLION, "no_data": GREY}
PSI_REFERENCES = ((0.1, "0.1 moderate"), (0.2, "0.2 drifted"))
TOP_MOVES = 10


@dataclass(frozen=True)
class Section:
    """One part of the page and the line the CLI prints about it."""

    key: str
    title: str
    body: str
    summary: str


@dataclass(frozen=True)
class Report:
    """The rendered page and its sections."""

    html: str
    sections: list[Section]


# ---------------------------------------------------------------- formatting helpers


def _missing(value: object) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def pct(value: object, decimals: int = 1) -> str:
    """0.1234 -> '12.3%'; missing -> 'n/a'."""
    return "n/a" if _missing(value) else f"{float(value):.{decimals}%}"  # type: ignore[arg-type]


def pct_short(value: float) -> str:
    """A share as a whole percentage, '<1%' for small non-zero shares."""
    return "<1%" if 0 < value < 0.005 else f"{value:.0%}"


def text(value: object) -> str:
    """A text cell: '' for NULL."""
    return "" if _missing(value) else str(value)


def num(value: object, decimals: int = 3) -> str:
    return "n/a" if _missing(value) else f"{float(value):.{decimals}f}"  # type: ignore[arg-type]


def count(value: object) -> str:
    return "n/a" if _missing(value) else f"{int(value):,}"  # type: ignore[call-overload]


def when(value: object) -> str:
    """A timestamp as 'YYYY-MM-DD HH:MM' (just the date at midnight)."""
    if _missing(value):
        return "n/a"
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    if stamp.tzinfo is not None:
        return stamp.strftime("%Y-%m-%d %H:%M %Z")
    return stamp.strftime("%Y-%m-%d" if stamp == stamp.normalize() else "%Y-%m-%d %H:%M")


def table_html(
    headers: Sequence[str], rows: Iterable[Sequence[object]], numeric: Sequence[bool]
) -> str:
    """A plain HTML table; cells are escaped, numeric columns right-aligned."""

    def cell(tag: str, value: object, right: bool) -> str:
        cls = ' class="num"' if right else ""
        return f"<{tag}{cls}>{esc(value)}</{tag}>"

    head = "".join(cell("th", h, n) for h, n in zip(headers, numeric, strict=True))
    body = "".join(
        "<tr>" + "".join(cell("td", v, n) for v, n in zip(row, numeric, strict=True)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def no_data(key: str, table: Table) -> str:
    return f'<p class="no-data" data-no-data="{esc(key)}">No data yet. {esc(table.note)}</p>'


def figure(caption: str, chart: str, extra: str = "") -> str:
    head = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"<figure>{head}{chart}{extra}</figure>"


def panels(figures: Iterable[str]) -> str:
    return f'<div class="panels">{"".join(figures)}</div>'


def score_order(data: ReportData, *frames: pd.DataFrame) -> list[str]:
    """Score ids in summary-table order, then any others alphabetically."""
    order = list(dict.fromkeys(data["score_performance"].frame["score_id"].astype(str)))
    others = {str(s) for f in frames for s in f["score_id"].unique()} - set(order)
    return [s for s in order if any((f["score_id"] == s).any() for f in frames)] + sorted(others)


def score_names(data: ReportData) -> dict[str, str]:
    frame = data["score_performance"].frame
    return {str(r.score_id): text(r.score_name) for r in frame.itertuples() if text(r.score_name)}


# ---------------------------------------------------------------- sections


def header(data: ReportData, generated_at: datetime) -> str:
    runs = data["scoring_runs"]
    if runs.ok:
        frame = runs.frame
        run_items = [
            f"<div><b>Latest scoring as of</b> {esc(when(frame['as_of_at'].max()))}</div>",
            f"<div><b>Scoring runs in history</b> {frame['scoring_run_id'].nunique():,} "
            f"(latest started {esc(when(frame['run_started_at'].max()))})</div>",
        ]
    else:
        run_items = [f"<div><b>Scoring runs</b> {esc(runs.note)}</div>"]
    return (
        "<header><h1>Lead-scoring report: how well the scores perform</h1>"
        '<div class="meta">'
        f"<div><b>Warehouse</b> <code>{esc(data.db.resolve())}</code></div>"
        + "".join(run_items)
        + f"<div><b>Generated</b> {esc(generated_at.strftime('%Y-%m-%d %H:%M %Z'))}</div>"
        "</div></header>"
    )


def performance_section(data: ReportData) -> Section:
    table = data["score_performance"]
    title = "Score performance"
    if not table.ok:
        return Section("summary", title, no_data("summary", table), f"no data: {table.note}")
    rows = []
    for r in table.frame.itertuples():
        window = f"{count(r.outcome_window_days)} days to {r.target_stage}"
        lift = "n/a" if _missing(r.top_decile_lift) else f"{r.top_decile_lift:.2f}\u00d7"
        rows.append(
            (
                r.score_name,
                r.score_id,
                r.score_kind,
                when(r.evaluated_as_of_at),
                window,
                count(r.records),
                count(r.converted_records),
                pct(r.conversion_rate),
                num(r.auc),
                lift,
            )
        )
    headers = (
        "score",
        "id",
        "kind",
        "evaluated as of",
        "outcome window",
        "records",
        "converted",
        "conversion",
        "AUC",
        "top-decile lift",
    )
    body = (
        '<p class="lead">Each score as it stood at the evaluation date, against who reached the '
        "target stage within the outcome window after it. AUC 0.5 is a coin toss; top-decile "
        "lift is the conversion of the top 10% by score over the average.</p>"
        + table_html(headers, rows, (False,) * 5 + (True,) * 5)
    )
    best = table.frame.dropna(subset=["auc"]).sort_values("auc", ascending=False)
    summary = f"{len(table.frame)} score(s)"
    if not best.empty:
        summary += f", best AUC {best.iloc[0]['auc']:.3f} ({best.iloc[0]['score_id']})"
    return Section("summary", title, body, summary)


def distribution_section(data: ReportData) -> Section:
    key, table = "distribution", data["score_distribution"]
    title = "Score distribution"
    if not table.ok:
        return Section(key, title, no_data(key, table), f"no data: {table.note}")
    names, figures = score_names(data), []
    frame = table.frame
    for score_id in score_order(data, frame):
        rows = frame[frame["score_id"] == score_id].sort_values("bucket_order")
        total = int(rows["records"].sum())
        bars = [
            Bar(
                label=str(r.bucket_label),
                value=float(r.share),
                title=f"{score_id} {r.bucket_label} ({num(r.bucket_low, 1)} to "
                f"{num(r.bucket_high, 1)}): "
                f"{int(r.records):,} records, {pct(r.share)} of scored",
                text=pct_short(float(r.share)),
            )
            for r in rows.itertuples()
        ]
        caption = (
            f"<h3>{esc(names.get(score_id, score_id))}</h3><small>{esc(rows.iloc[0].score_kind)}"
            f", {total:,} records scored at {esc(when(rows['scored_at'].max()))}</small>"
        )
        figures.append(
            figure(
                caption, bar_chart(key, bars, label=f"Share by bucket: {score_id}", panel=score_id)
            )
        )
    body = '<p class="lead">Share of currently scored records in each score bucket.</p>' + panels(
        figures
    )
    return Section(key, title, body, f"{len(figures)} score(s), {len(frame)} buckets")


def conversion_section(data: ReportData) -> Section:
    key, table = "conversion_by_band", data["score_conversion_by_band"]
    title = "Conversion by band"
    if not table.ok:
        return Section(key, title, no_data(key, table), f"no data: {table.note}")
    names, figures = score_names(data), []
    frame = table.frame[table.frame["dimension"].isin(BAND_DIMENSIONS)]
    for score_id in score_order(data, frame):
        for dimension in BAND_DIMENSIONS:
            rows = frame[(frame["score_id"] == score_id) & (frame["dimension"] == dimension)]
            if rows.empty:
                continue
            rows = rows.sort_values(["band_order", "band"], na_position="last")
            bars = [
                Bar(
                    label=str(r.band),
                    value=None if _missing(r.conversion_rate) else float(r.conversion_rate),
                    title=f"{score_id} {dimension} {r.band}: {pct(r.conversion_rate)} converted "
                    f"({count(r.converted_records)} of {count(r.records)} records), "
                    f"average score {num(r.average_score, 1)}",
                    note=f"n={count(r.records)}",
                    text=pct(r.conversion_rate),
                )
                for r in rows.itertuples()
            ]
            caption = (
                f"<h3>{esc(names.get(score_id, score_id))}: by {esc(dimension)}</h3>"
                f"<small>evaluated as of {esc(when(rows['evaluated_as_of_at'].max()))}, "
                f"{int(rows['records'].sum()):,} records</small>"
            )
            label = f"Conversion rate by {dimension}: {score_id}"
            panel = f"{score_id}:{dimension}"
            figures.append(figure(caption, bar_chart(key, bars, label=label, panel=panel)))
    others = sorted(set(table.frame["dimension"].astype(str)) - set(BAND_DIMENSIONS))
    more = f" Also in score_conversion_by_band: {esc(', '.join(others))}." if others else ""
    body = (
        '<p class="lead">Share of records in each band at the evaluation date that converted '
        f"within the outcome window; bands ordered best first, n = records.{more}</p>"
    )
    if not figures:
        empty = Table(table.name, frame, f"{table.name} has no tier or score_label rows.")
        return Section(key, title, body + no_data(key, empty), f"no data: {empty.note}")
    return Section(key, title, body + panels(figures), f"{len(figures)} panel(s)")


def calibration_section(data: ReportData) -> Section:
    key, table = "calibration", data["predictive_calibration"]
    title = "Calibration of the predictive score"
    if not table.ok:
        return Section(key, title, no_data(key, table), f"no data: {table.note}")
    figures, summaries = [], []
    for version, rows in table.frame.groupby("model_version", sort=True):
        rows = rows.sort_values("bin")
        records = int(rows["records"].sum())
        error = float((rows["absolute_error"] * rows["records"]).sum() / max(1, records))
        points = [
            Point(
                float(r.mean_predicted_probability),
                float(r.observed_conversion_rate),
                f"bin {r.bin}: predicted {pct(r.mean_predicted_probability)}, observed "
                f"{pct(r.observed_conversion_rate)} ({count(r.records)} records)",
            )
            for r in rows.itertuples()
            if not _missing(r.mean_predicted_probability)
            and not _missing(r.observed_conversion_rate)
        ]
        chart = xy_chart(
            key,
            [Series(str(version), points)],
            label=f"Calibration curve of model {version}",
            x_label="mean predicted probability",
            y_label="observed conversion rate",
            same_scale=True,
            diagonal="perfect calibration",
            panel=str(version),
        )
        bins = table_html(
            ("bin", "records", "predicted", "observed"),
            (
                (
                    r.bin,
                    count(r.records),
                    pct(r.mean_predicted_probability),
                    pct(r.observed_conversion_rate),
                )
                for r in rows.itertuples()
            ),
            (True,) * 4,
        )
        caption = (
            f"<h3>Model {esc(version)}</h3><small>{records:,} records in {len(rows)} bins, "
            f"records-weighted mean absolute error {error * 100:.1f} points</small>"
        )
        figures.append(figure(caption, f'<div class="side">{chart}{bins}</div>'))
        summaries.append(f"model {version}: {len(points)} bins, mean abs. error {error:.3f}")
    body = (
        '<p class="lead">Holdout records binned by predicted probability: a calibrated model '
        "sits on the diagonal.</p>" + panels(figures)
    )
    return Section(key, title, body, "; ".join(summaries))


def lift_section(data: ReportData) -> Section:
    key, table = "lift_gain", data["score_lift"]
    title = "Cumulative gain"
    if not table.ok:
        return Section(key, title, no_data(key, table), f"no data: {table.note}")
    names, series = score_names(data), []
    frame = table.frame
    for score_id in score_order(data, frame):
        rows = frame[frame["score_id"] == score_id].sort_values("decile")
        points = [
            Point(
                float(r.cumulative_share_of_records),
                float(r.cumulative_gain),
                f"{score_id}, top {pct(r.cumulative_share_of_records, 0)} by score: "
                f"{pct(r.cumulative_gain)} of converters (cumulative lift "
                f"{num(r.cumulative_lift, 2)}); decile {r.decile} converts "
                f"{pct(r.conversion_rate)}, lift {num(r.lift, 2)}",
            )
            for r in rows.itertuples()
            if not _missing(r.cumulative_share_of_records) and not _missing(r.cumulative_gain)
        ]
        series.append(Series(names.get(score_id, score_id), points, start=(0.0, 0.0)))
    deciles = sorted(int(d) for d in frame["decile"].dropna().unique())
    lifts = {(str(r.score_id), int(r.decile)): r.lift for r in frame.itertuples()}
    ids = score_order(data, frame)
    lift_table = table_html(
        ("top", *(names.get(s, s) for s in ids)),
        ((f"{(d - 1) * 10}-{d * 10}%", *(num(lifts.get((s, d)), 2) for s in ids)) for d in deciles),
        (True,) * (1 + len(ids)),
    )
    chart = xy_chart(
        key,
        series,
        label="Cumulative gain by score",
        x_label="share of records, best scores first",
        y_label="share of converters captured",
        x_max=1.0,
        y_max=1.0,
        diagonal="random order",
        width=600,
        height=380,
    )
    side = (
        f'<div class="side"><div>{chart}{legend([s.name for s in series])}</div>'
        f"<div><h3>Lift by decile</h3><small>conversion of the decile over the average"
        f"</small>{lift_table}</div></div>"
    )
    body = (
        '<p class="lead">Records sorted by score, best first: the share of all converters found '
        "in the top x%. The further above the diagonal, the better the score ranks.</p>"
        + panels([figure("", side)])
    )
    top = frame[frame["decile"] == 1]
    tops = ", ".join(f"{r.score_id} {pct(r.cumulative_gain, 0)}" for r in top.itertuples())
    return Section(
        key, title, body, f"{len(series)} score(s); converters in the top decile: {tops}"
    )


def drift_section(data: ReportData) -> Section:
    key, table = "drift", data["score_drift"]
    title = "Drift since the reference snapshot"
    if not table.ok:
        return Section(key, title, no_data(key, table), f"no data: {table.note}")
    names, figures = score_names(data), []
    frame = table.frame
    for score_id in score_order(data, frame):
        rows = frame[frame["score_id"] == score_id]
        bars = []
        for r in rows.itertuples():
            status, item = text(r.drift_status), text(r.item_label) or text(r.item)
            if r.item_kind == "score" and "score" not in item.lower():
                item = f"score: {item}"
            value = None if _missing(r.psi) else float(r.psi)
            bars.append(
                Bar(
                    label=item,
                    value=value,
                    title=f"{item}: PSI {num(r.psi)} ({status}); reference "
                    f"{r.reference_description} ({count(r.reference_records)} records), "
                    f"current {r.current_description} ({count(r.current_records)} records)",
                    text="no data" if value is None else f"{value:.3f} {status}",
                    colour=DRIFT_COLOURS.get(status, GREY),
                )
            )
        caption = f"<h3>{esc(names.get(score_id, score_id))}</h3>"
        chart = hbar_chart(
            key, bars, label=f"PSI by item: {score_id}", references=PSI_REFERENCES, panel=score_id
        )
        figures.append(figure(caption, chart))
    drifted = frame[frame["is_drifted"].eq(True)]
    messages = "".join(
        f"<li><b>{esc(names.get(r.score_id, r.score_id))}, "
        f"{esc(text(r.item_label) or text(r.item))}</b>: "
        f"{esc(r.message)}</li>"
        for r in drifted.itertuples()
    )
    listed = (
        f'<h3 class="after">Drifted items</h3><ul class="messages">{messages}</ul>'
        if messages
        else '<p class="after">No item has drifted.</p>'
    )
    body = (
        '<p class="lead">Population stability index (PSI) of each score and feature, current '
        "records against the reference snapshot: below 0.1 stable, 0.1 to 0.2 moderate, above "
        "0.2 drifted.</p>"
        + legend(list(DRIFT_COLOURS), list(DRIFT_COLOURS.values()))
        + panels(figures)
        + listed
    )
    summary = f"{len(frame)} item(s) over {len(figures)} score(s), {len(drifted)} drifted"
    if not drifted.empty:
        items = [f"{r.score_id}: {r.item}" for r in drifted.itertuples()]
        more = f" and {len(items) - 3} more" if len(items) > 3 else ""
        summary += f" ({', '.join(items[:3])}{more})"
    return Section(key, title, body, summary)


def changes_section(data: ReportData) -> Section:
    key, table = "changes", data["score_changes"]
    title = "Latest score changes"
    if not table.ok:
        return Section(key, title, no_data(key, table), f"no data: {table.note}")
    frame = table.frame
    latest = frame[frame["changed_at"] == frame.groupby("score_id")["changed_at"].transform("max")]
    if latest.empty:
        empty = Table(table.name, latest, f"{table.name} has no row with a changed_at.")
        return Section(key, title, no_data(key, empty), f"no data: {empty.note}")
    counts = latest.groupby(["score_id", "changed_at", "change_kind"]).size().unstack(fill_value=0)
    kinds = [k for k in ("entered", "changed", "left") if k in counts.columns]
    kinds += sorted(set(counts.columns) - set(kinds))
    count_rows = [
        (score_id, when(changed_at), *(f"{int(row[k]):,}" for k in kinds))
        for (score_id, changed_at), row in counts.iterrows()
    ]
    counts_table = table_html(
        ("score", "changed at", *kinds), count_rows, (False, False, *(True,) * len(kinds))
    )
    moved = latest.dropna(subset=["previous_score", "new_score"]).assign(
        move=lambda f: f["new_score"] - f["previous_score"]
    )
    moved = moved.reindex(moved["move"].abs().sort_values(ascending=False).index).head(TOP_MOVES)
    move_rows = [
        (
            r.score_id,
            r.record_id,
            f"{r.previous_score:g} \u2192 {r.new_score:g}",
            f"{r.move:+g}",
            f"{text(r.previous_tier)} \u2192 {text(r.new_tier)}",
            text(r.moved_by),
            when(r.changed_at),
        )
        for r in moved.itertuples()
    ]
    moves_table = table_html(
        ("score", "record", "score change", "move", "tier change", "moved by", "changed at"),
        move_rows,
        (False, False, True, True, False, False, False),
    )
    body = (
        '<p class="lead">Records that entered, changed or left each score in its latest '
        "scoring run, and the largest moves among records scored before and after.</p>"
        f'<div class="panels"><div><h3>By score and kind</h3>{counts_table}</div>'
        f"<div><h3>Largest moves (up to {TOP_MOVES})</h3>{moves_table}</div></div>"
    )
    summary = ", ".join(
        f"{score_id} " + "/".join(f"{int(row[k])} {k}" for k in kinds)
        for (score_id, _), row in counts.iterrows()
    )
    return Section(key, title, body, summary)


STYLE = """
:root{--ink:#1f2328;--muted:#57606a;--line:#d0d7de}
*{box-sizing:border-box}
body{margin:0;background:#fff;color:var(--ink);
 font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1280px;margin:0 auto;padding:24px 20px 40px}
h1{font-size:24px;margin:0 0 8px}
h2{font-size:18px;margin:32px 0 6px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:13px;margin:0;font-weight:600}
small{color:var(--muted);font-size:12px}
code{font-size:12px}
.meta{display:flex;flex-wrap:wrap;gap:4px 28px;color:var(--muted)}
.meta b{color:var(--ink);font-weight:600}
.lead{color:var(--muted);margin:0 0 12px;max-width:980px}
.panels{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
figure{margin:0;padding:8px 8px 4px;border:1px solid var(--line);border-radius:6px}
figcaption{margin-bottom:6px}
.side{display:flex;gap:16px;align-items:flex-start}
table{border-collapse:collapse;font-size:13px}
th,td{padding:4px 10px;border-bottom:1px solid #eaeef2;text-align:left;white-space:nowrap}
th{font-weight:600;border-bottom:1px solid var(--line)}
.num{text-align:right;font-variant-numeric:tabular-nums}
.no-data{background:#fff8e5;border-left:4px solid #E69F00;padding:8px 12px;color:#3b2f00}
.legend{list-style:none;padding:0;margin:6px 0 10px;display:flex;flex-wrap:wrap;gap:6px 18px}
.legend li{display:flex;align-items:center;gap:6px;font-size:13px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px}
.messages{margin:6px 0;padding-left:20px}
.after{margin-top:14px}
h3+small{display:block}
h3+table,small+table{margin-top:6px}
svg.chart{display:block;overflow:visible}
svg.chart text{font-size:10px;fill:#333}
svg.chart .tick{fill:#555}
svg.chart .muted{fill:#666}
svg.chart .value{fill:#1f2328;font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:3px}
svg.chart .axis-label{font-size:11px;fill:#333}
svg.chart .grid{stroke:#e8e8e8}
svg.chart .axis{stroke:#8c8c8c}
svg.chart .reference{stroke:#57606a;stroke-dasharray:4 3}
svg.chart rect:hover,svg.chart circle:hover{opacity:.75}
footer{margin-top:32px;color:var(--muted);font-size:12px}
"""


def render_report(data: ReportData, generated_at: datetime | None = None) -> Report:
    """The whole page for ``data``; ``generated_at`` defaults to now (UTC)."""
    generated_at = generated_at or datetime.now(UTC)
    sections = [
        performance_section(data),
        distribution_section(data),
        conversion_section(data),
        calibration_section(data),
        lift_section(data),
        drift_section(data),
        changes_section(data),
    ]
    content = "".join(
        f'<section id="{s.key}"><h2>{esc(s.title)}</h2>{s.body}</section>' for s in sections
    )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Lead-scoring report</title>"
        f"<style>{STYLE}</style></head><body><main>"
        + header(data, generated_at)
        + content
        + "<footer>Generated by <code>python -m lead_scoring.report</code> from the monitoring "
        "marts; self-contained (no scripts, no external resources). Hover a bar or point "
        "for its figures.</footer></main></body></html>\n"
    )
    return Report(page, sections)
