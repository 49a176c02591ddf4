"""Reads of the agreement that pages, API and CLI share."""

import re
from collections.abc import Iterable

from django.db.models import Count, QuerySet

from accord.agreement.diff import diff_documents
from accord.agreement.models import AgreementVersion, LeadScore
from accord.crm.models import Account, Person
from accord.scoring.document import SENIORITIES, AgreementDocument, FitRule, Segment


def get_agreement_in_force() -> AgreementVersion | None:
    return AgreementVersion.objects.filter(status=AgreementVersion.Status.IN_FORCE).first()


def get_version(number: int) -> AgreementVersion:
    return AgreementVersion.objects.get(number=number)


def list_versions() -> QuerySet[AgreementVersion]:
    return AgreementVersion.objects.select_related("created_by").prefetch_related(
        "signatures__signer"
    )


def get_version_diff(old: AgreementVersion | None, new: AgreementVersion) -> list[str]:
    return diff_documents(old.document if old else None, new.document)


def everybody_scored_under(version: AgreementVersion) -> bool:
    """Everybody was scored under this version, and every person has a score."""
    version.refresh_from_db(fields=["everybody_scored_at"])
    scored = version.everybody_scored_at is not None
    return scored and LeadScore.objects.count() == Person.objects.count()


def rescoring_waits() -> bool:
    """A version took effect and the worker has not finished scoring everybody under it."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from accord.agreement.tasks import rescore_under

    return DBTaskResult.objects.filter(
        task_path=rescore_under.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).exists()


def _title_pattern(pattern: str) -> str:
    """A pattern of whole words (`\\b(student|intern)\\b`) in words; any other as written."""
    words = re.fullmatch(r"\\b(?:\(([\w -]+(?:\|[\w -]+)*)\)|([\w-]+))\\b", pattern)
    if words is None:
        return f"titles matching the pattern “{pattern}”"
    listed = (words[1] or words[2]).split("|")
    return f"titles containing the word {_words(word.strip() for word in listed)}"


def _points(n: int, kind: str = "") -> str:
    return f"{n} {kind}point{'' if abs(n) == 1 else 's'}"


def _words(values: Iterable[object]) -> str:
    words = [str(v) for v in values]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def _fit_rule_sentence(rule: FitRule) -> str:
    field = rule.field.replace("_", " ")
    if rule.any_of is not None:
        condition = f"{field} is {_words(rule.any_of)}"
    elif rule.pattern is not None:
        condition = f"{field} matches “{rule.pattern}”"
    elif rule.equals is not None:
        condition = "is a decision maker" if rule.equals else "is not a decision maker"
    elif rule.min is not None and rule.max is not None:
        condition = f"{field} is {rule.min} to {rule.max}"
    elif rule.min is not None:
        condition = f"{field} is at least {rule.min}"
    else:
        condition = f"{field} is at most {rule.max}"
    return f"{rule.name}: {condition} — {rule.points:+d} points"


def _segment_sentence(segment: Segment) -> str:
    where = [f"{k} {v}" for k, v in (("region", segment.region), ("industry", segment.industry))]
    where = [w for w, v in zip(where, (segment.region, segment.industry), strict=True) if v]
    return f"Segment {segment.name}{''.join(', ' + w for w in where)}: " + (
        f"{segment.mqls_per_month} MQLs a month."
    )


def describe_document(doc: AgreementDocument) -> dict[str, list[str] | str]:
    """The agreement in plain language, as the pages show it to everybody."""
    grades = sorted(doc.grades, key=lambda b: b.grade)
    fit_grade = doc.threshold.min_grade
    better = "" if fit_grade == "A" else " or better"
    power = {
        "person": "the person is a decision maker",
        "account": "someone on their account is a decision maker",
        "person_or_account": "they or someone on their account is a decision maker",
        "none": "",
    }[doc.buying_power.required]
    qualified = (
        f"A lead is qualified when its fit grade is {fit_grade}{better} "
        f"and its score is at least {doc.threshold.min_total}"
        + (f", {power}" if power else "")
        + ", and no disqualifier applies."
    )
    engagement = [
        f"{kind.replace('_', ' ').capitalize()}: {_points(spec.points)} each"
        + (f", at most {spec.cap}" if spec.cap is not None else "")
        for kind, spec in doc.engagement.kinds.items()
    ]
    engagement += [
        f"Touches from {channel.replace('_', ' ')}: {_points(points, 'extra ')}"
        for channel, points in doc.engagement.channels.items()
    ]
    window = doc.engagement.window_days
    engagement.append(
        f"Points halve every {doc.engagement.half_life_days:g} days"
        + (f"; touches older than {window} days count nothing" if window else "")
    )
    rules = doc.disqualifiers
    disqualifiers = []
    if rules.free_mail_domains:
        disqualifiers.append(f"Free-mail addresses ({', '.join(rules.free_mail_domains)})")
    if rules.competitor_domains:
        disqualifiers.append(f"Competitors ({', '.join(rules.competitor_domains)})")
    if rules.student_title_pattern:
        disqualifiers.append(f"Students: {_title_pattern(rules.student_title_pattern)}")
    if rules.existing_customers:
        disqualifiers.append("Existing customers")
    sla = doc.sla
    sla_better = "" if sla.min_grade == "A" else " or better"
    terms = [
        f"Marketing delivers {sla.mqls_per_month} MQLs of grade {sla.min_grade}{sla_better} "
        f"a month; Sales makes first contact within {sla.first_touch_working_hours:g} working "
        f"hours and accepts or rejects within {sla.accept_within_working_days} working days.",
        *(_segment_sentence(segment) for segment in sla.segments),
        f"Rejected leads go back to {sla.recycle.to_stage} "
        f"and are rescored after {sla.recycle.after_days} days.",
    ]
    return {
        "qualified": qualified,
        "fit_rules": [_fit_rule_sentence(rule) for rule in doc.fit_rules],
        "grades": [
            f"Grade {b.grade}: "
            + (
                f"{b.min} to {b.max} fit points"
                if b.min is not None and b.max is not None
                else f"{b.min} fit points or more"
                if b.min is not None
                else f"{b.max} fit points or fewer"
            )
            for b in grades
        ],
        "engagement": engagement,
        "disqualifiers": disqualifiers,
        "sla": terms,
    }


COMMON_TITLES = 200


def list_field_values() -> dict[str, list[str]]:
    """The values a rule can pick from, as the data has them: the accounts' industries and
    regions, the seniorities, and the most common job titles."""

    def distinct(model: type[Account] | type[Person], field: str) -> list[str]:
        values = model.objects.exclude(**{field: ""}).values_list(field, flat=True)
        return sorted(set(values.distinct().order_by()))

    titles = (
        Person.objects.exclude(title="")
        .values("title")
        .annotate(n=Count("id"))
        .order_by("-n", "title")
        .values_list("title", flat=True)[:COMMON_TITLES]
    )
    return {
        "industry": distinct(Account, "industry"),
        "region": distinct(Account, "region"),
        "seniority": list(SENIORITIES),
        "title": sorted(titles),
    }
