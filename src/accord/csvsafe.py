"""CSV that is safe to open in a spreadsheet: every CSV file Accord writes goes through `writer`.

A text cell that starts like a formula (`=`, `+`, `-`, `@`, a tab or a carriage return) gets a
leading apostrophe, as OWASP advises, so Excel, LibreOffice and Google Sheets show it as text
instead of running it; so does a text cell that already starts with an apostrophe, so that
`accord import` undoes exactly what was added. Numbers are written as they are: a number is never
a formula, and a negative amount stays a number. Pure Python, so any package (the attribution
engine included) can use it without Django.
"""

import csv
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol


class Writable(Protocol):
    """Where CSV goes: an open text file, a StringIO, an HTTP response."""

    def write(self, text: str, /) -> object: ...


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """The text of a cell, with an apostrophe before it when a spreadsheet would run it."""
    if text and (text[0] in FORMULA_START or text[0] == "'"):
        return "'" + text
    return text


def cell(value: Any) -> str:
    """What a value is written as: nothing for None, ISO 8601 for dates and times (UTC when the
    time is aware), numbers as they are, anything else as neutralised text."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    return neutralise(str(value))


class SafeWriter:
    """`csv.writer`, with every cell written as `cell` writes it."""

    def __init__(self, handle: Writable):
        self._writer = csv.writer(handle)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle: Writable) -> SafeWriter:
    return SafeWriter(handle)
