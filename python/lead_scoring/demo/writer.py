"""Streaming writers: each table is appended chunk by chunk to one parquet or CSV file."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

FORMATS = ("parquet", "csv")


class TableWriter:
    """Append-only writer of ``<out>/<table>.<fmt>`` files with fixed schemas.

    Parquet files get one row group per chunk; CSV files one header then appended rows.
    Files are opened lazily and every table gets a file (possibly empty) on close.
    """

    def __init__(self, out: Path, fmt: str, schemas: dict[str, pa.Schema]) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
        self.out = Path(out)
        self.fmt = fmt
        self.schemas = schemas
        self.rows: dict[str, int] = dict.fromkeys(schemas, 0)
        self._writers: dict[str, pq.ParquetWriter | pcsv.CSVWriter] = {}
        self._closed = False
        self.out.mkdir(parents=True, exist_ok=True)

    def path(self, name: str) -> Path:
        """File a table is written to."""
        return self.out / f"{name}.{self.fmt}"

    def _writer(self, name: str) -> pq.ParquetWriter | pcsv.CSVWriter:
        if name not in self._writers:
            schema = self.schemas[name]
            if self.fmt == "parquet":
                self._writers[name] = pq.ParquetWriter(self.path(name), schema, compression="zstd")
            else:
                self._writers[name] = pcsv.CSVWriter(self.path(name), schema)
        return self._writers[name]

    def write(self, name: str, table: pa.Table) -> None:
        """Append ``table`` (cast to the table's schema) to its file."""
        if self._closed:
            raise ValueError("writer is closed")
        table = table.cast(self.schemas[name])
        if table.num_rows == 0:
            return
        self._writer(name).write_table(table)
        self.rows[name] += table.num_rows

    def close(self) -> dict[str, int]:
        """Close every file (creating empty ones for tables never written); row counts."""
        if self._closed:
            return dict(self.rows)
        for name in self.schemas:
            self._writer(name)
        for w in self._writers.values():
            w.close()
        self._writers.clear()
        self._closed = True
        return dict(self.rows)

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
