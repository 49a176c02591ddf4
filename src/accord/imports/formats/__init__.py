"""The file formats `accord import` recognises from their header row."""

from accord.imports.formats import accord, hubspot, salesforce, touchpoints
from accord.imports.formats.base import Format, normalize_header

# Most specific first: Accord's own exports, then Salesforce (its API files have "Id"), HubSpot.
FORMATS: tuple[Format, ...] = (
    *accord.FORMATS,
    *salesforce.FORMATS,
    *hubspot.FORMATS,
    *touchpoints.FORMATS,
)


def detect_format(headers: list[str]) -> Format | None:
    present = {normalize_header(h) for h in headers}
    return next((fmt for fmt in FORMATS if fmt.matches(present)), None)
