"""The plain touchpoints CSV: one marketing touch per row, the person named by e-mail."""

from accord.imports.formats.base import (
    Format,
    columns,
    email,
    signature,
    text,
    timestamp,
    vocabulary,
)
from accord.touchpoints.models import Channel, Touchpoint


def _choices(choices) -> dict[str, str]:
    return {c.value: c.value for c in choices} | {c.label: c.value for c in choices}


touch_type = vocabulary("touchpoint type", _choices(Touchpoint.Kind))
channel = vocabulary("channel", _choices(Channel))

TOUCHPOINT_COLUMNS = (
    ("email", "email", email),
    ("occurred_at", "occurred_at", timestamp),
    ("type", "kind", touch_type),
    ("channel", "channel", channel),
    ("campaign", "campaign", text),
    ("utm_source", "utm_source", text),
    ("utm_medium", "utm_medium", text),
    ("utm_campaign", "utm_campaign", text),
    ("utm_term", "utm_term", text),
    ("utm_content", "utm_content", text),
    ("referrer", "referrer", text),
    ("page", "page", text),
)

TOUCHPOINTS = Format(
    name="touchpoints",
    system="accord",
    object_type="touchpoint",
    columns=columns(*TOUCHPOINT_COLUMNS),
    signatures=(signature("email", "occurred_at", "type"),),
    unescape_formulas=True,
)

FORMATS = (TOUCHPOINTS,)
