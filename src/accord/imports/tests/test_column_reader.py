"""People files are read column-wise (Polars); every cell must mean what the row reader made of it,
and every bad cell must be reported at the same row and column with the same reason."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.imports.engine import ReadOptions, _read, read_file
from accord.imports.source import Source
from accord.imports.tests.helpers import write_csv

HEADER = (
    "Record ID,First Name,Last Name,Email,Job Title,Lifecycle Stage,Company Domain Name,"
    "Create Date\n"
)
TRICKY = HEADER + (
    '1,  Zoë ,"Lee, Jr.",ZOE@Northwind.example,"CFO, EMEA",Lead,northwind.example,'
    "2024-03-01 09:30\n"
    "2,Ann,Lee,ann@ørsted.dk,,marketingqualifiedlead,https://www.Orsted.dk/about,"
    "03/13/2024 9:30 PM\n"
    ",,,,,,,\n"
    "3,Bob,,not-an-email,,Wizard,bad domain,2024-02-30 10:00\n"
    "4,Cy,,cy@x.example,,,,2024-03-01T10:00:05\n"
    ",,,,,Lead,,\n"
    "6,Di,,di@x.example\n"
)


def _both(path: Path):
    columns = read_file(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        source = Source(path, ",", "UTF-8 CSV")
        rows = _read(handle, source, path.name, False, ReadOptions(), columns=False)
    return columns, rows


def _as_records(parsed) -> list[tuple[int, dict]]:
    names = [c for c in parsed.frame.columns if c != "row"]
    return [
        (row[0], {k: v for k, v in zip(names, row[1:], strict=True) if v is not None})
        for row in parsed.frame.iter_rows()
    ]


# A stage Accord does not know is looked up among the mappings kept in the database.
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("bom,crlf", [(True, True), (False, False)])
def test_the_column_reader_reads_every_cell_and_error_as_the_row_reader(tmp_path, bom, crlf):
    path = write_csv(tmp_path, "contacts.csv", TRICKY, bom=bom, crlf=crlf)
    columns, rows = _both(path)
    assert columns.frame is not None
    assert [(r.row, r.values) for r in rows.records] == _as_records(columns)
    assert [str(e) for e in columns.errors] == [str(e) for e in rows.errors]
    assert "row 5, column Email: 'not-an-email' is not an e-mail address" in map(
        str, columns.errors
    )
    assert "row 7, column Email: is blank" in map(str, columns.errors)


def test_a_blank_line_keeps_the_spreadsheet_row_numbers(tmp_path):
    path = write_csv(tmp_path, "contacts.csv", HEADER + "\n" + "1,Ann,,bad@,,Lead,,\n")
    errors = read_file(path).errors
    assert [str(e) for e in errors] == ["row 3, column Email: 'bad@' is not an e-mail address"]


CELL = st.text(
    st.sampled_from(list("aZ09_-.@ ,;<>'\"\téß+=:/T") + ["\u00a0", "\u2003", "\x1c"]), max_size=14
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(CELL, CELL, CELL), min_size=1, max_size=6))
def test_any_cells_mean_the_same_to_both_readers(tmp_path_factory, cells):
    def quoted(cell):
        return '"' + cell.replace('"', '""') + '"'

    text = "Record ID,Email,Create Date,Lifecycle Stage\n" + "".join(
        f"{i},{quoted(e)},{quoted(d)},{quoted(s)}\n" for i, (e, d, s) in enumerate(cells)
    )
    path = tmp_path_factory.mktemp("cells") / "contacts.csv"
    path.write_text(text, encoding="utf-8")
    columns, rows = _both(path)
    assert [str(e) for e in columns.errors] == [str(e) for e in rows.errors]
    if columns.frame is not None:
        assert [(r.row, r.values) for r in rows.records] == _as_records(columns)
