"""What a file is before its rows are read: its text encoding, its delimiter, or the workbook sheet
it is, turned into the UTF-8 CSV both row readers take. Hostile shapes are refused here, before a
single row is read: a header over MAX_COLUMNS columns or longer than MAX_CELL_BYTES."""

import codecs
import csv
import datetime as dt
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MAX_COLUMNS = 2000
MAX_CELL_BYTES = 1 << 20  # one cell, and the whole header row
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "cp1252": "Windows-1252",
    "latin-1": "ISO-8859-1",
}
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
SAMPLE = 1 << 16

csv.field_size_limit(MAX_CELL_BYTES)


class Unreadable(Exception):
    """The file cannot be read as a table; the message says why."""


@dataclass(frozen=True)
class Source:
    """A file as the readers take it: UTF-8 text (a BOM allowed) split by `delimiter`."""

    path: Path
    delimiter: str
    read_as: str  # what the user gave, in their words: "UTF-8 CSV", "Windows-1252 CSV, semicolons"


@contextmanager
def opened(path: Path, sheet: str | None = None):
    """The file as UTF-8 CSV (a converted copy, removed afterwards, when it was not already)."""
    with tempfile.TemporaryDirectory(prefix="accord-import-") as scratch:
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            yield _from_workbook(path, sheet, Path(scratch) / f"{path.stem}.csv")
            return
        if sheet:
            raise Unreadable(f"{path.name} is not a workbook; --sheet is for XLSX files")
        encoding = _encoding(path)
        text_path = path
        if encoding != "utf-8":
            text_path = Path(scratch) / path.name
            _transcode(path, encoding, text_path)
        delimiter = _delimiter(text_path)
        read_as = f"{ENCODING_NAMES[encoding]} CSV"
        if delimiter != ",":
            read_as += f", {DELIMITERS[delimiter]}-separated"
        yield Source(text_path, delimiter, read_as)


def _encoding(path: Path) -> str:
    """UTF-8 (with or without a BOM), UTF-16 (a BOM, or the zero bytes of ASCII text in it),
    else Windows-1252 (a superset of ISO-8859-1 in every printable character), and ISO-8859-1
    for the five bytes Windows-1252 leaves undefined."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\0" in head:
        # Text in UTF-16 without a BOM has a zero beside most ASCII characters, on one side.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if max(even, odd) > len(head) // 4 and min(even, odd) < len(head) // 100:
            return "utf-16-le" if odd > even else "utf-16-be"
        raise Unreadable(f"{path.name} is not text (it holds zero bytes); export it as CSV")
    if _decodes(path, "utf-8"):
        return "utf-8"
    return "cp1252" if _decodes(path, "cp1252") else "latin-1"


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 22):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _transcode(path: Path, encoding: str, out: Path) -> None:
    try:
        with (
            path.open(encoding=encoding, newline="") as source,
            out.open("w", encoding="utf-8", newline="") as target,
        ):
            target.write(source.read(1 << 20).removeprefix("\ufeff"))
            while chunk := source.read(1 << 20):
                target.write(chunk)
    except UnicodeDecodeError as exc:
        raise Unreadable(f"{path.name} is not {ENCODING_NAMES[encoding]} text: {exc}") from None


def header_line(handle, name: str) -> str:
    """The first line of an open text file, refused when it is longer than MAX_CELL_BYTES."""
    line = handle.readline(MAX_CELL_BYTES + 1)
    if len(line) > MAX_CELL_BYTES:
        raise Unreadable(f"{name}: the header row is longer than {MAX_CELL_BYTES:,} characters")
    return line


def check_header(header: list[str], name: str) -> None:
    if len(header) > MAX_COLUMNS:
        raise Unreadable(
            f"{name}: the header row has {len(header):,} columns; at most {MAX_COLUMNS:,} are read"
        )


def _delimiter(path: Path) -> str:
    """The one of comma, semicolon and tab that splits the header row most (comma on a tie)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        line = header_line(handle, path.name)
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return max(counts, key=lambda d: (counts[d], d == ","))


def _from_workbook(path: Path, sheet: str | None, out: Path) -> Source:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine names what is wrong with the workbook
        raise Unreadable(f"{path.name} is not a readable workbook: {exc}") from None
    names = workbook.sheet_names
    if sheet is not None and sheet not in names:
        raise Unreadable(f"{path.name} has no sheet {sheet!r}; its sheets: {', '.join(names)}")
    if not names:
        raise Unreadable(f"{path.name} has no sheet")
    chosen = workbook.get_sheet_by_name(sheet or names[0])
    if chosen.width > MAX_COLUMNS:
        raise Unreadable(
            f"{path.name}: the sheet {chosen.name!r} has {chosen.width:,} columns; "
            f"at most {MAX_COLUMNS:,} are read"
        )
    with out.open("w", encoding="utf-8", newline="") as target:
        writer = csv.writer(target)
        for cells in chosen.iter_rows():
            writer.writerow([_cell_text(cell) for cell in cells])
    return Source(out, ",", f"XLSX sheet {chosen.name!r}")


def _cell_text(cell) -> str:
    """A workbook cell as the CSV export of the same sheet would write it."""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, (dt.date, dt.time)):
        return cell.isoformat()
    return str(cell)
