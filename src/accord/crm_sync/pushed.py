"""Accord's values of the fields it writes back, read for a chunk of records at once."""

from collections.abc import Sequence

from django.db.models import Max

from accord.agreement.models import LeadScore
from accord.crm.models import LifecycleChange, LifecycleStage, Person
from accord.crm_sync.connector import ObjectType
from accord.crm_sync.fields import MODELS


def accord_values(becomes: ObjectType, ids: Sequence[int], fields: Sequence[str]) -> dict:
    """{Accord id: {field: value}} for the records that still exist; None where Accord has no
    value (a person not scored yet, never an MQL)."""
    if becomes != ObjectType.PERSON:
        rows = MODELS[becomes].objects.filter(pk__in=ids).values("pk", *fields)
        return {row.pop("pk"): row for row in rows}
    people = Person.objects.filter(pk__in=ids).values_list("pk", "lifecycle_stage", "owner__email")
    values = {pk: {"lifecycle_stage": stage, "owner": owner or None} for pk, stage, owner in people}
    if {"score", "grade"} & set(fields):
        for pk, total, grade in LeadScore.objects.filter(person_id__in=ids).values_list(
            "person_id", "total", "fit_grade"
        ):
            if pk in values:
                values[pk] |= {"score": total, "grade": grade}
    if "mql_at" in fields:
        moments = (
            # a move to MQL made in Accord; a first row (from no stage) only says the record
            # came in as an MQL, from the CRM or a file, at a moment that is not its MQL date
            LifecycleChange.objects.filter(person_id__in=ids, to_stage=LifecycleStage.MQL)
            .exclude(from_stage="")
            .values("person_id")
            .annotate(at=Max("changed_at"))
            .values_list("person_id", "at")
        )
        for pk, at in moments:
            if pk in values:
                values[pk]["mql_at"] = at
    return values
