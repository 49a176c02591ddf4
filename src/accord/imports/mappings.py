"""The mappings that turn a CRM's own values (a custom lifecycle stage, a deal stage of another
pipeline) into Accord's, kept for this and every later import."""

from django.db import transaction

from accord.audit.services import Action, record_change
from accord.crm.models import LifecycleStage, PipelineStage
from accord.imports.formats.base import vocabulary_key
from accord.imports.models import ValueMapping

ACCORD_VALUES = {
    ValueMapping.Kind.LIFECYCLE_STAGE: [s.value for s in LifecycleStage],
    ValueMapping.Kind.DEAL_STAGE: [s.value for s in PipelineStage],
}


class MappingRefused(ValueError):
    """The Accord value is not one of the kind's; the message lists those that are."""


def check_accord_value(kind: str, value: str) -> str:
    allowed = ACCORD_VALUES.get(kind)
    if allowed is not None and value not in allowed:
        raise MappingRefused(f"{value!r} is not an Accord {kind}; one of: {', '.join(allowed)}")
    if not value.strip():
        raise MappingRefused("the Accord value is blank")
    return value.strip()


@transaction.atomic
def do_set_mapping(kind: str, source_value: str, accord_value: str, *, by=None) -> ValueMapping:
    """Map a source value (in any letter case and spacing) to an Accord value, audited."""
    accord_value = check_accord_value(kind, accord_value)
    key = vocabulary_key(source_value)
    if not key:
        raise MappingRefused("the source value is blank")
    mapping = ValueMapping.objects.filter(kind=kind, key=key).first()
    old = mapping.accord_value if mapping else None
    if mapping is None:
        mapping = ValueMapping(kind=kind, key=key)
    mapping.source_value = source_value.strip()[:255]
    mapping.accord_value = accord_value
    mapping.save()
    record_change(
        actor=by,
        action=Action.CHANGED if old is not None else Action.CREATED,
        record_type="value_mapping",
        record_id=f"{kind}:{key}",
        field="accord_value",
        old=old,
        new=accord_value,
        reason=f"{kind} {source_value!r} maps to {accord_value!r}",
    )
    return mapping


def kept_mappings() -> dict[str, dict[str, str]]:
    """Every mapping: kind -> {key of the source value: Accord value}."""
    kept: dict[str, dict[str, str]] = {}
    for kind, key, value in ValueMapping.objects.values_list("kind", "key", "accord_value"):
        kept.setdefault(kind, {})[key] = value
    return kept
