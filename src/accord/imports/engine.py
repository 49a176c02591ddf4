"""The one import engine: read the file, validate every row, plan, then write in one transaction."""

import csv
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from accord.csvsafe import FORMULA_START
from accord.imports.formats import Format, detect_format
from accord.imports.formats.base import normalize_header

REQUIRED = {
    "person": ("email",),
    "opportunity": (),
    "account": (),
    "touchpoint": ("email", "occurred_at", "kind"),
}


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.reason}"


@dataclass
class Record:
    row: int
    values: dict


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ParsedFile:
    fmt: Format
    records: list[Record]
    errors: list[RowError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # field -> header as in the file
    # Read column-wise (people files): a Polars frame, a `row` column and one per field (null for
    # a blank cell), in place of `records`.
    frame: object = None

    def error(self, record: Record, field_name: str, reason: str) -> None:
        self.error_at(record.row, field_name, reason)

    def error_at(self, row: int, field_name: str, reason: str) -> None:
        self.errors.append(RowError(row, self.headers.get(field_name, ""), reason))

    @property
    def size(self) -> int:
        return len(self.records) if self.frame is None else self.frame.height


@contextmanager
def timed(timings: dict[str, float], phase: str):
    """Add the wall-clock seconds of a block to `timings[phase]` (shown by `import -v 2`)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[phase] = timings.get(phase, 0.0) + time.perf_counter() - start


class _ReadByRows(Exception):
    """The column-wise reader cannot vouch for this file; read it row by row instead."""


class ImportRefused(Exception):
    """The file cannot be imported as a whole; nothing was written."""

    def __init__(self, message: str, errors: list[RowError] | None = None):
        super().__init__(message)
        self.errors = errors or []


def count_lines(path: Path) -> int:
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            lines += chunk.count(b"\n")
    return lines


def unescape_formula(cell: str) -> str:
    """Undo the apostrophe `accord export` puts before formula-like (or apostrophe) cells."""
    if len(cell) > 1 and cell[0] == "'" and (cell[1] in FORMULA_START or cell[1] == "'"):
        return cell[1:]
    return cell


def read_file(path: Path, *, progress: bool = False) -> ParsedFile:
    """Parse every row of the file, collecting every bad cell rather than stopping at the first.

    People files are read column-wise; a file the column reader cannot take as it is (see
    `read_columns`) is read again row by row."""
    try:
        return _read_text(path, progress, columns=True)
    except _ReadByRows:
        return _read_text(path, progress, columns=False)


def _read_text(path: Path, progress: bool, columns: bool) -> ParsedFile:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return _read(handle, path, progress, columns)
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            f"{path.name} is not UTF-8 text (byte {exc.start}); export it again as UTF-8 CSV"
        ) from None
    except csv.Error as exc:
        raise ImportRefused(f"{path.name} is not a readable CSV file: {exc}") from None


def _read(handle, path: Path, progress: bool, columns: bool = True) -> ParsedFile:
    reader = csv.reader(handle)
    header_row = next(reader, None)
    if not header_row:
        raise ImportRefused(f"{path.name} is empty")
    fmt = detect_format(header_row)
    if fmt is None:
        raise ImportRefused(
            f"{path.name}: the header row does not look like a HubSpot, Salesforce, Accord or "
            f"touchpoints export (it starts {', '.join(header_row[:5])})"
        )
    plain, parsed_cols, headers = [], [], {}
    for index, header in enumerate(header_row):
        spec = fmt.columns.get(normalize_header(header))
        if spec is None or spec[0] in headers:
            continue
        field_name, parser = spec
        headers[field_name] = header.strip()
        if parser.__name__ == "text":
            plain.append((index, field_name))
        else:
            parsed_cols.append((index, header.strip(), field_name, parser))
    missing = [f for f in REQUIRED[fmt.object_type] if f not in headers]
    if missing:
        raise ImportRefused(f"{path.name} ({fmt.name}) has no column for {', '.join(missing)}")

    if columns and fmt.object_type == "person" and fmt.derive is None:
        from accord.imports.columns import read_columns

        parsed = read_columns(path, fmt, header_row, progress)
        if parsed is None:
            raise _ReadByRows
        return parsed

    result = ParsedFile(fmt=fmt, records=[], headers=headers)
    width = len(header_row)
    unescape = fmt.unescape_formulas
    derive = fmt.derive
    bar = tqdm(
        total=max(count_lines(path) - 1, 0) if progress else None,
        desc=f"Reading {fmt.name}",
        unit=" rows",
        unit_scale=True,
        disable=not progress,
    )
    row_number = 1
    with bar:
        for cells in reader:
            row_number += 1
            bar.update(1)
            if not "".join(cells).strip():
                continue
            if len(cells) > width:
                result.errors.append(
                    RowError(row_number, "", f"has {len(cells)} cells but the header has {width}")
                )
                continue
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            if unescape:
                cells = [unescape_formula(c.strip()) for c in cells]
            values = {}
            for index, field_name in plain:
                cell = cells[index].strip()
                if cell:
                    values[field_name] = cell
            for index, header, field_name, parser in parsed_cols:
                cell = cells[index].strip()
                if cell:
                    try:
                        values[field_name] = parser(cell)
                    except ValueError as exc:
                        result.errors.append(RowError(row_number, header, str(exc)))
            if derive is not None:
                derive(values)
            record = Record(row_number, values)
            for required in REQUIRED[fmt.object_type]:
                if required not in values and not _failed(result, row_number, headers[required]):
                    result.error(record, required, "is blank")
            result.records.append(record)
    return result


def _failed(result: ParsedFile, row: int, header: str) -> bool:
    """Whether this cell already has an error (so a bad cell is not also reported blank)."""
    return bool(result.errors) and any(
        e.row == row and e.column == header for e in result.errors[-8:]
    )
