"""Tests for the score-performance report and its render check (no dbt: synthetic marts)."""

from __future__ import annotations

import os
import re
import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from lead_scoring.report import CHARTS, check, load_report_data, render_report, write_report
from lead_scoring.report.__main__ import main as report_main

AS_OF = pd.Timestamp("2026-06-30")
EVALUATED = AS_OF - pd.Timedelta(days=90)
SCORES = {  # score_id: (name, kind, auc, top-decile lift)
    "contact_lead_score": ("Contact lead score", "rule", 0.7421, 2.61),
    "predictive_lead_score": ("Predictive lead score", "predictive", 0.7816, 3.04),
    "hybrid_lead_score": ("Hybrid lead score", "hybrid", None, None),
}
TIERS = ("Hot", "Warm", "Cool", "Cold")
LABELS = ("High", "Medium", "Low", "<script>")
DRIFT = [  # score_id, item_kind, item, psi, status
    ("contact_lead_score", "score", "score", 0.031, "stable"),
    ("contact_lead_score", "feature", "industry", 0.274, "drifted"),
    ("contact_lead_score", "feature", "country", 0.123, "moderate"),
    ("contact_lead_score", "feature", "job_function", None, "no_data"),
    ("predictive_lead_score", "score", "score", 0.058, "stable"),
    ("predictive_lead_score", "feature", "email_opens_30d", 0.012, "stable"),
]
EXPECTED_POINTS = {
    "distribution": 3 * 10,
    "conversion_by_band": 3 * len(TIERS) + 3 * (len(LABELS) - 1) + 1,
    "calibration": 10,
    "lift_gain": 3 * 10,
    "drift": sum(psi is not None for *_, psi, _ in DRIFT),
}


def _marts() -> dict[str, pd.DataFrame]:
    """Realistic synthetic versions of the monitoring marts."""
    performance = pd.DataFrame(
        [
            (sid, name, kind, EVALUATED, 90, "sql", 2778, 87, 87 / 2778, auc, lift)
            for sid, (name, kind, auc, lift) in SCORES.items()
        ],
        columns=[
            "score_id",
            "score_name",
            "score_kind",
            "evaluated_as_of_at",
            "outcome_window_days",
            "target_stage",
            "records",
            "converted_records",
            "conversion_rate",
            "auc",
            "top_decile_lift",
        ],
    )
    weights = [30, 22, 15, 10, 7, 5, 4, 3, 2, 2]
    distribution = pd.DataFrame(
        [
            (sid, kind, b + 1, b * 10.0, b * 10.0 + 10, f"{b * 10}-{b * 10 + 10}", w * 28)
            for sid, (_, kind, *_) in SCORES.items()
            for b, w in enumerate(weights)
        ],
        columns=[
            "score_id",
            "score_kind",
            "bucket_order",
            "bucket_low",
            "bucket_high",
            "bucket_label",
            "records",
        ],
    ).assign(share=lambda f: f["records"] / 2800, scored_at=AS_OF)
    band_rows = []
    for sid, (_, kind, *_) in SCORES.items():
        for dimension, bands in (("tier", TIERS), ("score_label", LABELS), ("lead_source", ())):
            shown = bands if sid == "contact_lead_score" else [b for b in bands if b != "<script>"]
            for order, band in enumerate(shown, start=1):
                records, converted = 1000 // order, 60 // order**2
                band_rows.append(
                    (sid, kind, dimension, band, order, records, converted, 90.0 - 20 * order)
                )
        band_rows.append((sid, kind, "lead_source", "webinar", None, 300, 9, 41.0))
    bands = pd.DataFrame(
        band_rows,
        columns=[
            "score_id",
            "score_kind",
            "dimension",
            "band",
            "band_order",
            "records",
            "converted_records",
            "average_score",
        ],
    ).assign(
        conversion_rate=lambda f: f["converted_records"] / f["records"],
        evaluated_as_of_at=EVALUATED,
    )
    lift_rows = []
    for i, sid in enumerate(SCORES):
        gains = [min(1.0, (d / 10) ** (0.45 + 0.1 * i)) for d in range(1, 11)]
        previous = 0.0
        for d, gain in enumerate(gains, start=1):
            converted = round((gain - previous) * 87)
            lift_rows.append(
                (sid, SCORES[sid][1], d, 278, converted, converted / 278, (gain - previous) * 10)
            )
            lift_rows[-1] += (d / 10, gain, gain / (d / 10))
            previous = gain
    lift = pd.DataFrame(
        lift_rows,
        columns=[
            "score_id",
            "score_kind",
            "decile",
            "records",
            "converted_records",
            "conversion_rate",
            "lift",
            "cumulative_share_of_records",
            "cumulative_gain",
            "cumulative_lift",
        ],
    )
    predicted = [0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.055, 0.07, 0.1, 0.16]
    observed = [0.004, 0.012, 0.013, 0.025, 0.027, 0.045, 0.05, 0.08, 0.095, 0.18]
    calibration = pd.DataFrame(
        {
            "model_version": "lr-2026-06-30",
            "bin": range(1, 11),
            "records": [186] * 10,
            "mean_predicted_probability": predicted,
            "observed_conversion_rate": observed,
        }
    ).assign(
        absolute_error=lambda f: (
            f["mean_predicted_probability"] - f["observed_conversion_rate"]
        ).abs()
    )
    drift = pd.DataFrame(
        [
            (
                sid,
                kind,
                item,
                item.replace("_", " "),
                "snapshot of 2026-03-31",
                "current scores",
                2700 if psi is not None else 0,
                2800,
                psi,
                status,
                status == "drifted",
                f"{item} moved: PSI {psi}" if status == "drifted" else "",
            )
            for sid, kind, item, psi, status in DRIFT
        ],
        columns=[
            "score_id",
            "item_kind",
            "item",
            "item_label",
            "reference_description",
            "current_description",
            "reference_records",
            "current_records",
            "psi",
            "drift_status",
            "is_drifted",
            "message",
        ],
    )
    earlier, latest = AS_OF - pd.Timedelta(days=1), AS_OF
    changes = pd.DataFrame(
        [
            ("contact_lead_score", "c1", "changed", 20.0, 85.0, "Cold", "Hot", "rules", latest),
            ("contact_lead_score", "c2", "changed", 60.0, 55.0, "Warm", "Warm", "decay", latest),
            ("contact_lead_score", "c3", "entered", None, 40.0, None, "Cool", "audience", latest),
            ("contact_lead_score", "c4", "left", 30.0, None, "Cool", None, "audience", latest),
            ("contact_lead_score", "c5", "changed", 10.0, 99.0, "Cold", "Hot", "rules", earlier),
        ],
        columns=[
            "score_id",
            "record_id",
            "change_kind",
            "previous_score",
            "new_score",
            "previous_tier",
            "new_tier",
            "moved_by",
            "changed_at",
        ],
    )
    runs = pd.DataFrame(
        {
            "scoring_run_id": ["r1", "r2", "r3"],
            "as_of_at": [AS_OF - pd.Timedelta(days=d) for d in (90, 1, 0)],
            "run_started_at": [AS_OF + pd.Timedelta(hours=h) for h in (1, 2, 3)],
        }
    )
    return {
        "score_performance": performance,
        "score_distribution": distribution,
        "score_conversion_by_band": bands,
        "score_lift": lift,
        "predictive_calibration": calibration,
        "score_drift": drift,
        "score_changes": changes,
        "scoring_runs": runs,
    }


def _warehouse(path: Path, drop: str | None = None, empty: str | None = None) -> Path:
    con = duckdb.connect(str(path))
    for name, frame in _marts().items():
        if name == drop:
            continue
        con.register("frame", frame)
        con.execute(f"create table {name} as select * from frame")
        con.unregister("frame")
        if name == empty:
            con.execute(f"delete from {name}")
    con.close()
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("report")
    out = folder / "index.html"
    write_report(_warehouse(folder / "w.duckdb"), out)
    return out, out.read_text(encoding="utf-8")


def test_all_charts_present_with_one_point_per_value(report: tuple[Path, str]) -> None:
    _, page = report
    found = check.parse_report(page)
    assert found.points == EXPECTED_POINTS
    assert set(CHARTS) == set(EXPECTED_POINTS)
    assert check.structure_problems(found) == []
    assert found.notes == {}
    # every data point has a hover title
    assert len(re.findall(r"data-point=", page)) == len(re.findall(r"<title>", page)) - 1


def test_numbers_and_labels_appear(report: tuple[Path, str]) -> None:
    _, page = report
    assert "0.742" in page and "0.782" in page  # AUC
    assert "2.61\u00d7" in page and "3.04\u00d7" in page  # top-decile lift
    assert "90 days to sql" in page and "2,778" in page
    assert "Latest scoring as of</b> 2026-06-30" in page
    assert "Scoring runs in history</b> 3" in page
    assert "Hot" in page and "n=1,000" in page
    assert "industry moved: PSI 0.274" in page  # drifted message listed
    assert "country moved" not in page
    assert "85 \u2192 99" not in page  # an earlier change is not among the latest moves
    assert "20 \u2192 85" in page and "+65" in page


def test_self_contained_and_escaped(report: tuple[Path, str]) -> None:
    _, page = report
    assert "http" not in page
    assert not re.search(r"\b(src|href)=", page)
    assert "<script" not in page
    assert "&lt;script&gt;" in page
    assert page.count('<svg class="chart"') >= len(CHARTS)


def test_cli_prints_path_and_sections(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "out" / "index.html"
    assert report_main(["--db", str(_warehouse(tmp_path / "w.duckdb")), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert str(out) in text and out.is_file()
    for key in ("summary", "distribution", "conversion_by_band", "calibration", "drift"):
        assert re.search(rf"^\s+{key}\s+\S", text, re.M), key
    assert "1 drifted (contact_lead_score: industry)" in text
    assert report_main(["--db", str(tmp_path / "absent.duckdb")]) == 1
    (tmp_path / "bad.duckdb").write_text("not a database")
    assert report_main(["--db", str(tmp_path / "bad.duckdb"), "--out", str(out)]) == 1
    assert "Cannot open" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("drop", "empty", "chart", "note"),
    [
        ("predictive_calibration", None, "calibration", "predictive_calibration does not exist"),
        (None, "score_lift", "lift_gain", "score_lift is empty"),
        (None, "score_performance", None, "score_performance is empty: scores need a history"),
        (None, "score_changes", None, "score_changes is empty"),
    ],
)
def test_missing_or_empty_table_says_why_and_check_names_chart(
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    drop: str | None,
    empty: str | None,
    chart: str | None,
    note: str,
) -> None:
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "no-chromium"))
    out = tmp_path / "index.html"
    write_report(_warehouse(tmp_path / "w.duckdb", drop=drop, empty=empty), out)
    page = out.read_text(encoding="utf-8")
    assert "No data yet." in page and note in page
    code = check.main([str(out)])
    err = capsys.readouterr().err
    if chart is None:  # not one of the five charts: the check still passes
        assert code == 0, err
    else:
        assert code == 1
        assert f"chart {chart}" in err and note in err
        others = [c for c in CHARTS if c != chart]
        assert not any(f"chart {c}:" in err for c in others)


def test_check_passes_without_chromium_unless_required(
    report: tuple[Path, str], capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _ = report
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")
    assert check.main([str(out)]) == 0
    assert "screenshot skipped" in capsys.readouterr().out
    assert check.main([str(out), "--require-chromium"]) == 1
    assert "apt-get install chromium" in capsys.readouterr().err


def test_render_report_is_deterministic_given_the_time(tmp_path: Path) -> None:
    data = load_report_data(_warehouse(tmp_path / "w.duckdb"))
    at = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert render_report(data, at).html == render_report(data, at).html


def test_screenshot_renders(
    report: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    if check.find_chromium() is None:
        message = "no Chromium (chromium, chromium-browser, google-chrome or $CHROMIUM)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}: CI must run the screenshot check (apt-get install chromium)")
        pytest.skip(message)
    out, _ = report
    png = tmp_path / "index.png"
    code = check.main([str(out), "--screenshot", str(png), "--require-chromium"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "non-background" in captured.out
    stats = check.render_stats(check.read_png(png.read_bytes()))
    assert check.render_problems(stats) == []
    assert stats.width == 1280 and 1500 < stats.height < 6000


# ---------------------------------------------------------------- PNG reader

PIXELS = [  # 3 x 2 RGB
    [(255, 0, 0), (0, 255, 0), (0, 0, 255)],
    [(10, 20, 30), (200, 150, 100), (255, 255, 255)],
]


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def _png(rows: list[bytes], width: int, channels: int, kind: int) -> bytes:
    """A PNG whose every scanline uses filter ``kind`` (an encoder independent of the reader)."""
    bpp, raw, prev = channels, b"", bytes(len(rows[0]))
    for row in rows:
        out = bytearray()
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            predictor = (0, a, b, (a + b) // 2, _paeth(a, b, c))[kind]
            out.append((x - predictor) % 256)
        raw += bytes([kind]) + bytes(out)
        prev = row

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    colour = 2 if channels == 3 else 6
    header = struct.pack(">IIBBBBB", width, len(rows), 8, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("kind", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("channels", [3, 4])
def test_png_reader_decodes_every_filter(kind: int, channels: int) -> None:
    alpha = (255,) if channels == 4 else ()
    rows = [bytes(v for px in line for v in (*px, *alpha)) for line in PIXELS]
    image = check.read_png(_png(rows, 3, channels, kind))
    assert (image.width, image.height, image.channels) == (3, 2, channels)
    assert image.rows == rows
    assert check.read_png(check.write_png(image)).rows == rows  # the writer round-trips
    stats = check.render_stats(image)
    assert stats.colours == 6 and stats.ink == pytest.approx(5 / 6)


def test_png_reader_rejects_bad_input() -> None:
    rows = [bytes(v for px in line for v in px) for line in PIXELS]
    data = bytearray(_png(rows, 3, 3, 0))
    with pytest.raises(ValueError, match="not a PNG"):
        check.read_png(b"GIF89a")
    data[20] ^= 1  # inside IHDR: the CRC no longer matches
    with pytest.raises(ValueError, match="CRC"):
        check.read_png(bytes(data))


def test_render_problems_flags_a_blank_render() -> None:
    blank = check.read_png(_png([bytes([255] * 9)] * 2, 3, 3, 0))
    problems = check.render_problems(check.render_stats(blank))
    assert any("non-background" in p for p in problems)
    assert any("distinct colours" in p for p in problems)
