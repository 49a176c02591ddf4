"""Rescoring: load people and touches, score them with the engine, keep the scores that differ
from the stored ones, write those back, promote the new MQLs.

The rows move as columns through `accord.columns`: everybody is read outside a transaction on
connections of its own, side by side, a few people (as a lead capture rescores) in one read
with their accounts; the scores go back in one upsert, the new MQLs in one UPDATE per batch
with their lifecycle history.
"""

import datetime as dt
import hashlib
from contextlib import nullcontext
from dataclasses import dataclass
from itertools import pairwise

import polars as pl
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from accord.agreement.models import AgreementVersion, LeadScore
from accord.audit.services import RecordType, record_column_changes
from accord.columns import reads
from accord.columns.reads import chunks, in_clause, read, read_in, readable_apart
from accord.columns.vendor import moment_sql, stored_time
from accord.columns.writes import large_page_cache, upsert_frame
from accord.crm.models import (
    RECYCLE_WAIT_OVER_SQL,
    Account,
    LifecycleStage,
    Opportunity,
    Person,
    PipelineStage,
)
from accord.crm.services import do_record_lifecycle_changes
from accord.scoring import contribution_codes, score_components
from accord.scoring.engine import TOUCHPOINT_SCHEMA, rule_names
from accord.touchpoints.models import Touchpoint

MOVABLE_TO_MQL = (LifecycleStage.SUBSCRIBER.value, LifecycleStage.LEAD.value)


@dataclass(frozen=True)
class RescoreResult:
    version: int
    scored: int
    changed: int  # scores written: new, or different from the stored one in any part
    mqls: int
    new_mqls: int


PERSON_COLUMNS = {
    "person_id": pl.Int64,
    "account_id": pl.Int64,
    "email": pl.String,
    "title": pl.String,
    "seniority": pl.String,
    "is_decision_maker": pl.Boolean,
    "lifecycle_stage": pl.String,
}
ACCOUNT_COLUMNS = {
    "account_id": pl.Int64,
    "industry": pl.String,
    "employee_count": pl.Int64,
    "region": pl.String,
    "account_domain": pl.String,
}
CUSTOMER_STAGES = (LifecycleStage.CUSTOMER.value, LifecycleStage.EVANGELIST.value)
TOUCHES = dict(TOUCHPOINT_SCHEMA)  # as read: its moments are `accord.columns.reads.TIME`


def _everybody_sql() -> str:
    flag = "CASE WHEN is_decision_maker THEN 1 ELSE 0 END"  # PostgreSQL's CSV says t or f
    columns = f"id, account_id, email, title, seniority, {flag}, lifecycle_stage"
    return f"SELECT {columns} FROM {Person._meta.db_table}"


def _account_sql(where: str) -> str:
    return (
        f"SELECT id, industry, employee_count, region, domain FROM {Account._meta.db_table} {where}"
    )


PEOPLE_WITH_ACCOUNTS = {
    **PERSON_COLUMNS,
    **{name: dtype for name, dtype in ACCOUNT_COLUMNS.items() if name != "account_id"},
    "is_customer": pl.Boolean,
}


def _people_with_accounts_sql(where: str) -> str:
    """A few people with their account's fields and whether they are customers, in one read."""
    won = (
        f"SELECT 1 FROM {Opportunity._meta.db_table} o WHERE o.account_id = p.account_id "
        f"AND o.stage = '{PipelineStage.CLOSED_WON.value}'"
    )
    customer = ", ".join(f"'{stage}'" for stage in CUSTOMER_STAGES)
    return (
        "SELECT p.id, p.account_id, p.email, p.title, p.seniority, "
        "CASE WHEN p.is_decision_maker THEN 1 ELSE 0 END, p.lifecycle_stage, "
        "a.industry, a.employee_count, a.region, a.domain, "
        f"CASE WHEN p.lifecycle_stage IN ({customer}) OR EXISTS ({won}) THEN 1 ELSE 0 END "
        f"FROM {Person._meta.db_table} p LEFT JOIN {Account._meta.db_table} a "
        f"ON a.id = p.account_id {where}"
    )


def _won_accounts() -> list[int]:
    """Accounts with a won deal: their people are existing customers."""
    won = Opportunity.objects.filter(stage=PipelineStage.CLOSED_WON, account__isnull=False)
    return list(won.values_list("account_id", flat=True).distinct())


def _touch_sql(where: str) -> str:
    """Touches as stored. On PostgreSQL the types and channels packed into one number by CASE
    took half of its time to read the touches: plain text is read as fast."""
    occurred = moment_sql("t.occurred_at")
    return (
        f"SELECT t.person_id, t.kind, t.channel, {occurred} "
        f"FROM {Touchpoint._meta.db_table} t {where}"
    )


def load_everybody(
    since: dt.datetime | None, progress: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Everybody with their account's fields, and the touches since `since` (all if None).

    Read side by side on connections of their own where that sees what Django's does, the
    touches in as many parts as there are readers; else one after the other."""
    apart = readable_apart()
    queries: list[tuple[str, list, reads.Schema]] = [
        (_touch_sql(where), params, TOUCHES)
        for where, params in _touch_parts(since, reads.READERS if apart else 1)
    ]
    queries += [(_everybody_sql(), [], PERSON_COLUMNS), (_account_sql(""), [], ACCOUNT_COLUMNS)]
    if apart:
        frames = reads.read_apart(queries, "Reading people and touchpoints", progress)
    else:
        frames = [read(*query, whole=True, desc="Reading", progress=progress) for query in queries]
    *touches, people, accounts = frames
    return _with_accounts(people, accounts), pl.concat(touches)


def _touch_parts(since: dt.datetime | None, parts: int) -> list[tuple[str, list]]:
    """WHERE clauses, with their parameters, that split the touches to read in `parts`: the
    window since `since` in spans of time, read from the index of touches by time alone (it
    holds what scoring reads); without a window, or where the index cannot answer alone, the
    table in ranges of storage."""
    table = Touchpoint._meta.db_table
    if since is None or not reads.index_answers_alone(table):
        window, params = (
            ([], []) if since is None else (["t.occurred_at > %s"], [stored_time(since)])
        )
        scans = reads.scan_parts(table, "t", parts)
        return [("WHERE " + " AND ".join([*window, scan]), params) for scan in scans]
    step = max(timezone.now() - since, dt.timedelta(0)) / parts  # a window in the future: none
    bounds = [stored_time(since + step * i) for i in range(parts)]
    spans = [
        ("WHERE t.occurred_at > %s AND t.occurred_at <= %s", [lower, upper])
        for lower, upper in pairwise(bounds)
    ]
    return [*spans, ("WHERE t.occurred_at > %s", [bounds[-1]])]


def _with_accounts(people: pl.DataFrame, accounts: pl.DataFrame) -> pl.DataFrame:
    won = _won_accounts()
    return people.join(accounts, on="account_id", how="left").with_columns(
        (pl.col("lifecycle_stage").is_in(CUSTOMER_STAGES) | pl.col("account_id").is_in(won))
        .fill_null(False)
        .alias("is_customer")
    )


def load_people(person_ids: list[int]) -> pl.DataFrame:
    """These people with their account's fields and whether they are customers."""
    return read_in("p.id", person_ids, _people_with_accounts_sql, PEOPLE_WITH_ACCOUNTS)


def load_touchpoints(person_ids: list[int], since: dt.datetime | None) -> pl.DataFrame:
    """These people's touches since `since` (all if None)."""
    window, params = (
        ("", []) if since is None else (" AND t.occurred_at > %s", [stored_time(since)])
    )
    frames = [
        read(_touch_sql(in_clause("t.person_id", chunk) + window), chunk + params, TOUCHES)
        for chunk in chunks(person_ids)
    ]
    return pl.concat(frames) if frames else pl.DataFrame(schema=TOUCHES)


STORED_SCORE_COLUMNS = {
    "person_id": pl.Int64,
    "digest": pl.Int64,
    "total": pl.Int64,
    "newer": pl.Boolean,
}
FOLD = 0x100000001B3  # the 64-bit FNV prime: folds one column's hash into the digest


def _with_digests(components: pl.DataFrame, version: AgreementVersion) -> pl.DataFrame:
    """The scores, each with a hash of what it says (its parts, grade, MQL, reason and the
    points of each rule, the rules known by their names) as a signed 64-bit number, which both
    databases store.

    A new version that scores a person exactly as the one before leaves that score as it is:
    only the scores it changes are written, with their version. Hashed from the columns, so a
    rescore builds the stored explanation only for the scores that changed; each column hashed
    on its own and the hashes folded (with wrapping arithmetic), a tenth of the time of hashing
    rows of 20 columns. A newer Polars may hash differently: every score is then written once
    more, nothing worse."""
    said = [c for c in components.columns if c not in ("person_id", "buying_power_met")]
    digest = pl.lit(_rules_seed(version), dtype=pl.UInt64)
    for name in said:
        digest = digest * pl.lit(FOLD, dtype=pl.UInt64) + pl.col(name).hash(seed=0)
    return components.with_columns(digest.reinterpret(signed=True).alias("digest"))


def _rules_seed(version: AgreementVersion) -> int:
    """A hash of the names of the version's rules in the order explanations number them: two
    versions with the same names read a stored explanation the same."""
    names = "\n".join(rule_names(version.document)).encode()
    return int.from_bytes(hashlib.blake2b(names, digest_size=8).digest())


def _rows_to_write(changed: pl.DataFrame, version: AgreementVersion) -> pl.DataFrame:
    """The scores as stored, but for their version and time, which every one shares."""
    return changed.select(
        "person_id",
        "fit",
        "fit_grade",
        "engagement",
        "total",
        "is_mql",
        pl.col("disqualified_reason").fill_null(""),
        contribution_codes(changed, version.document).alias("contributions"),
        "digest",
    )


def _write_scores(
    changed: pl.DataFrame, version: AgreementVersion, at: dt.datetime, progress: bool
) -> None:
    bar = tqdm(
        total=changed.height,
        desc="Writing scores",
        unit=" people",
        unit_scale=True,
        disable=not progress,
        leave=False,
    )
    with bar:
        upsert_frame(
            LeadScore,
            _rows_to_write(changed, version),
            key="person_id",
            constants={"version_id": version.pk, "scored_at": at},
            progress=bar,
        )


def _promote_new_mqls(
    people: pl.DataFrame, components: pl.DataFrame, version: AgreementVersion, at: dt.datetime
) -> int:
    """Leads and subscribers who now qualify become MQLs: one UPDATE per batch, plus history.
    The UPDATE leaves out whoever sales rejected and still waits out the recycle pause."""
    candidates = (
        components.filter(pl.col("is_mql"))
        .join(people.select("person_id", "lifecycle_stage"), on="person_id")
        .filter(pl.col("lifecycle_stage").is_in(MOVABLE_TO_MQL))
    )
    from_stage = dict(zip(candidates["person_id"], candidates["lifecycle_stage"], strict=True))
    table = Person._meta.db_table
    moved = 0
    with connection.cursor() as cursor:
        for chunk in chunks(list(from_stage)):
            cursor.execute(
                f"UPDATE {table} SET lifecycle_stage = %s, updated_at = %s "
                f"{in_clause('id', chunk)} AND lifecycle_stage IN (%s, %s) "
                f"AND {RECYCLE_WAIT_OVER_SQL} RETURNING id",
                [
                    LifecycleStage.MQL.value,
                    stored_time(at),
                    *chunk,
                    *MOVABLE_TO_MQL,
                    stored_time(at),
                ],
            )
            ids = [row[0] for row in cursor.fetchall()]
            moved += do_record_lifecycle_changes(
                ((pid, from_stage[pid], LifecycleStage.MQL.value) for pid in ids),
                reason=f"agreement v{version.number}",
                at=at,
            )
    return moved


def rescore(
    version: AgreementVersion,
    person_ids: list[int] | None = None,
    *,
    as_of: dt.datetime | None = None,
    progress: bool = False,
) -> RescoreResult:
    """Score everybody (person_ids None) or these people under `version`, and write it back."""
    started = timezone.now()
    as_of = as_of or started
    doc = version.document
    since = (
        as_of - dt.timedelta(days=doc.engagement.window_days)
        if doc.engagement.window_days
        else None
    )
    if person_ids is None:
        apart = readable_apart()  # before the transaction below: see _stored_scores
        people, touches = load_everybody(since, progress)
    else:
        apart, people, touches = False, load_people(person_ids), load_touchpoints(person_ids, since)
    components = _with_digests(score_components(people, touches, doc, as_of), version)
    cache = large_page_cache() if person_ids is None else nullcontext()
    with transaction.atomic(savepoint=False), cache:  # all or nothing with the caller's
        stored = _stored_scores(person_ids, apart, started)
        changed = _changed(components, stored)
        _write_scores(changed, version, as_of, progress)
        _record_new_totals(changed, stored, version, as_of)
        new_mqls = _promote_new_mqls(people, components, version, as_of)
        if person_ids is None:
            AgreementVersion.objects.filter(pk=version.pk).update(everybody_scored_at=as_of)
    return RescoreResult(
        version=version.number,
        scored=components.height,
        changed=changed.height,
        mqls=int(components["is_mql"].sum()),
        new_mqls=new_mqls,
    )


def _changed(components: pl.DataFrame, stored: pl.DataFrame) -> pl.DataFrame:
    """The scores to write: new, or saying something else than the stored one. A score written
    since this rescore began read newer touches than it did (a capture meanwhile): it stays.
    In the order of the table's key, which the engine's output need not follow (see
    `upsert_frame`)."""
    newer = stored.filter(pl.col("newer"))
    return (
        components.join(newer, on="person_id", how="anti")
        .join(stored, on=["person_id", "digest"], how="anti")
        .sort("person_id")
    )


def _record_new_totals(
    changed: pl.DataFrame, stored: pl.DataFrame, version: AgreementVersion, at: dt.datetime
) -> None:
    old_totals = stored.select("person_id", pl.col("total").alias("old_total"))
    record_column_changes(
        changed.join(old_totals, "person_id", "left").select("person_id", "old_total", "total"),
        record_type=RecordType.PERSON,
        field="score",
        reason=f"agreement v{version.number}",
        at=at,
    )


def _stored_scores(person_ids: list[int] | None, apart: bool, since: dt.datetime) -> pl.DataFrame:
    """The scores as they stand, as their digests: only those that differ are written, and the
    audit trail records the totals that changed; `newer`: written after `since`.

    `apart`: read on a connection of its own, which sees the scores as this transaction does
    when the transaction began outside any other and has written no score yet; on SQLite it
    holds the write lock from its start, so nobody else has written one either."""
    table = LeadScore._meta.db_table

    def sql(where: str) -> str:
        newer = "CASE WHEN scored_at > %s THEN 1 ELSE 0 END"
        return f"SELECT person_id, digest, total, {newer} FROM {table} {where}"

    params = [stored_time(since)]
    if apart:
        return reads.read_apart([(sql(""), params, STORED_SCORE_COLUMNS)])[0]
    if person_ids is None:
        return read(sql(""), params, STORED_SCORE_COLUMNS, whole=True)
    return read_in("person_id", person_ids, sql, STORED_SCORE_COLUMNS, params)


def people_sharing_accounts(person_ids: list[int]) -> list[int]:
    """These people and everybody on their accounts: a new decision maker changes them all."""
    accounts = Person.objects.filter(pk__in=person_ids, account__isnull=False).values("account_id")
    ids = set(person_ids) | set(
        Person.objects.filter(account_id__in=accounts).values_list("pk", flat=True)
    )
    return sorted(ids)
