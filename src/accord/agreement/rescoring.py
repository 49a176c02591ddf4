"""Scores in and out of the database: read columns, score them with the engine, write them back.

Reads and writes are column-wise and bulk: raw SELECTs into Polars (outside a transaction as
Arrow columns on connections of their own, side by side; inside one through Django's
connection, by CSV COPY on PostgreSQL), one upsert per batch (COPY into a
temporary table on PostgreSQL), and one UPDATE per batch of new MQLs with their lifecycle
history. A few people, as a lead capture rescores, are one read (with their accounts) and one
plain upsert.
"""

import datetime as dt
import hashlib
import io
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from itertools import pairwise

import polars as pl
from django.db import connection, transaction
from django.utils import timezone
from psycopg.conninfo import make_conninfo
from tqdm import tqdm

from accord.agreement.models import AgreementVersion, LeadScore
from accord.audit.services import record_column_changes
from accord.crm.bulk import FEW, flat, large_page_cache, sqlite_quoted, values_placeholders
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

BATCH = 50_000
READERS = 2  # connections reading side by side: a small server has two cores
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
    """Touches as stored, their time as PostgreSQL's own timestamp, on SQLite as seconds since
    1970 (stored as text, each would be parsed). On PostgreSQL the types and channels packed into
    one number by CASE took half of its time to read the touches: plain text is read as fast."""
    if connection.vendor == "postgresql":
        occurred = "t.occurred_at"
    else:
        occurred = "(julianday(t.occurred_at) - 2440587.5) * 86400.0"
    return (
        f"SELECT t.person_id, t.kind, t.channel, {occurred} "
        f"FROM {Touchpoint._meta.db_table} t {where}"
    )


def _touch_columns() -> dict:
    occurred = pl.Datetime("us", "UTC") if connection.vendor == "postgresql" else pl.Float64
    return {**TOUCHPOINT_SCHEMA, "occurred_at": occurred}


def _read(
    sql: str, params: list, schema: dict, desc: str, progress: bool, *, whole: bool = False
) -> pl.DataFrame:
    """Rows into columns. `whole`: (a window of) a whole table, which PostgreSQL sends in bulk
    by CSV COPY (outside a transaction `_read_apart` is faster)."""
    bar = tqdm(desc=desc, unit=" rows", unit_scale=True, disable=not progress, leave=False)
    as_read = _as_read(schema)
    with bar:
        if whole and connection.vendor == "postgresql":
            frame = _read_csv_copy(connection.ops.compose_sql(sql, params), as_read, bar)
            return frame.cast(schema)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            chunks = []
            while rows := cursor.fetchmany(BATCH):
                chunks.append(pl.DataFrame(rows, schema=as_read, orient="row"))
                bar.update(len(rows))
    if not chunks:
        return pl.DataFrame(schema=schema)
    return pl.concat(chunks).cast(schema)


def _as_read(schema: dict) -> dict:
    return {name: pl.Int8 if dtype == pl.Boolean else dtype for name, dtype in schema.items()}


def _read_csv_copy(sql: str, schema: dict, bar: tqdm) -> pl.DataFrame:
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                buffer.write(block)
                bar.update(bytes(block).count(b"\n"))
    buffer.seek(0)
    return pl.read_csv(buffer, has_header=False, schema=schema)


def readable_apart() -> bool:
    """Whether a connection of its own sees what this one does: outside any transaction (it
    sees only what is committed) and, on SQLite, on a file (an in-memory database is this
    connection's alone)."""
    if connection.in_atomic_block:
        return False
    return connection.vendor == "postgresql" or not connection.is_in_memory_db()


def _read_apart(
    queries: list[tuple[str, list, dict]], desc: str, progress: bool
) -> list[pl.DataFrame]:
    """Queries read as Arrow columns through an ADBC driver, each on a connection of its own:
    on PostgreSQL `READERS` at a time, on SQLite each in a process of its own, all at once
    (see `arrow_reads`; started together, the processes' start-up overlaps). Only where
    `readable_apart()` says they see what Django's does.

    The drivers build the columns in C, without a Python object per value and without holding
    Python's lock: on PostgreSQL from binary COPY, touches in about half the time CSV through
    Python takes; on SQLite, child processes included, in about a third of the time of Python's
    driver on threads; and two at a time use both cores of a small machine. The SQLite
    driver takes a column's type from its first rows: a text column read this way must never be
    null (none here is)."""
    read_arrow, prepared = _arrow_reader(), [_arrow_sql(sql, params) for sql, params, _ in queries]

    def read(query: int) -> pl.DataFrame:
        schema = queries[query][2]
        table = read_arrow(prepared[query]).rename_columns(list(schema))
        return pl.DataFrame(table).cast(schema)

    at_once = READERS if connection.vendor == "postgresql" else len(queries)
    bar = tqdm(desc=desc, unit=" rows", unit_scale=True, disable=not progress, leave=False)
    frames = []
    with bar, ThreadPoolExecutor(at_once) as pool:
        for frame in pool.map(read, range(len(queries))):
            frames.append(frame)
            bar.update(frame.height)
    return frames


def _arrow_reader():
    """A function reading one query's rows as an Arrow table; it uses nothing of Django, so
    that other threads may call it."""
    # Imported here: it loads pyarrow, which only a rescore of everybody should wait for.
    from accord.agreement import arrow_reads

    if connection.vendor == "sqlite":
        path = str(connection.settings_dict["NAME"])
        wait_ms = int(connection.settings_dict["OPTIONS"].get("timeout", 5) * 1000)
        return lambda sql: arrow_reads.read_sqlite_apart(path, sql, wait_ms)
    connection.ensure_connection()
    info = connection.connection.info
    dsn = make_conninfo(info.dsn, password=info.password) if info.password else info.dsn
    return lambda sql: arrow_reads.read_postgresql(dsn, sql)


def _arrow_sql(sql: str, params: list) -> str:
    """The query with its parameters written in as the database quotes them."""
    if connection.vendor == "postgresql":
        return connection.ops.compose_sql(sql, params)
    if not params:
        return sql
    return sql % tuple(sqlite_quoted(params))  # our SQL has no other %


def _scan_parts(table: str, alias: str, parts: int) -> list[str]:
    """Conditions that split a scan of `table` into `parts` of about equal size, for readers
    side by side: ranges of ids on SQLite (the table is stored in id order), of pages on
    PostgreSQL (a TID range scan reads only its own pages)."""
    if parts == 1:
        return ["TRUE"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_relation_size(%s) / current_setting('block_size')::int", [table]
            )
            (pages,) = cursor.fetchone()
            bounds = [f"'({pages * i // parts},0)'::tid" for i in range(1, parts)]
            column = f"{alias}.ctid"
        else:
            # Each alone, so that SQLite reads them from the ends of the table
            cursor.execute(f"SELECT (SELECT min(id) FROM {table}), (SELECT max(id) FROM {table})")
            low, high = (bound or 0 for bound in cursor.fetchone())
            bounds = [str(low + (high - low) * i // parts) for i in range(1, parts)]
            column = f"{alias}.id"
    ranges = [f"{column} < {bounds[0]}"]
    ranges += [f"{column} >= {lower} AND {column} < {upper}" for lower, upper in pairwise(bounds)]
    return [*ranges, f"{column} >= {bounds[-1]}"]


def load_everybody(
    since: dt.datetime | None, progress: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Everybody with their account's fields, and the touches since `since` (all if None).

    Read side by side on connections of their own where that sees what Django's does, the
    touches in as many parts as there are readers; else one after the other."""
    apart = readable_apart()
    queries = [
        (_touch_sql(where), params, _touch_columns())
        for where, params in _touch_parts(since, READERS if apart else 1)
    ]
    queries += [(_everybody_sql(), [], PERSON_COLUMNS), (_account_sql(""), [], ACCOUNT_COLUMNS)]
    if apart:
        frames = _read_apart(queries, "Reading people and touchpoints", progress)
    else:
        frames = [_read(*query, "Reading", progress, whole=True) for query in queries]
    *touches, people, accounts = frames
    return _with_accounts(people, accounts), _as_touches(pl.concat(touches))


def _touch_parts(since: dt.datetime | None, parts: int) -> list[tuple[str, list]]:
    """WHERE clauses, with their parameters, that split the touches to read in `parts`: the
    window since `since` in spans of time, read from the index of touches by time alone (it
    holds what scoring reads); without a window, or where the index cannot answer alone, the
    table in ranges of storage."""
    table = Touchpoint._meta.db_table
    if since is None or not _index_answers_alone(table):
        window, params = ([], []) if since is None else (["t.occurred_at > %s"], [_db_time(since)])
        scans = _scan_parts(table, "t", parts)
        return [("WHERE " + " AND ".join([*window, scan]), params) for scan in scans]
    step = max(timezone.now() - since, dt.timedelta(0)) / parts  # a window in the future: none
    bounds = [_db_time(since + step * i) for i in range(parts)]
    spans = [
        ("WHERE t.occurred_at > %s AND t.occurred_at <= %s", [lower, upper])
        for lower, upper in pairwise(bounds)
    ]
    return [*spans, ("WHERE t.occurred_at > %s", [bounds[-1]])]


def _index_answers_alone(table: str) -> bool:
    """Whether an index of `table` can answer without reading its rows. On PostgreSQL only for
    pages VACUUM has marked visible to all (autovacuum does, soon after writes): on a table
    mostly without, the planner scans the whole table once per span instead."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relallvisible * 2 >= relpages FROM pg_class WHERE oid = %s::regclass", [table]
        )
        return cursor.fetchone()[0]


def _with_accounts(people: pl.DataFrame, accounts: pl.DataFrame) -> pl.DataFrame:
    won = _won_accounts()
    return people.join(accounts, on="account_id", how="left").with_columns(
        (pl.col("lifecycle_stage").is_in(CUSTOMER_STAGES) | pl.col("account_id").is_in(won))
        .fill_null(False)
        .alias("is_customer")
    )


def load_people(person_ids: list[int]) -> pl.DataFrame:
    """These people with their account's fields and whether they are customers."""
    return _read_in("p.id", person_ids, _people_with_accounts_sql, PEOPLE_WITH_ACCOUNTS)


def _read_in(
    column: str, ids: list[int], make_sql, schema: dict, params: list = ()
) -> pl.DataFrame:
    frames = [
        _read(make_sql(_in_clause(column, chunk)), [*params, *chunk], schema, "", False)
        for chunk in _chunks(ids)
    ]
    return pl.concat(frames) if frames else pl.DataFrame(schema=schema)


def load_touchpoints(person_ids: list[int], since: dt.datetime | None) -> pl.DataFrame:
    """These people's touches since `since` (all if None)."""
    window, params = ("", []) if since is None else (" AND t.occurred_at > %s", [_db_time(since)])
    frames = []
    for chunk in _chunks(person_ids):
        sql = _touch_sql(_in_clause("t.person_id", chunk) + window)
        frames.append(_read(sql, chunk + params, _touch_columns(), "", False))
    return _as_touches(pl.concat(frames) if frames else pl.DataFrame(schema=_touch_columns()))


def _as_touches(touches: pl.DataFrame) -> pl.DataFrame:
    occurred = pl.col("occurred_at")
    if touches.schema["occurred_at"] == pl.Float64:  # SQLite: seconds since 1970
        occurred = (occurred * 1e6).cast(pl.Int64).cast(pl.Datetime("us", "UTC"))
    return touches.with_columns(occurred).cast(TOUCHPOINT_SCHEMA)


def _db_time(value: dt.datetime):
    """A datetime as the database stores it (raw SQL skips the ORM's conversion)."""
    return connection.ops.adapt_datetimefield_value(value)


def _in_clause(column: str, ids: list[int]) -> str:
    return f"WHERE {column} IN ({', '.join(['%s'] * len(ids))})"


def _chunks(ids: list[int], size: int = 5000):
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


_SCORE_FIELDS = [
    "person_id",
    "version_id",
    "fit",
    "fit_grade",
    "engagement",
    "total",
    "is_mql",
    "disqualified_reason",
    "contributions",
    "digest",
    "scored_at",
]
STORED_SCORE_COLUMNS = {
    "person_id": pl.Int64,
    "digest": pl.Int64,
    "total": pl.Int64,
    "newer": pl.Boolean,
}
_UPSERT = ", ".join(f"{name} = excluded.{name}" for name in _SCORE_FIELDS[1:])
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
    version_id = pl.lit(version.pk, dtype=pl.Int64).alias("version_id")
    return components.with_columns(version_id, digest.reinterpret(signed=True).alias("digest"))


def _rules_seed(version: AgreementVersion) -> int:
    """A hash of the names of the version's rules in the order explanations number them: two
    versions with the same names read a stored explanation the same."""
    names = "\n".join(rule_names(version.document)).encode()
    return int.from_bytes(hashlib.blake2b(names, digest_size=8).digest())


def _rows_to_write(changed: pl.DataFrame, version: AgreementVersion, at: dt.datetime):
    return changed.select(
        "person_id",
        "version_id",
        "fit",
        "fit_grade",
        "engagement",
        "total",
        "is_mql",
        pl.col("disqualified_reason").fill_null(""),
        contribution_codes(changed, version.document).alias("contributions"),
        "digest",
        pl.lit(str(_db_time(at))).alias("scored_at"),
    )


def _write_scores(rows: pl.DataFrame, progress: bool) -> None:
    if rows.height == 0:
        return
    table = LeadScore._meta.db_table
    columns = ", ".join(_SCORE_FIELDS)
    bar = tqdm(
        total=rows.height,
        desc="Writing scores",
        unit=" people",
        unit_scale=True,
        disable=not progress,
        leave=False,
    )
    with bar, connection.cursor() as cursor:
        if connection.vendor == "postgresql" and rows.height <= FEW:
            values = values_placeholders(len(_SCORE_FIELDS), rows.height)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} "
                f"ON CONFLICT (person_id) DO UPDATE SET {_UPSERT}",
                flat(rows.iter_rows()),
            )
            bar.update(rows.height)
            return
        if connection.vendor == "postgresql":
            _copy_and_upsert(cursor, rows, bar)
            return
        placeholders = ", ".join(["?"] * len(_SCORE_FIELDS))  # sqlite3's own, unwrapped
        sql = (
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "
            f"ON CONFLICT (person_id) DO UPDATE SET {_UPSERT}"
        )
        for batch in rows.iter_slices(BATCH):
            connection.connection.executemany(sql, batch.iter_rows())
            bar.update(batch.height)


def _copy_and_upsert(cursor, rows: pl.DataFrame, bar: tqdm) -> None:
    """PostgreSQL: COPY the scores into a temporary table, then one upsert. The version and time,
    the same for every score, are given once rather than parsed from each row, which makes the
    COPY of a million scores markedly quicker."""
    table = LeadScore._meta.db_table
    varying = ", ".join(name for name in _SCORE_FIELDS if name not in ("version_id", "scored_at"))
    cursor.execute(
        f"CREATE TEMPORARY TABLE new_scores ON COMMIT DROP AS SELECT {varying} FROM {table} "
        "WITH NO DATA"
    )
    for batch in rows.drop("version_id", "scored_at").iter_slices(BATCH * 4):
        with cursor.cursor.copy(
            f"COPY new_scores ({varying}) FROM STDIN WITH (FORMAT csv)"
        ) as copy:
            copy.write(batch.write_csv(include_header=False))
        bar.update(batch.height)
    cursor.execute(
        f"INSERT INTO {table} ({varying}, version_id, scored_at) "
        f"SELECT {varying}, %s::bigint, %s::timestamptz FROM new_scores "
        f"ON CONFLICT (person_id) DO UPDATE SET {_UPSERT}",
        [rows["version_id"][0], rows["scored_at"][0]],
    )
    cursor.execute("DROP TABLE new_scores")


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
        for chunk in _chunks(list(from_stage)):
            cursor.execute(
                f"UPDATE {table} SET lifecycle_stage = %s, updated_at = %s "
                f"{_in_clause('id', chunk)} AND lifecycle_stage IN (%s, %s) "
                f"AND {RECYCLE_WAIT_OVER_SQL} RETURNING id",
                [LifecycleStage.MQL.value, _db_time(at), *chunk, *MOVABLE_TO_MQL, _db_time(at)],
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
        # A score written since this rescore began read newer touches than it did (a capture
        # meanwhile): it stays. The rest is written in the order of the table's key, which the
        # engine's output need not follow: an upsert in key order is about three times quicker
        # than in random order
        newer = stored.filter(pl.col("newer"))
        changed = (
            components.join(newer, on="person_id", how="anti")
            .join(stored, on=["person_id", "digest"], how="anti")
            .sort("person_id")
        )
        _write_scores(_rows_to_write(changed, version, as_of), progress)
        old_totals = stored.select("person_id", pl.col("total").alias("old_total"))
        record_column_changes(
            changed.join(old_totals, "person_id", "left").select("person_id", "old_total", "total"),
            record_type="person",
            field="score",
            reason=f"agreement v{version.number}",
            at=as_of,
        )
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

    params = [_db_time(since)]
    if apart:
        return _read_apart([(sql(""), params, STORED_SCORE_COLUMNS)], "Reading scores", False)[0]
    if person_ids is None:
        return _read(sql(""), params, STORED_SCORE_COLUMNS, "Reading scores", False, whole=True)
    return _read_in("person_id", person_ids, sql, STORED_SCORE_COLUMNS, params)


def people_sharing_accounts(person_ids: list[int]) -> list[int]:
    """These people and everybody on their accounts: a new decision maker changes them all."""
    accounts = Person.objects.filter(pk__in=person_ids, account__isnull=False).values("account_id")
    ids = set(person_ids) | set(
        Person.objects.filter(account_id__in=accounts).values_list("pk", flat=True)
    )
    return sorted(ids)
