"""The mappings that turn a CRM's own values (a custom lifecycle stage, a deal stage of another
pipeline, a lead status, a source, an owner) into Accord's, kept for this and every later import
and for anything else that reads a CRM (`translate`).

Writes: `do_set_mapping`. Reads: `accord_values`, `translate`, `kept_mappings`, `best_guess`.
"""

import difflib
import re

from django.db import transaction
from django.db.models.functions import Lower

from accord.audit.services import Action, RecordType, record_change
from accord.crm.models import LifecycleStage, PipelineStage
from accord.imports.formats import base
from accord.imports.formats.base import UNASSIGNED, Unmapped, vocabulary_key, with_mappings
from accord.imports.models import ValueMapping
from accord.teams.models import User
from accord.touchpoints.models import Channel

Kind = ValueMapping.Kind
VOCABULARIES = {
    Kind.LIFECYCLE_STAGE: base.lifecycle_stage,
    Kind.LEAD_STATUS: base.lead_status,
    Kind.DEAL_STAGE: base.deal_stage,
    Kind.SOURCE: base.source,
}


class MappingRefused(ValueError):
    """The Accord value is not one of the kind's; the message lists those that are."""


def accord_values(kind: str) -> list[tuple[str, str]]:
    """(value, label) of every Accord value a source value of this kind may map to; for owners
    each active user by e-mail, and nobody (the record left unassigned)."""
    if kind == Kind.LIFECYCLE_STAGE:
        return list(LifecycleStage.choices)
    if kind == Kind.DEAL_STAGE:
        return list(PipelineStage.choices)
    if kind == Kind.LEAD_STATUS:
        return [(status, status) for status in base.LEAD_STATUSES]
    if kind == Kind.SOURCE:
        return list(Channel.choices)
    users = User.objects.filter(is_active=True).order_by(Lower("email"))
    people = [(u.email.lower(), f"{u.full_name or u.email} ({u.email})") for u in users]
    return [(UNASSIGNED, "Nobody: leave unassigned"), *people]


def check_accord_value(kind: str, value: str) -> str:
    value = value.strip()
    if not value:
        raise MappingRefused("the Accord value is blank")
    if kind == Kind.OWNER:
        value = value.lower()
        if value != UNASSIGNED and not User.objects.filter(email__iexact=value).exists():
            raise MappingRefused(
                f"no Accord user has the e-mail {value!r}; map an owner to a user's e-mail or "
                f"to {UNASSIGNED}"
            )
        return value
    allowed = [v for v, _ in accord_values(kind)]
    if value not in allowed:
        raise MappingRefused(f"{value!r} is not an Accord {kind}; one of: {', '.join(allowed)}")
    return value


@transaction.atomic
def do_set_mapping(
    kind: str, source_value: str, accord_value: str, *, pipeline: str = "", by=None
) -> ValueMapping:
    """Map a source value (in any letter case and spacing; a deal stage within one pipeline, or
    every pipeline when `pipeline` is blank) to an Accord value, audited."""
    accord_value = check_accord_value(kind, accord_value)
    key = vocabulary_key(source_value)
    if not key:
        raise MappingRefused("the source value is blank")
    pipeline = pipeline.strip() if kind == Kind.DEAL_STAGE else ""
    pipeline_key = vocabulary_key(pipeline)
    mapping = ValueMapping.objects.filter(kind=kind, pipeline_key=pipeline_key, key=key).first()
    old = mapping.accord_value if mapping else None
    if mapping is None:
        mapping = ValueMapping(kind=kind, pipeline_key=pipeline_key, key=key)
    mapping.source_value = source_value.strip()[:255]
    mapping.pipeline = pipeline[:255]
    mapping.accord_value = accord_value
    mapping.save()
    where = f" in pipeline {pipeline!r}" if pipeline else ""
    record_change(
        actor=by,
        action=Action.CHANGED if old is not None else Action.CREATED,
        record_type=RecordType.VALUE_MAPPING,
        record_id=f"{kind}:{pipeline_key}:{key}" if pipeline_key else f"{kind}:{key}",
        field="accord_value",
        old=old,
        new=accord_value,
        reason=f"{kind} {source_value!r}{where} maps to {accord_value!r}",
    )
    return mapping


def kept_mappings() -> dict[str, dict[str, str]]:
    """Every mapping for every pipeline: kind -> {key of the source value: Accord value}. An
    owner mapped to nobody reads "" (the record is left unassigned)."""
    kept: dict[str, dict[str, str]] = {}
    rows = ValueMapping.objects.filter(pipeline_key="").values_list("kind", "key", "accord_value")
    for kind, key, value in rows:
        if kind == Kind.OWNER and value == UNASSIGNED:
            value = ""
        kept.setdefault(kind, {})[key] = value
    return kept


def pipeline_mappings() -> dict[tuple[str, str], str]:
    """The deal stages mapped within one pipeline: (key of the pipeline, key of the stage) ->
    Accord stage; they come before Accord's own names and the mappings for every pipeline."""
    rows = ValueMapping.objects.filter(kind=Kind.DEAL_STAGE).exclude(pipeline_key="")
    return {(p, k): v for p, k, v in rows.values_list("pipeline_key", "key", "accord_value")}


def owner_directory() -> dict[str, str]:
    """Active users as an owner cell names them: by e-mail, then by full name (a name two users
    share names neither); each to the user's e-mail, in the shape of `kept_mappings`."""
    by_email, by_name, shared = {}, {}, set()
    for email, full_name in User.objects.filter(is_active=True).values_list("email", "full_name"):
        by_email[vocabulary_key(email)] = email.lower()
        name = vocabulary_key(full_name)
        if name:
            if name in by_name:
                shared.add(name)
            by_name[name] = email.lower()
    for name in shared:
        del by_name[name]
    return by_name | by_email


def translate(kind: str, value: str, pipeline: str = "") -> str | None:
    """The Accord value a CRM's value becomes (Accord's own vocabulary, an owner's user, then the
    mappings kept), or None when nothing names it. An owner is a user's e-mail, "" for nobody."""
    kept = kept_mappings().get(kind, {})
    if kind == Kind.OWNER:
        kept = kept | owner_directory()
    parser = with_mappings(
        VOCABULARIES.get(kind, base.owner), lambda: kept, None, pipeline_mappings
    )
    try:
        return parser(value, pipeline)
    except Unmapped:
        return None


# Words that name a stage, tried in order: the first found in a source value is its guess.
_HINTS = {
    Kind.LIFECYCLE_STAGE: (
        (r"evangel|advoca|promot|champion", LifecycleStage.EVANGELIST),
        (r"customer|client|\bwon\b|paying", LifecycleStage.CUSTOMER),
        (r"opportunit|\bdeal\b", LifecycleStage.OPPORTUNITY),
        (r"sales ?qualif|\bsql\b", LifecycleStage.SQL),
        (r"sales ?accept|\bsal\b", LifecycleStage.SAL),
        (r"marketing ?qualif|product ?qualif|\b[mp]ql\b|trial|\bhot\b", LifecycleStage.MQL),
        (r"disqualif|unqualif|junk|lost|\bbad\b", LifecycleStage.DISQUALIFIED),
        (r"subscri|newsletter|blog", LifecycleStage.SUBSCRIBER),
        (r"lead|prospect|contact|\bnew\b", LifecycleStage.LEAD),
    ),
    Kind.DEAL_STAGE: (
        (r"\bwon\b|signed|closed ?-? ?win", PipelineStage.CLOSED_WON),
        (r"lost|\bdead\b|no ?decision|churn", PipelineStage.CLOSED_LOST),
        (r"negotiat|contract|legal|procure|commit", PipelineStage.NEGOTIATION),
        (r"proposal|quote|pric|present|pilot|trial|poc", PipelineStage.PROPOSAL),
        (r"demo|discover|needs|meeting|evaluat|solution", PipelineStage.DISCOVERY),
        (r"qualif|prospect|appointment|\bnew\b|lead", PipelineStage.QUALIFICATION),
    ),
    Kind.SOURCE: (
        (r"paid ?social|facebook ads|linkedin ads", Channel.PAID_SOCIAL),
        (r"paid|ppc|adwords|google ads|cpc|sem\b", Channel.PAID_SEARCH),
        (r"social|linkedin|twitter|facebook|instagram", Channel.ORGANIC_SOCIAL),
        (r"seo|organic|search", Channel.ORGANIC_SEARCH),
        (r"e-?mail|newsletter", Channel.EMAIL),
        (r"event|webinar|conference|trade|seminar|expo", Channel.EVENTS),
        (r"partner|referr|word of mouth", Channel.REFERRAL),
        (r"outbound|cold|sdr|bdr|prospect", Channel.SALES_OUTREACH),
        (r"direct|website|\bweb\b", Channel.DIRECT),
    ),
}
_FALLBACK = {
    Kind.LIFECYCLE_STAGE: LifecycleStage.OTHER.value,
    Kind.SOURCE: Channel.UNASSIGNED.value,
    Kind.OWNER: UNASSIGNED,
}


def best_guess(kind: str, value: str, choices: list[tuple[str, str]] | None = None) -> str | None:
    """What a person would most likely map `value` to: a word that names an Accord value, else
    the closest-spelled one, else the kind's neutral value (other, unassigned), else None. Only
    ever offered as a pre-selection the user confirms, never applied by itself."""
    choices = accord_values(kind) if choices is None else choices
    words = " ".join(re.sub(r"[^a-z0-9]+", " ", value.casefold()).split())
    for pattern, accord_value in _HINTS.get(kind, ()):
        if re.search(pattern, words):
            return str(accord_value)
    # An owner's label is "Full Name (e-mail)": its name is what a CRM's owner cell is like.
    spelled = {vocabulary_key(re.sub(r"\(.*\)$", "", label)): v for v, label in choices} | {
        vocabulary_key(v): v for v, _ in choices
    }
    close = difflib.get_close_matches(vocabulary_key(value), list(spelled), n=1, cutoff=0.75)
    if close:
        return spelled[close[0]]
    return _FALLBACK.get(kind)
