"""The lead-definition editor's form: a document as form fields, and posted fields as a document.

A form posts flat fields (`fit-0-points`, `kind-page_view-cap`, ...); repeated rows (fit rules,
grade bands, segments) are numbered in the order the page shows them. Posted fields are turned
into raw document data and checked by the document itself, so its own messages, which name a
dotted path (`fit_rules.0.points`), are mapped back to the field or row they came from.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from accord.scoring import AgreementDocument
from accord.scoring.document import CHANNELS, FIT_FIELDS, GRADES, SENIORITIES, TOUCHPOINT_KINDS

ROW_GROUPS = ("fit", "grade", "segment")
FIT_OPERATORS = {"in": "is one of", "pattern": "matches the pattern", "range": "is between"}
FIT_OPERATORS["equals"] = "is"
FIT_FIELD_LABELS = {
    "industry": "Industry",
    "region": "Region",
    "title": "Job title",
    "seniority": "Seniority",
    "employee_count": "Employees",
    "is_decision_maker": "Decision maker",
}
POWER_REQUIRED = {
    "person_or_account": "the person or someone on their account",
    "person": "the person",
    "account": "someone on their account",
    "none": "nobody (buying power is not required)",
}


class FormData(dict):
    """Posted fields as name → list of values (what a QueryDict's lists() gives)."""

    def one(self, name: str) -> str:
        values = self.get(name) or [""]
        return values[-1].strip()

    def many(self, name: str) -> list[str]:
        return [v.strip() for v in self.get(name, []) if v.strip()]

    def lines(self, name: str) -> list[str]:
        return [line.strip() for line in self.one(name).splitlines() if line.strip()]

    def rows(self, group: str) -> list[int]:
        """The numbers of a group's rows, in the order they were posted."""
        found = {int(m[1]) for key in self if (m := re.match(rf"{group}-(\d+)-", key))}
        return sorted(found)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def form_data(doc: AgreementDocument) -> FormData:
    """The document as the fields the editor posts."""
    data = FormData()

    def put(name: str, value) -> None:
        data[name] = value if isinstance(value, list) else [_text(value)]

    for i, rule in enumerate(doc.fit_rules):
        operator = (
            "in"
            if rule.any_of is not None
            else "pattern"
            if rule.pattern is not None
            else "equals"
            if rule.equals is not None
            else "range"
        )
        put(f"fit-{i}-name", rule.name)
        put(f"fit-{i}-field", rule.field)
        put(f"fit-{i}-operator", operator)
        put(f"fit-{i}-values", list(rule.any_of or []))
        put(f"fit-{i}-pattern", rule.pattern)
        put(f"fit-{i}-min", rule.min)
        put(f"fit-{i}-max", rule.max)
        put(f"fit-{i}-equals", "" if rule.equals is None else "yes" if rule.equals else "no")
        put(f"fit-{i}-points", rule.points)
    for i, band in enumerate(doc.grades):
        put(f"grade-{i}-grade", band.grade)
        put(f"grade-{i}-min", band.min)
        put(f"grade-{i}-max", band.max)
    power = doc.buying_power
    put("power-seniorities", list(power.seniorities))
    put("power-title_pattern", power.title_pattern)
    put("power-use_decision_maker_flag", "on" if power.use_decision_maker_flag else [])
    put("power-required", power.required)
    engagement = doc.engagement
    for kind in TOUCHPOINT_KINDS:
        spec = engagement.kinds.get(kind)
        put(f"kind-{kind}-points", spec.points if spec else None)
        put(f"kind-{kind}-cap", spec.cap if spec else None)
    for channel in CHANNELS:
        put(f"channel-{channel}-points", engagement.channels.get(channel))
    put("decay-half_life_days", engagement.half_life_days)
    put("decay-window_days", engagement.window_days)
    rules = doc.disqualifiers
    put("disq-free_mail_domains", "\n".join(rules.free_mail_domains))
    put("disq-competitor_domains", "\n".join(rules.competitor_domains))
    put("disq-student_title_pattern", rules.student_title_pattern)
    put("disq-existing_customers", "on" if rules.existing_customers else [])
    put("threshold-min_total", doc.threshold.min_total)
    put("threshold-min_grade", doc.threshold.min_grade)
    sla = doc.sla
    for name in ("mqls_per_month", "min_grade", "first_touch_working_hours"):
        put(f"sla-{name}", getattr(sla, name))
    put("sla-accept_within_working_days", sla.accept_within_working_days)
    put("sla-recycle_to_stage", sla.recycle.to_stage)
    put("sla-recycle_after_days", sla.recycle.after_days)
    for i, segment in enumerate(sla.segments):
        put(f"segment-{i}-name", segment.name)
        put(f"segment-{i}-region", segment.region)
        put(f"segment-{i}-industry", segment.industry)
        put(f"segment-{i}-mqls_per_month", segment.mqls_per_month)
    return data


def _or_none(value: str) -> str | None:
    return value or None


def _fit_rule(data: FormData, i: int) -> dict:
    rule: dict[str, object] = {
        "name": data.one(f"fit-{i}-name"),
        "field": data.one(f"fit-{i}-field"),
        "points": _or_none(data.one(f"fit-{i}-points")),
    }
    operator = data.one(f"fit-{i}-operator")
    if operator == "in":
        rule["in"] = data.many(f"fit-{i}-values")
    elif operator == "pattern":
        rule["pattern"] = data.one(f"fit-{i}-pattern")
    elif operator == "range":
        rule["min"] = _or_none(data.one(f"fit-{i}-min"))
        rule["max"] = _or_none(data.one(f"fit-{i}-max"))
    elif operator == "equals":
        rule["equals"] = {"yes": True, "no": False}.get(data.one(f"fit-{i}-equals"))
    return rule


def document_data(data: FormData) -> dict:
    """Raw document data from the posted fields; the document checks it (check_document)."""
    kinds = {
        kind: {
            "points": data.one(f"kind-{kind}-points"),
            "cap": _or_none(data.one(f"kind-{kind}-cap")),
        }
        for kind in TOUCHPOINT_KINDS
        if data.one(f"kind-{kind}-points") or data.one(f"kind-{kind}-cap")
    }
    channels = {
        channel: data.one(f"channel-{channel}-points")
        for channel in CHANNELS
        if data.one(f"channel-{channel}-points")
    }
    return {
        "fit_rules": [_fit_rule(data, i) for i in data.rows("fit")],
        "grades": [
            {
                "grade": data.one(f"grade-{i}-grade"),
                "min": _or_none(data.one(f"grade-{i}-min")),
                "max": _or_none(data.one(f"grade-{i}-max")),
            }
            for i in data.rows("grade")
        ],
        "buying_power": {
            "seniorities": data.many("power-seniorities"),
            "title_pattern": _or_none(data.one("power-title_pattern")),
            "use_decision_maker_flag": bool(data.one("power-use_decision_maker_flag")),
            "required": data.one("power-required"),
        },
        "engagement": {
            "half_life_days": _or_none(data.one("decay-half_life_days")),
            "window_days": _or_none(data.one("decay-window_days")),
            "kinds": kinds,
            "channels": channels,
        },
        "disqualifiers": {
            "free_mail_domains": data.lines("disq-free_mail_domains"),
            "competitor_domains": data.lines("disq-competitor_domains"),
            "student_title_pattern": _or_none(data.one("disq-student_title_pattern")),
            "existing_customers": bool(data.one("disq-existing_customers")),
        },
        "threshold": {
            "min_total": _or_none(data.one("threshold-min_total")),
            "min_grade": data.one("threshold-min_grade"),
        },
        "sla": {
            "mqls_per_month": _or_none(data.one("sla-mqls_per_month")),
            "min_grade": data.one("sla-min_grade"),
            "first_touch_working_hours": _or_none(data.one("sla-first_touch_working_hours")),
            "accept_within_working_days": _or_none(data.one("sla-accept_within_working_days")),
            "recycle": {
                "to_stage": data.one("sla-recycle_to_stage"),
                "after_days": _or_none(data.one("sla-recycle_after_days")),
            },
            "segments": [
                {
                    "name": data.one(f"segment-{i}-name"),
                    "region": _or_none(data.one(f"segment-{i}-region")),
                    "industry": _or_none(data.one(f"segment-{i}-industry")),
                    "mqls_per_month": _or_none(data.one(f"segment-{i}-mqls_per_month")),
                }
                for i in data.rows("segment")
            ],
        },
    }


@dataclass(frozen=True)
class Problem:
    """One of the document's messages, placed on the field (or row) of the form it is about."""

    target: str  # the id of the field or row on the page
    label: str  # where, in the users' words: "Fit rule 2, points"
    message: str


_PLACES = [
    # (dotted path, field id, label); {0}, {1} are the path's variable parts
    (r"fit_rules\.(\d+)\.in(?:\.\d+)?", "fit-{0}-values", "Fit rule {n0}, values"),
    (r"fit_rules\.(\d+)\.(\w+)", "fit-{0}-{1}", "Fit rule {n0}, {1}"),
    (r"fit_rules\.(\d+)", "fit-{0}", "Fit rule {n0}"),
    (r"fit_rules", "fit", "Fit rules"),
    (r"grades\.(\d+)\.(\w+)", "grade-{0}-{1}", "Grade band {n0}, {1}"),
    (r"grades\.(\d+)", "grade-{0}", "Grade band {n0}"),
    (r"grades", "grade", "Grade bands"),
    (r"buying_power\.(\w+)(?:\.\d+)?", "power-{0}", "Buying power, {0}"),
    (r"engagement\.kinds\.(\w+)\.(\w+)", "kind-{0}-{1}", "Engagement, {0}, {1}"),
    (r"engagement\.kinds(?:\.\w+)?", "kinds", "Engagement points"),
    (r"engagement\.channels\.(\w+)", "channel-{0}-points", "Engagement, {0} channel"),
    (r"engagement\.(half_life_days|window_days)", "decay-{0}", "Decay, {0}"),
    (r"disqualifiers\.(\w+)(?:\.\d+)?", "disq-{0}", "Disqualifiers, {0}"),
    (r"threshold\.(\w+)", "threshold-{0}", "Threshold, {0}"),
    (r"sla\.segments\.(\d+)\.(\w+)", "segment-{0}-{1}", "Segment {n0}, {1}"),
    (r"sla\.segments\.(\d+)", "segment-{0}", "Segment {n0}"),
    (r"sla\.recycle\.(\w+)", "sla-recycle_{0}", "Service levels, recycle {0}"),
    (r"sla\.(\w+)", "sla-{0}", "Service levels, {0}"),
]


def place_problem(problem: str, data: FormData | None = None) -> Problem:
    """Map "path: reason" to the form: rows are numbered on the page as posted (`rows`)."""
    path, _, message = problem.partition(": ")
    for pattern, target, label in _PLACES:
        match = re.fullmatch(pattern, path)
        if match is None:
            continue
        parts = list(match.groups())
        group = target.split("-")[0]
        if parts and parts[0].isdigit() and data is not None and group in ROW_GROUPS:
            # the document numbers the rows it was given; the page numbers the posted ones
            posted = data.rows(group)
            parts[0] = str(posted[int(parts[0])]) if int(parts[0]) < len(posted) else parts[0]
        words = [part.replace("_", " ") for part in match.groups()]
        position = int(match[1]) + 1 if parts and match[1].isdigit() else 0
        return Problem(
            target=target.format(*parts),
            label=label.format(*words, n0=position),
            message=message,
        )
    return Problem(target="document", label="The document", message=message or problem)


def place_problems(problems: Sequence[str], data: FormData | None = None) -> list[Problem]:
    return [place_problem(problem, data) for problem in problems]


def _errors_for(problems: list[Problem], prefix: str, names) -> dict[str, list[str]]:
    """A row's messages by field name, and the row's own under "row"."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        if problem.target == prefix:
            errors.setdefault("row", []).append(problem.message)
        for name in names:
            if problem.target == f"{prefix}-{name}":
                errors.setdefault(name, []).append(problem.message)
    return errors


def _with_chosen(options: list[str], chosen: list[str]) -> list[str]:
    """The data's values, and any the document names that the data lacks (so none is lost)."""
    return options + [value for value in chosen if value not in options]


def editor_sections(data: FormData, values: dict[str, list[str]], problems: list[Problem]) -> dict:
    """What the editor's template shows: each group's rows with their values and messages."""
    fit_rows = []
    for i in data.rows("fit"):
        prefix = f"fit-{i}"
        field = data.one(f"{prefix}-field")
        chosen = data.many(f"{prefix}-values")
        names = ("name", "field", "operator", "values", "pattern", "min", "max")
        fit_rows.append(
            {
                "i": i,
                "p": prefix,
                **{name: data.one(f"{prefix}-{name}") for name in names if name != "values"},
                "equals": data.one(f"{prefix}-equals"),
                "points": data.one(f"{prefix}-points"),
                "values": chosen,
                "options": _with_chosen(values.get(field, []), chosen),
                "errors": _errors_for(problems, prefix, (*names, "equals", "points")),
            }
        )
    grade_rows = [
        {
            "i": i,
            "p": f"grade-{i}",
            **{name: data.one(f"grade-{i}-{name}") for name in ("grade", "min", "max")},
            "errors": _errors_for(problems, f"grade-{i}", ("grade", "min", "max")),
        }
        for i in data.rows("grade")
    ]
    segment_names = ("name", "region", "industry", "mqls_per_month")
    segment_rows = [
        {
            "i": i,
            "p": f"segment-{i}",
            **{name: data.one(f"segment-{i}-{name}") for name in segment_names},
            "errors": _errors_for(problems, f"segment-{i}", segment_names),
        }
        for i in data.rows("segment")
    ]
    kinds = [
        {
            "kind": kind,
            "label": kind.replace("_", " ").capitalize(),
            "points": data.one(f"kind-{kind}-points"),
            "cap": data.one(f"kind-{kind}-cap"),
            "errors": _errors_for(problems, f"kind-{kind}", ("points", "cap")),
        }
        for kind in TOUCHPOINT_KINDS
    ]
    channels = [
        {
            "channel": channel,
            "label": channel.replace("_", " ").capitalize(),
            "points": data.one(f"channel-{channel}-points"),
            "errors": _errors_for(problems, f"channel-{channel}", ("points",)),
        }
        for channel in CHANNELS
    ]
    single: dict[str, list[str]] = {}
    for problem in problems:
        single.setdefault(problem.target.replace("-", "_"), []).append(problem.message)
    return {
        "fit_rows": fit_rows,
        "grade_rows": grade_rows,
        "segment_rows": segment_rows,
        "kinds": kinds,
        "channels": channels,
        # templates cannot look up names with dashes: `power-required` is `power_required`
        "field": {name.replace("-", "_"): data.one(name) for name in data},
        "seniorities": data.many("power-seniorities"),
        "errors": single,
        "grades": GRADES,
        "grade_choices": [(grade, grade) for grade in GRADES],
        "operators": FIT_OPERATORS,
        "fit_fields": [(name, FIT_FIELD_LABELS[name]) for name in FIT_FIELDS],
        "seniority_choices": SENIORITIES,
        "power_required": list(POWER_REQUIRED.items()),
        "recycle_stages": [("lead", "lead"), ("subscriber", "subscriber")],
        "blank": {"fit": _blank("fit"), "grade": _blank("grade"), "segment": _blank("segment")},
    }


def _blank(group: str) -> dict:
    """The empty row a page copies when someone adds one (`__i__` is numbered then)."""
    return {"i": "__i__", "p": f"{group}-__i__", "errors": {}, "operator": "in", "options": []}
