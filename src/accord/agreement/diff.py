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
_ITEM_NAMES = {"fit_rules": "Fit rule", "grades": "Grade", "sla.segments": "SLA segment"}


def flatten(value, prefix: str = "") -> dict[str, object]:
    """`{"a": {"b": 1}}` → `{"a.b": 1}`; named list items become one entry each, `a[name]`."""
    if isinstance(value, dict):
        flat = {}
        for key, child in value.items():
            flat.update(flatten(child, f"{prefix}.{key}" if prefix else key))
        return flat
    if prefix in _ITEM_NAMES:
        return {f"{prefix}[{_item_key(item)}]": item for item in value}
    return {prefix: value}


def _item_key(item: dict) -> str:
    return str(item.get("name") or item.get("grade"))


def _show(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value) or "none"
    if isinstance(value, dict):
        return "; ".join(
            f"{k.replace('_', ' ')} {_show(v)}" for k, v in value.items() if v is not None
        )
    return str(value)


def _label(path: str) -> tuple[str, str]:
    if path in _LABELS:
        return _LABELS[path]
    words = path.replace("_", " ").replace(".", " › ")
    return words[:1].upper() + words[1:], ""


def _item_lines(path: str, was, now) -> list[str]:
    """One line per named item added, removed, or per field changed in it."""
    list_path, key = path[:-1].split("[", 1)
    noun = _ITEM_NAMES[list_path]
    if was is None:
        details = {k: v for k, v in now.items() if k not in ("name", "grade")}
        return [f"{noun} added: {key} ({_show(details)})"]
    if now is None:
        return [f"{noun} removed: {key}"]
    fields = [f for f in dict.fromkeys([*now, *was]) if was.get(f) != now.get(f)]
    return [
        f"{noun} {key}, {f.replace('_', ' ')}: {_show(was.get(f))} → {_show(now.get(f))}"
        for f in fields
    ]


def diff_documents(old: AgreementDocument | None, new: AgreementDocument) -> list[str]:
    """Lines such as "Engagement half-life: 30 → 14 days", in the document's order."""
    before = flatten(old.model_dump(mode="json", by_alias=True)) if old else {}
    after = flatten(new.model_dump(mode="json", by_alias=True))
    lines = []
    for path in list(after) + [p for p in before if p not in after]:
        was, now = before.get(path), after.get(path)
        if was == now:
            continue
        if path.endswith("]"):
            lines.extend(_item_lines(path, was, now))
            continue
        label, unit = _label(path)
        lines.append(f"{label}: {_show(was)} → {_show(now)}{unit}")
    return lines
