"""The agreement over JSON: versions, the one in force, drafts, comments, signatures, backtests.

Refusals are 4xx with the reason: 403 for who may not do it, 409 for a version whose state does
not allow it, 422 for an invalid document (one entry per field and reason).
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from accord.agreement.backtest import MAX_MONTHS, MonthFigures, cached_comparison
from accord.agreement.models import AgreementVersion
from accord.agreement.selectors import (
    describe_document,
    get_agreement_in_force,
    get_version,
    get_version_diff,
    list_versions,
)
from accord.agreement.services import (
    AgreementRefused,
    check_can_propose,
    do_comment,
    do_create_draft,
    do_sign,
    do_suggest_draft,
)
from accord.agreement.suggestion import DEFAULT_MONTHS as SUGGEST_MONTHS
from accord.agreement.suggestion import NotEnoughHistory
from accord.crm.api import ERRORS
from accord.crm.conversion import reporting_currency
from accord.inputs import StrictIn
from accord.scoring import DocumentError
from accord.teams import access

router = Router(tags=["agreement"])


class SignatureOut(Schema):
    signer: str
    team: str
    signed_at: dt.datetime


class VersionOut(Schema):
    number: int
    status: str
    based_on: int | None
    created_by: str | None
    created_at: dt.datetime
    took_effect_at: dt.datetime | None
    signatures: list[SignatureOut]


class CommentOut(Schema):
    author: str
    body: str
    created_at: dt.datetime


class VersionDetail(VersionOut):
    document: dict
    plain_language: dict[str, list[str] | str]
    compared_with: int | None = Field(description="The version the diff starts from")
    diff: list[str]
    comments: list[CommentOut]


class DraftIn(StrictIn):
    document: dict


class CommentIn(StrictIn):
    body: str


class SuggestionIn(StrictIn):
    months: int = Field(
        SUGGEST_MONTHS, ge=1, le=MAX_MONTHS, description="How many months of history to learn from"
    )


class Figures(Schema):
    mqls: int
    sql: int
    opportunity: int
    won: int
    sql_share: float | None
    opportunity_share: float | None
    won_share: float | None
    revenue: Decimal = Field(
        description="From the won opportunities of these MQLs, in the reporting currency at the "
        "rate of each deal's close date"
    )
    revenue_currency: str = Field(description="The reporting currency")
    unconverted: int = Field(
        description="Won deals left out of the revenue: in another currency, with no rate kept"
    )
    rejected: int = Field(description="People Sales rejected this month")
    let_through: int = Field(description="Of those, how many this version would qualify")


class BacktestMonth(Schema):
    month: str
    version: Figures
    in_force: Figures | None


class BacktestOut(Schema):
    version: int
    in_force: int | None
    months: list[BacktestMonth]


def _version_out(version: AgreementVersion) -> dict:
    return {
        "number": version.number,
        "status": version.status,
        "based_on": version.based_on.number if version.based_on else None,
        "created_by": str(version.created_by) if version.created_by else None,
        "created_at": version.created_at,
        "took_effect_at": version.took_effect_at,
        "signatures": [
            {"signer": str(s.signer), "team": s.team_kind, "signed_at": s.signed_at}
            for s in version.signatures.all()
        ],
    }


def _version(number: int) -> AgreementVersion:
    try:
        return get_version(number)
    except AgreementVersion.DoesNotExist:
        raise Http404(f"Agreement v{number} does not exist") from None


def _check_may_propose(user) -> None:
    try:
        check_can_propose(user)
    except AgreementRefused as exc:
        raise HttpError(403, str(exc)) from None


@router.get("/agreement/versions", response={200: list[VersionOut], **ERRORS})
def versions(request):
    return [_version_out(v) for v in list_versions().select_related("based_on")]


@router.get("/agreement/in-force", response={200: VersionDetail, **ERRORS})
def in_force(request):
    version = get_agreement_in_force()
    if version is None:
        raise Http404("No agreement is in force yet")
    return _detail(version)


@router.get("/agreement/versions/{number}", response={200: VersionDetail, **ERRORS})
def version(request, number: int):
    return _detail(_version(number))


def _detail(version: AgreementVersion) -> dict:
    current = get_agreement_in_force()
    compared_with = version.based_on if version == current else current
    return {
        **_version_out(version),
        "document": version.document_data,
        "plain_language": describe_document(version.document),
        "compared_with": compared_with.number if compared_with else None,
        "diff": get_version_diff(compared_with, version),
        "comments": [
            {"author": str(c.author), "body": c.body, "created_at": c.created_at}
            for c in version.comments.select_related("author")
        ],
    }


@router.post("/agreement/versions", response={201: VersionDetail, **ERRORS})
def propose(request, payload: DraftIn):
    _check_may_propose(request.user)
    try:
        draft = do_create_draft(request.user, payload.document)
    except DocumentError as exc:
        raise _by_field(exc) from None
    return Status(201, _detail(draft))


@router.post("/agreement/suggestions", response={201: VersionDetail, **ERRORS})
def suggest(request, payload: SuggestionIn):
    """A draft fitted on who became an opportunity; its comment gives the held-out AUC next to
    the version in force's. 422 when the history holds too few conversions to learn from."""
    _check_may_propose(request.user)
    try:
        draft = do_suggest_draft(request.user, payload.months)
    except NotEnoughHistory as exc:
        raise HttpError(422, str(exc)) from None
    return Status(201, _detail(draft))


def _by_field(exc: DocumentError) -> ValidationError:
    """One entry per problem, `document.PATH` and the reason, as the API reports invalid fields."""
    errors: dict[str, list[str]] = {}
    for problem in exc.problems:
        path, _, reason = problem.partition(": ")
        errors.setdefault(f"document.{path}", []).append(reason)
    return ValidationError(errors)


@router.post("/agreement/versions/{number}/comments", response={201: CommentOut, **ERRORS})
def comment(request, number: int, payload: CommentIn):
    _check_may_propose(request.user)
    try:
        made = do_comment(_version(number), request.user, payload.body)
    except AgreementRefused as exc:
        raise HttpError(422, str(exc)) from None
    return Status(
        201, {"author": str(made.author), "body": made.body, "created_at": made.created_at}
    )


@router.post("/agreement/versions/{number}/sign", response={200: VersionOut, **ERRORS})
def sign(request, number: int):
    user = request.user
    if not access.may_sign_agreement(user):
        raise HttpError(403, "Only the marketing head and the sales head can sign")
    try:
        return _version_out(do_sign(_version(number), user))
    except AgreementRefused as exc:
        raise HttpError(409, str(exc)) from None


def _figures(m: MonthFigures | None) -> dict | None:
    if m is None:
        return None
    counts = {name: getattr(m, name) for name in ("mqls", "sql", "opportunity", "won")}
    return {
        **counts,
        **{f"{name}_share": m.share(getattr(m, name)) for name in ("sql", "opportunity", "won")},
        "revenue": m.revenue,
        "revenue_currency": reporting_currency(),
        "unconverted": m.unconverted,
        "rejected": m.rejected,
        "let_through": m.let_through,
    }


class BacktestQuery(Schema):
    months: int = Field(6, ge=1, le=MAX_MONTHS)


@router.get("/agreement/versions/{number}/backtest", response={200: BacktestOut, **ERRORS})
def backtest(request, number: int, query: Query[BacktestQuery]):
    comparison = cached_comparison(_version(number), query.months)
    return {
        "version": comparison.version,
        "in_force": comparison.in_force,
        "months": [
            {"month": draft.label, "version": _figures(draft), "in_force": _figures(current)}
            for draft, current in comparison.rows()
        ],
    }
