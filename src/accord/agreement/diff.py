"""A readable diff between two agreement documents, from their flattened forms."""

from accord.scoring import AgreementDocument

_LABELS = {
    "engagement.half_life_days": ("Engagement half-life", " days"),
    "engagement.window_days": ("Engagement window", " days"),
    "threshold.min_total": ("MQL score threshold", " points"),
    "threshold.min_grade": ("MQL minimum grade", ""),
    "buying_power.required": ("Decision maker required on", ""),
    "sla.mqls_per_month": ("MQLs Marketing commits to per month", ""),
    "sla.min_grade": ("Minimum grade of committed MQLs", ""),
    "sla.first_touch_working_hours": ("Sales first touch within", " working hours"),
    "sla.accept_within_working_days": ("Sales accepts or rejects within", " working days"),
    "sla.recycle.after_days": ("Rejected leads are rescored after", " days"),
    "sla.recycle.to_stage": ("Rejected leads go back to", ""),
}


def flatten(value, prefix: str = "") -> dict[str, object]:
    """`{"a": {"b": 1}}` → `{"a.b": 1}`; list items are keyed by their name, or grade, if any."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list) and all(isinstance(v, dict) for v in value) and value:
        items = ((f"[{_item_key(v, i)}]", v) for i, v in enumerate(value))
    else:
        return {prefix: value}
    flat = {}
    for key, child in items:
        path = f"{prefix}{key}" if str(key).startswith("[") else f"{prefix}.{key}".lstrip(".")
        flat.update(flatten(child, path))
    return flat


def _item_key(item: dict, index: int) -> str:
    return str(item.get("name") or item.get("grade") or index + 1)


def _show(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value) or "none"
    return str(value)


def _label(path: str) -> tuple[str, str]:
    if path in _LABELS:
        return _LABELS[path]
    words = path.replace("_", " ").replace(".", " › ")
    return words[:1].upper() + words[1:], ""


def diff_documents(old: AgreementDocument | None, new: AgreementDocument) -> list[str]:
    """Lines such as "Engagement half-life: 30 → 14 days", in the document's order."""
    before = flatten(old.model_dump(mode="json", by_alias=True)) if old else {}
    after = flatten(new.model_dump(mode="json", by_alias=True))
    lines = []
    for path in list(after) + [p for p in before if p not in after]:
        was, now = before.get(path, "—"), after.get(path, "—")
        if was == now:
            continue
        label, unit = _label(path)
        if path not in before:
            lines.append(f"{label}: {_show(now)}{unit} (added)")
        elif path not in after:
            lines.append(f"{label}: {_show(was)}{unit} (removed)")
        else:
            lines.append(f"{label}: {_show(was)} → {_show(now)}{unit}")
    return lines
