"""Reading a people file column-wise with Polars: the same cells, rules and errors as row by row.

Polars parses the CSV; every cell is stripped as Python strips it; each parsed column runs its
format's own parser once per distinct value (a date column that looks like ISO minutes is parsed
by Polars, and any cell it declines goes through the Python parser), so a cell means the same and
a bad one is reported the same whichever reader read it. Whatever this reader cannot vouch for
(a blank line, which it would not number as a spreadsheet does; a lone CR line end; an odd number
of quotes; a cell beyond the csv module's size limit; bytes that are not UTF-8; more cells than
headers) is left to the row-by-row reader, which reports it exactly.
"""

import csv
import io

import polars as pl
from tqdm import tqdm

from accord.imports.engine import (
    FOOTER_ROWS,
    FORMULA_START,
    IDENTIFIES,
    ParsedFile,
    ReadOptions,
    RowError,
    bind_vocabularies,
    footer_rows,
    required_of,
    skipped_footer,
)
from accord.imports.formats import Format
from accord.imports.formats.base import (
    DATED,
    AmbiguousDates,
    DateReading,
    Unmapped,
    email,
    normalize_header,
    read_dates,
    timestamp,
    whole_number,
)
from accord.imports.source import Source

BOM = b"\xef\xbb\xbf"
# Exactly what str.strip() removes (every character whose str.isspace() is true).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
FORMULA = "^'([" + "".join("\\" + c if c in "-\\]^" else c for c in (*FORMULA_START, "'")) + "])"
ISO_MINUTES = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?$"
UTC = pl.Datetime("us", "UTC")
# base.EMAIL_RE for text that is all ASCII (where Python's \\s and \\w are these classes): a cell
# it accepts, the Python parser accepts too; any other cell is left to the Python parser.
ASCII_EMAIL = (
    r'^[^@ \t\n\r\x0b\x0c\x1c-\x1f,;<>"\x80-\x{10FFFF}]+@[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?'
    r"(?:\.[A-Za-z0-9][A-Za-z0-9_-]*)+$"
)


def read_columns(
    source: Source, fmt: Format, header_row: list[str], progress: bool, options: ReadOptions
):
    data = source.path.read_bytes()
    if data.startswith(BOM):
        data = data[len(BOM) :]
    if (
        data.count(b'"') % 2
        or data.count(b"\r") != data.count(b"\r\n")
        or b"\n\n" in data
        or b"\n\r\n" in data
        or not data.endswith((b"\n", b"\r"))  # a last row cut short is the row reader's to name
    ):
        return None
    width = len(header_row)
    names = [f"c{i}" for i in range(width)]
    try:
        raw = pl.read_csv(
            io.BytesIO(data),
            has_header=True,
            new_columns=names,
            schema={name: pl.String for name in names},
            infer_schema=False,
            encoding="utf8",
            separator=source.delimiter,
            quote_char='"',
            truncate_ragged_lines=False,
        )
    except Exception:  # the row reader names the problem, row by row
        return None
    del data
    if raw.width != width:
        return None
    limit = csv.field_size_limit()
    longest = raw.select(pl.max_horizontal(pl.col(names).str.len_chars().max())).item()
    if longest is not None and longest > limit:
        return None

    bar = tqdm(
        total=raw.height,
        desc=f"Reading {fmt.name}",
        unit=" rows",
        unit_scale=True,
        disable=not progress,
    )
    with bar:
        parsed = _validate(raw, fmt, header_row, options)
        bar.update(raw.height)
    return parsed


def _clean(col: pl.Expr, unescape: bool) -> pl.Expr:
    col = col.str.strip_chars(WHITESPACE)
    if unescape:
        col = col.str.replace(FORMULA, "${1}").str.strip_chars(WHITESPACE)
    return pl.when(col == "").then(None).otherwise(col)


def _validate(
    raw: pl.DataFrame, fmt: Format, header_row: list[str], options: ReadOptions
) -> ParsedFile:
    chosen: list[tuple[str, str, str, object]] = []  # (column, header, field, parser)
    headers: dict[str, str] = {}
    for index, header in enumerate(header_row):
        spec = fmt.columns.get(normalize_header(header))
        if spec is None or spec[0] in headers:
            continue
        headers[spec[0]] = header.strip()
        chosen.append((f"c{index}", header.strip(), *spec))

    notes = []
    tail = raw.tail(FOOTER_ROWS).select(
        _clean(pl.col(c), fmt.unescape_formulas).fill_null("").alias(c) for c in raw.columns
    )
    footer = footer_rows([list(row) for row in tail.iter_rows()])
    if footer:
        kept = raw.height - footer
        notes.append(skipped_footer(kept + 2, raw.height + 1, tail.item(tail.height - footer, 0)))
        raw = raw.head(kept)
    cells = raw.select(
        pl.int_range(2, raw.height + 2, dtype=pl.Int64).alias("row"),
        *(_clean(pl.col(c), fmt.unescape_formulas).alias(f) for c, _, f, _ in chosen),
    )
    # A row of blank cells is no row (as in the row reader), though it keeps its number.
    fields = [f for _, _, f, _ in chosen]
    if fields:
        cells = cells.filter(pl.any_horizontal(pl.col(fields).is_not_null()))
    else:
        cells = cells.clear()

    errors: list[RowError] = []
    parsed = ParsedFile(fmt=fmt, records=[], errors=errors, headers=headers)
    columns = [pl.col("row")]
    for _, header, name, parser in bind_vocabularies(chosen, 3):
        if parser.__name__ == "text":
            columns.append(pl.col(name))
            continue
        column = cells.get_column(name)
        reading = None
        if parser in DATED:
            try:
                reading = options.dates(column.drop_nulls().unique().sort().to_list())
            except AmbiguousDates as exc:
                row = cells.filter(pl.col(name) == exc.example).get_column("row").first()
                errors.append(RowError(row, header, str(exc)))
                columns.append(pl.lit(None, UTC if parser is timestamp else pl.Date).alias(name))
                continue
        values, bad, unmapped = _parse(column, parser, reading, options.map_unknown)
        columns.append(values.alias(name))
        for cell, exc in unmapped:
            rows = cells.filter(pl.col(name) == cell).get_column("row").to_list()
            parsed.note_unmapped(header, exc, rows, options.map_unknown)
        if bad.height:
            rows = cells.select("row", pl.col(name).alias("cell")).join(bad, on="cell")
            errors.extend(RowError(row, header, why) for row, _, why in rows.iter_rows())
    frame = cells.select(columns)
    for required in required_of(fmt):
        if required not in frame.columns:
            continue
        failed = {e.row for e in errors if e.column == headers[required]}
        ids = [pl.col(c).is_not_null() for c in IDENTIFIES if c in frame.columns]
        identified = pl.any_horizontal(ids) if ids else pl.lit(False)
        for row in frame.filter(pl.col(required).is_null() & ~identified).get_column("row"):
            if row not in failed:
                errors.append(RowError(row, headers[required], "is blank"))
    errors.sort(key=lambda e: e.row)
    parsed.frame = frame
    parsed.notes.extend(notes)
    return parsed


def _parse(
    cells: pl.Series, parser, reading: DateReading | None, other: str | None = None
) -> tuple[pl.Series, pl.DataFrame, list]:
    """The column parsed, the distinct cells that failed with the reason (cell, reason), and
    those no mapping names (cell, Unmapped); lifecycle stages among them are `other` if asked."""
    distinct = cells.drop_nulls().unique()
    fast = None
    kind = parser
    if reading is not None:
        parser = read_dates(kind, reading)
    if kind is timestamp:
        # ISO minutes or seconds: Polars parses what is a real time in the reading's zone (not
        # one a clock change skips or repeats); the rest goes to Python.
        iso = distinct.filter(distinct.str.contains(ISO_MINUTES))
        spaced = iso.str.replace("T", " ", literal=True)
        as_time = (
            pl.select(pl.when(spaced.str.len_chars() == 16).then(spaced + ":00").otherwise(spaced))
            .to_series()
            .str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="us")
            .dt.replace_time_zone(
                getattr(reading.zone, "key", "UTC"), ambiguous="null", non_existent="null"
            )
            .dt.convert_time_zone("UTC")
        )
        fast = pl.DataFrame({"cell": iso, "value": as_time}).filter(pl.col("value").is_not_null())
        distinct = distinct.filter(~distinct.is_in(fast.get_column("cell").implode()))
    elif kind is email:
        ok = distinct.str.contains(ASCII_EMAIL) & (distinct.str.len_chars() <= 254)
        fast = pl.DataFrame({"cell": distinct.filter(ok), "value": distinct.filter(ok)})
        distinct = distinct.filter(~ok)
    good, bad, unmapped = [], [], []
    for cell in distinct.to_list():
        try:
            good.append((cell, parser(cell)))
        except Unmapped as exc:
            unmapped.append((cell, exc))
            if other and exc.kind == "lifecycle_stage":
                good.append((cell, other))
        except ValueError as exc:
            bad.append((cell, str(exc)))
    dtype = UTC if kind is timestamp else pl.Int64 if kind is whole_number else pl.String
    table = pl.DataFrame(good, schema={"cell": pl.String, "value": dtype}, orient="row")
    if fast is not None:
        table = pl.concat([table, fast])
    bad_frame = pl.DataFrame(bad, schema={"cell": pl.String, "reason": pl.String}, orient="row")
    values = (
        cells.to_frame("cell")
        .join(table, on="cell", how="left", maintain_order="left")
        .get_column("value")
    )
    return values, bad_frame, unmapped
