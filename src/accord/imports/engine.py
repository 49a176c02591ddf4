"""The one import engine: read the file, validate every row, plan, then write in one transaction."""

import csv
import itertools
import time
import zoneinfo
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from accord.csvsafe import FORMULA_START
from accord.imports.formats import Format, detect_format
from accord.imports.formats.base import (
    DATED,
    AmbiguousDates,
    DateReading,
    date_order,
    normalize_header,
    read_dates,
)
from accord.imports.source import Source, Unreadable, check_header, header_line, opened

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


@dataclass(frozen=True)
class ReadOptions:
    """What the user says about a file that its cells cannot: the order of its numeric dates
    (DMY, MDY or YMD; by default each date column's own values decide, or it is refused), the
    IANA zone of times written without one, and which sheet of a workbook to read."""

    date_format: str | None = None
    time_zone: str = "UTC"
    sheet: str | None = None

    def dates(self, values: list[str]) -> DateReading:
        """How a date column with these cells is read (AmbiguousDates when they cannot say)."""
        zone = zoneinfo.ZoneInfo(self.time_zone) if self.time_zone != "UTC" else None
        return DateReading(date_order(values, self.date_format), zone or DateReading.zone)


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
    read_as: str = ""  # how the file was read: encoding and delimiter, or the workbook sheet

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


def read_file(
    path: Path, *, progress: bool = False, options: ReadOptions = ReadOptions()
) -> ParsedFile:
    """Parse every row of the file, collecting every bad cell rather than stopping at the first.

    People files are read column-wise; a file the column reader cannot take as it is (see
    `read_columns`) is read again row by row."""
    try:
        with opened(path, options.sheet) as source:
            try:
                parsed = _read_text(source, path.name, progress, options, columns=True)
            except _ReadByRows:
                parsed = _read_text(source, path.name, progress, options, columns=False)
    except Unreadable as exc:
        raise ImportRefused(str(exc)) from None
    parsed.read_as = source.read_as
    return parsed


def _read_text(
    source: Source, name: str, progress: bool, options: ReadOptions, columns: bool
) -> ParsedFile:
    with source.path.open(encoding="utf-8-sig", newline="") as handle:
        return _read(handle, source, name, progress, options, columns)


def _read(
    handle, source: Source, name: str, progress: bool, options: ReadOptions, columns: bool = True
) -> ParsedFile:
    reader = csv.reader(
        itertools.chain([header_line(handle, name)], handle), delimiter=source.delimiter
    )
    try:
        header_row = next(reader, None)
    except csv.Error as exc:
        raise ImportRefused(f"{name}: the header row is not readable: {exc}") from None
    if not header_row:
        raise ImportRefused(f"{name} is empty")
    check_header(header_row, name)
    fmt = detect_format(header_row)
    if fmt is None:
        raise ImportRefused(
            f"{name}: the header row does not look like a HubSpot, Salesforce, Accord or "
            f"touchpoints export (it starts {', '.join(h[:40] for h in header_row[:5])})"
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
        raise ImportRefused(f"{name} ({fmt.name}) has no column for {', '.join(missing)}")

    if columns and fmt.object_type == "person" and fmt.derive is None:
        from accord.imports.columns import read_columns

        parsed = read_columns(source, fmt, header_row, progress, options)
        if parsed is None:
            raise _ReadByRows
        return parsed

    result = ParsedFile(fmt=fmt, records=[], headers=headers)
    rows = _rows(reader, len(header_row), fmt.unescape_formulas, result, name, progress, source)
    parsed_cols = _read_dates(parsed_cols, rows, options, result)
    derive = fmt.derive
    for row_number, cells in rows:
        values = {}
        for index, field_name in plain:
            cell = cells[index]
            if cell:
                values[field_name] = cell
        for index, header, field_name, parser in parsed_cols:
            cell = cells[index]
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


def _rows(reader, width, unescape, result, name, progress, source) -> list[tuple[int, list[str]]]:
    """Every row that has a cell, numbered as a spreadsheet numbers it, its cells stripped."""
    bar = tqdm(
        total=max(count_lines(source.path) - 1, 0) if progress else None,
        desc=f"Reading {result.fmt.name}",
        unit=" rows",
        unit_scale=True,
        disable=not progress,
    )
    rows = []
    row_number = 1
    with bar:
        try:
            for cells in reader:
                row_number += 1
                bar.update(1)
                if not "".join(cells).strip():
                    continue
                if len(cells) > width:
                    why = f"has {len(cells)} cells but the header has {width}"
                    result.errors.append(RowError(row_number, "", why))
                    continue
                if len(cells) < width:
                    cells = cells + [""] * (width - len(cells))
                cells = [c.strip() for c in cells]
                if unescape:
                    cells = [unescape_formula(c).strip() for c in cells]
                rows.append((row_number, cells))
        except csv.Error as exc:
            raise ImportRefused(
                f"{name} was not imported: row {row_number + 1} is not readable ({exc})",
                [RowError(row_number + 1, "", f"is not readable: {exc}")],
            ) from None
    return rows


def _read_dates(parsed_cols, rows, options: ReadOptions, result: ParsedFile) -> list:
    """The parsed columns with each date column bound to the one order its values allow; a
    column whose dates all read both ways is one error (its cells are not read)."""
    bound = []
    for index, header, field_name, parser in parsed_cols:
        if parser in DATED:
            cells = sorted({cells[index] for _, cells in rows} - {""})
            try:
                parser = read_dates(parser, options.dates(cells))
            except AmbiguousDates as exc:
                row = next(n for n, cells in rows if cells[index] == exc.example)
                result.errors.append(RowError(row, header, str(exc)))
                continue
        bound.append((index, header, field_name, parser))
    return bound


def _failed(result: ParsedFile, row: int, header: str) -> bool:
    """Whether this cell already has an error (so a bad cell is not also reported blank)."""
    return bool(result.errors) and any(
        e.row == row and e.column == header for e in result.errors[-8:]
    )
