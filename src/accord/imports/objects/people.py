"""People files: match by external id, then by e-mail (any case); blanks change nothing.

Planned column-wise: the file is a Polars frame (one row per person after rows for one e-mail
are merged), joined against a column read of the people, external ids and accounts already
stored; the writes are frames too (COPY on PostgreSQL, executemany on SQLite).
"""

import polars as pl
from django.utils import timezone
from tqdm import tqdm

from accord.audit.services import RecordType, record_column_changes
from accord.columns import reads, writes
from accord.crm import rollups
from accord.crm.emails import FREE_MAIL
from accord.crm.models import (
    FUNNEL_ORDER,
    Account,
    LifecycleChange,
    LifecycleStage,
    Person,
    SourceRecord,
)
from accord.crm.services import InvalidChange, check_move_by_hand, do_record_lifecycle_changes
from accord.imports.engine import Counts, ParsedFile, timed
from accord.imports.objects.common import SYSTEM_LABELS, Plan, owner_ids

FIELDS = (
    "email",
    "first_name",
    "last_name",
    "title",
    "phone",
    "lifecycle_stage",
    "lead_status",
    "original_source",
    "created_at",
    "owner_id",
)
TEXT_FIELDS = FIELDS[:-2]
LIMITS = tuple((f, Person._meta.get_field(f).max_length) for f in TEXT_FIELDS)
UTC = pl.Datetime("us", "UTC")
# Every field a people format may carry, as a frame column type.
SCHEMA = {
    **{f: pl.String for f in TEXT_FIELDS},
    "created_at": UTC,
    "owner": pl.String,  # the owner's e-mail, "" for nobody (engine.bind_vocabularies)
    "source_id": pl.String,
    "hubspot_id": pl.String,
    "salesforce_id": pl.String,
    "native_id": pl.Int64,
    "account_name": pl.String,
    "account_domain": pl.String,
    "account_industry": pl.String,
    "account_source_id": pl.String,
    "account_native_id": pl.Int64,
    # When the person entered each stage of the funnel (HubSpot's "Became a … Date").
    **{f"became_{stage}": UTC for stage in FUNNEL_ORDER},
}
BECAME = [f"became_{stage}" for stage in FUNNEL_ORDER]


def _frame(parsed: ParsedFile) -> pl.DataFrame:
    """The file as columns (the row reader's records are turned into them), every field present."""
    if parsed.frame is not None:
        frame = parsed.frame
    else:
        data = {"row": [r.row for r in parsed.records]}
        for name in SCHEMA:
            data[name] = [r.values.get(name) for r in parsed.records]
        frame = pl.DataFrame(data, schema={"row": pl.Int64, **SCHEMA})
    missing = [pl.lit(None, t).alias(n) for n, t in SCHEMA.items() if n not in frame.columns]
    return frame.with_columns(missing) if missing else frame


def _lower(col: str) -> pl.Expr:
    """str.lower(), as the row-by-row code compared e-mails (Python for anything not ASCII)."""
    ascii_ = pl.col(col).str.contains(r"^[\x00-\x7f]*$")
    python = pl.col(col).map_elements(str.lower, return_dtype=pl.String)
    return pl.when(ascii_).then(pl.col(col).str.to_lowercase()).otherwise(python)


def _pairs(fmt) -> list[tuple[str, str]]:
    """(system, column) of the external ids a row carries, in the order they are looked up."""
    if fmt.system != "accord":
        return [(fmt.system, "source_id")]
    return [("hubspot", "hubspot_id"), ("salesforce", "salesforce_id")]


def _existing_people() -> pl.DataFrame:
    return reads.read_model(Person, ("id", *FIELDS, "account_id", "recycled_until"))


def _refuse_moves_off_the_funnel(parsed: ParsedFile, matched: pl.DataFrame) -> pl.DataFrame:
    """Rows that would move somebody's stage as the funnel does not allow a move by hand
    (`crm.services.check_move_by_hand`: a lead with sales, a stage sales sets, back down the
    funnel, an MQL still waiting out the recycle pause) are refused, each at its row and column
    with the rule's reason; the other rows.

    The rule is asked once per pair of stages, and again for each refused row to word it: a
    large file only ever pays for its distinct moves."""
    moving = matched.filter(
        pl.col("lifecycle_stage").is_not_null()
        & (pl.col("lifecycle_stage") != pl.col("old_lifecycle_stage"))
    )
    stages = ["old_lifecycle_stage", "lifecycle_stage"]
    refused_pairs = pl.DataFrame(
        [pair for pair in moving.select(stages).unique().iter_rows() if _refusal(Person(), *pair)],
        schema={name: pl.String for name in stages},
        orient="row",
    )
    early_mql = (pl.col("lifecycle_stage") == LifecycleStage.MQL.value) & (
        pl.col("old_recycled_until") > timezone.now()
    )
    rows = pl.concat(
        [moving.join(refused_pairs, on=stages, how="semi"), moving.filter(early_mql)]
    ).unique("row", maintain_order=True)
    rows = rows.select("row", "old_email", "old_recycled_until", *stages).sort("row")
    # A Salesforce lead's stage comes from its Status column.
    column = "lifecycle_stage" if "lifecycle_stage" in parsed.headers else "lead_status"
    for row, email, until, was, to in rows.iter_rows():
        reason = _refusal(Person(email=email, recycled_until=until), was, to)
        parsed.error_at(row, column, reason)
    return matched.join(rows.select("row"), on="row", how="anti", maintain_order="left")


def _refusal(person: Person, from_stage: str, to_stage: str) -> str:
    """Why the funnel refuses the move, or ""."""
    try:
        check_move_by_hand(person, from_stage, to_stage)
    except InvalidChange as refused:
        return refused.message
    return ""


def _sources(object_type: str) -> pl.DataFrame:
    frame = reads.read_model(
        SourceRecord, ("system", "external_id", "object_id"), "object_type = %s", [object_type]
    )
    return frame.rename({"external_id": "ext"})


def _accounts() -> pl.DataFrame:
    frame = reads.read_model(Account, ("id", "domain"))
    return frame.with_columns(_lower("domain").alias("domain"))


def _errors(parsed: ParsedFile, frame: pl.DataFrame, field: str, column: str, reason) -> None:
    """An error on `field` for each row of `frame`; `reason(value of column)` says why."""
    for row, value in frame.select("row", column).iter_rows():
        parsed.error_at(row, field, reason(value))


def _with_owner_ids(file: pl.DataFrame) -> pl.DataFrame:
    """`owner_id` from the owner's e-mail: null for no owner cell (the stored owner stays), 0 for
    an owner mapped to nobody (the person is left unassigned)."""
    users = owner_ids()
    users_frame = pl.DataFrame(
        {"owner": list(users), "owner_id": list(users.values())},
        schema={"owner": pl.String, "owner_id": pl.Int64},
    )
    file = file.drop("owner_id", strict=False).join(
        users_frame, on="owner", how="left", maintain_order="left"
    )
    return file.with_columns(
        pl.when(pl.col("owner") == "").then(0).otherwise(pl.col("owner_id")).alias("owner_id")
    )


def _merged(field: str) -> pl.Expr:
    """A matched person's field after the import: the cell, else the stored value (an owner
    mapped to nobody, 0, clears the stored owner)."""
    merged = pl.coalesce(field, f"old_{field}")
    if field == "owner_id":
        merged = pl.when(pl.col(field) == 0).then(None).otherwise(merged)
    return merged


def plan_people(parsed: ParsedFile, reason: str, progress: bool = False) -> Plan:
    fmt = parsed.fmt
    pairs = _pairs(fmt)
    id_columns = [column for _, column in pairs] + ["native_id"]
    file = _with_owner_ids(_frame(parsed)).filter(
        pl.any_horizontal(pl.col("email", *id_columns).is_not_null())
    )
    for name, limit in LIMITS:
        too_long = file.filter(pl.col(name).str.len_chars() > limit)
        _errors(parsed, too_long, name, name, lambda _, n=limit: f"is longer than {n} characters")

    # Rows for one e-mail in any letter case (or, without one, for one id) are one person:
    # later non-blank cells win, every source id is kept, and each merge is said.
    file = file.with_columns(
        _lower("email").alias("email_key"),
    ).with_columns(
        pl.coalesce(
            "email_key",
            *(
                (pl.lit(f"{column}:") + pl.col(column).cast(pl.String)).alias(f"by_{column}")
                for column in id_columns
            ),
        ).alias("key")
    )
    every_row = file
    label = SYSTEM_LABELS[fmt.system]
    plan_notes = []
    if file.get_column("key").is_duplicated().any():
        merged_rows = (
            file.group_by("key", maintain_order=True)
            .agg(pl.col("row"), pl.col("email").last(), pl.col(id_columns[0]).first().alias("id"))
            .filter(pl.col("row").list.len() > 1)
        )
        plan_notes = [
            f"rows {_listed(rows)}: one person, {email or f'{label} id {ext}'}"
            for _, rows, email, ext in merged_rows.iter_rows()
        ]
        values = [c for c in file.columns if c not in ("row", "key")]
        file = file.group_by("key", maintain_order=True).agg(
            pl.col("row").first(), *(pl.col(c).drop_nulls().last() for c in values)
        )
    file = file.with_row_index("order")

    # Who each row is: by external id first, then by e-mail.
    existing = _existing_people()
    sources = _sources(SourceRecord.ObjectType.PERSON)
    for i, (system, column) in enumerate(pairs):
        known = sources.filter(pl.col("system") == system).select(
            pl.col("ext").alias(column), pl.col("object_id").alias(f"pid{i}")
        )
        file = file.join(known, on=column, how="left", maintain_order="left")
    by_email = (
        existing.filter(pl.col("email") != "")
        .select(_lower("email").alias("email_key"), pl.col("id").alias("pid_email"))
        .unique("email_key", keep="last")
    )
    file = file.join(by_email, on="email_key", how="left", maintain_order="left")
    file = file.with_columns(
        pl.coalesce(*(f"pid{i}" for i in range(len(pairs))), "pid_email").alias("pid")
    )
    taken = pl.col("pid_email").is_not_null() & (pl.col("pid_email") != pl.col("pid"))
    _errors(
        parsed,
        file.filter(taken),
        "email",
        "email",
        lambda email: f"{email} already belongs to another person",
    )
    file = file.filter(~taken)

    # The account a row names: an external id, a domain, an Accord id; else (CRM files only)
    # the company of the e-mail's domain, unless it is a free mailbox.
    accounts = _accounts()
    by_domain = accounts.filter(pl.col("domain") != "").unique("domain", keep="last")
    account_sources = _sources(SourceRecord.ObjectType.ACCOUNT).filter(
        pl.col("system") == fmt.system
    )
    file = file.join(
        account_sources.select(
            pl.col("ext").alias("account_source_id"), pl.col("object_id").alias("by_ext")
        ),
        on="account_source_id",
        how="left",
        maintain_order="left",
    )
    unknown = pl.col("account_source_id").is_not_null() & pl.col("by_ext").is_null()
    _errors(
        parsed,
        file.filter(unknown),
        "account_source_id",
        "account_source_id",
        lambda ext: f"no account has {label} id {ext!r}; import the accounts (companies) first",
    )
    file = file.filter(~unknown)
    file = file.join(
        existing.select(pl.col("id").alias("pid"), pl.col("account_id").alias("current_account")),
        on="pid",
        how="left",
        maintain_order="left",
    )
    derive = fmt.system != "accord"
    email_domain = pl.col("email_key").str.split("@").list.last()
    from_email = pl.when(
        pl.lit(derive)
        & pl.col("email_key").is_not_null()
        & (pl.col("pid").is_null() | pl.col("current_account").is_null())
        & ~email_domain.is_in(list(FREE_MAIL))
    ).then(email_domain)
    native = pl.col("account_native_id")
    file = file.with_columns(
        pl.when(pl.col("account_source_id").is_not_null())
        .then(None)
        .when(pl.col("account_domain").is_not_null())
        .then(pl.col("account_domain").str.to_lowercase())
        .when(native.is_not_null() & native.is_in(accounts.get_column("id").implode()))
        .then(None)
        .otherwise(from_email)
        .alias("account_key"),
        pl.when(pl.col("account_source_id").is_not_null())
        .then(pl.col("by_ext"))
        .when(pl.col("account_domain").is_null())
        .then(pl.when(native.is_in(accounts.get_column("id").implode())).then(native))
        .alias("account_id"),
    )
    file = file.join(
        by_domain.select(pl.col("domain").alias("account_key"), pl.col("id").alias("by_domain")),
        on="account_key",
        how="left",
        maintain_order="left",
    ).with_columns(pl.coalesce("account_id", "by_domain").alias("account_id"))
    new_accounts = (
        file.filter(pl.col("account_key").is_not_null() & pl.col("account_id").is_null())
        .sort("order")
        .unique("account_key", keep="first", maintain_order=True)
        .select(
            pl.col("account_key").alias("domain"),
            pl.coalesce("account_name", "account_key").str.slice(0, 255).alias("name"),
            pl.col("account_industry").fill_null("").str.slice(0, 100).alias("industry"),
        )
    )
    file = file.with_columns(
        pl.when(pl.col("account_id").is_null()).then(pl.col("account_key")).alias("new_account")
    )

    # New people, and changes to the ones already here (a blank cell keeps the stored value).
    inserts = file.filter(pl.col("pid").is_null())
    matched = file.filter(pl.col("pid").is_not_null()).join(
        existing.rename({f: f"old_{f}" for f in existing.columns if f != "id"}),
        left_on="pid",
        right_on="id",
        how="left",
        maintain_order="left",
    )
    matched = _refuse_moves_off_the_funnel(parsed, matched)
    merged = matched.select(
        "pid",
        "order",
        *(_merged(f).alias(f) for f in FIELDS),
        pl.when(pl.col("new_account").is_null())
        .then(pl.coalesce("account_id", "old_account_id"))
        .alias("account_id"),
        "new_account",
        pl.col("old_lifecycle_stage").alias("old_stage"),
        pl.all_horizontal(
            *(_merged(f).eq_missing(pl.col(f"old_{f}")) for f in FIELDS),
            pl.col("new_account").is_null() | pl.col("account_id").is_not_null(),
            pl.coalesce("account_id", "old_account_id").eq_missing(pl.col("old_account_id")),
        ).alias("same"),
    )
    updates = merged.filter(~pl.col("same"))
    counts = Counts(
        created=inserts.height, updated=updates.height, unchanged=merged.height - updates.height
    )
    account_counts = Counts(created=new_accounts.height)

    # External ids to store: each row's ids not known yet (a later row taking one wins).
    people = file.select("key", "pid", "order")
    links = pl.concat(
        [
            every_row.filter(pl.col(column).is_not_null())
            .select("key", pl.lit(system).alias("system"), pl.col(column).alias("external_id"))
            .join(people, on="key", how="inner", maintain_order="left")
            .drop("key")
            for system, column in pairs
        ]
    )
    links = links.join(
        sources.select(pl.col("system"), pl.col("ext").alias("external_id")),
        on=["system", "external_id"],
        how="anti",
    ).unique(["system", "external_id"], keep="last", maintain_order=True)

    timings: dict[str, float] = {}

    def write():
        at = timezone.now()
        with timed(timings, "write accounts"):
            ids = writes.reserve_ids(Account, new_accounts.height)
            created = new_accounts.with_columns(pl.Series("id", ids, dtype=pl.Int64))
            writes.insert_frame(
                Account,
                created.select(
                    "id",
                    "domain",
                    "name",
                    "industry",
                    pl.lit("").alias("region"),
                    pl.lit(at, UTC).alias("created_at"),
                ),
            )
            account_ids = created.select(
                pl.col("domain").alias("new_account"), pl.col("id").alias("new_account_id")
            )

        def with_accounts(frame):
            return frame.join(
                account_ids, on="new_account", how="left", maintain_order="left"
            ).with_columns(pl.coalesce("account_id", "new_account_id").alias("account_id"))

        bar = tqdm(
            total=inserts.height + updates.height,
            desc="Writing people",
            unit=" rows",
            unit_scale=True,
            disable=not progress,
        )
        with bar, timed(timings, "write people"):
            ids = writes.reserve_ids(Person, inserts.height)
            people = with_accounts(inserts).with_columns(pl.Series("id", ids, dtype=pl.Int64))
            writes.insert_frame(
                Person,
                people.select(
                    "id",
                    *(pl.col(f).fill_null("") for f in TEXT_FIELDS if f != "lifecycle_stage"),
                    pl.col("lifecycle_stage").fill_null(LifecycleStage.LEAD.value),
                    pl.col("created_at").fill_null(pl.lit(at, UTC)),
                    "account_id",
                    pl.when(pl.col("owner_id") != 0).then(pl.col("owner_id")).alias("owner_id"),
                    pl.lit("").alias("seniority"),
                    pl.lit(False).alias("is_decision_maker"),
                    pl.lit(at, UTC).alias("updated_at"),
                ),
                progress=bar,
                bulk=True,
            )
            changed = with_accounts(updates).select(
                *FIELDS, "account_id", pl.lit(at, UTC).alias("updated_at"), "pid"
            )
            writes.update_rows(
                Person, (*FIELDS, "account_id", "updated_at"), changed.iter_rows(), progress=bar
            )
        with timed(timings, "write source ids"):
            new_ids = people.select(pl.col("order"), pl.col("id").alias("new_pid"))
            stored = links.join(new_ids, on="order", how="left", maintain_order="left").select(
                "system",
                pl.lit(SourceRecord.ObjectType.PERSON.value).alias("object_type"),
                "external_id",
                pl.coalesce("pid", "new_pid").alias("object_id"),
            )
            writes.insert_frame(SourceRecord, stored, bulk=True)
        with timed(timings, "write lifecycle history"):
            first = people.select(
                pl.col("id").alias("person_id"),
                pl.lit("").alias("from_stage"),
                pl.col("lifecycle_stage").fill_null(LifecycleStage.LEAD.value).alias("to_stage"),
            )
            history = _history(people, at, reason)
            writes.insert_frame(LifecycleChange, history, bulk=True)
            record_column_changes(
                first, record_type=RecordType.PERSON, field="lifecycle_stage", reason=reason, at=at
            )
            moves = updates.filter(pl.col("lifecycle_stage") != pl.col("old_stage"))
            do_record_lifecycle_changes(
                moves.select("pid", "old_stage", "lifecycle_stage").iter_rows(),
                reason=reason,
                at=at,
            )
        with timed(timings, "funnel rollups"):
            rollups.add_created_people(
                people.select(
                    "id",
                    pl.col("created_at").fill_null(pl.lit(at, UTC)),
                    pl.col("lifecycle_stage").fill_null(LifecycleStage.LEAD.value),
                    "account_id",
                ),
                history,
            )
            rollups.refresh_people(updates["pid"])

    return Plan(
        counts={"people": counts, "accounts": account_counts},
        write=write,
        timings=timings,
        notes=plan_notes,
    )


def _history(people: pl.DataFrame, at, reason: str) -> pl.DataFrame:
    """The lifecycle history of the people an import creates: each stage the file dates
    ("Became a … Date", a lead's CreatedDate and ConvertedDate) at its date, in the order of
    the dates (the funnel's order on one date), then the stage the file gives them now, at the
    import, unless the last dated stage is it. Somebody without a dated stage gets one change:
    to their stage, at the import."""
    now = people.select(
        pl.col("id").alias("person_id"),
        pl.col("lifecycle_stage").fill_null(LifecycleStage.LEAD.value).alias("stage_now"),
    )
    dated = (
        people.select(pl.col("id").alias("person_id"), *BECAME)
        .unpivot(index="person_id", on=BECAME, variable_name="to_stage", value_name="changed_at")
        .drop_nulls("changed_at")
        .filter(pl.col("changed_at") <= pl.lit(at, UTC))
        .with_columns(
            pl.col("to_stage").str.strip_prefix("became_"),
            pl.col("to_stage")
            .str.strip_prefix("became_")
            .replace_strict({s: i for i, s in enumerate(FUNNEL_ORDER)}, return_dtype=pl.Int32)
            .alias("rank"),
        )
        .sort("person_id", "changed_at", "rank")
        .with_columns(
            pl.col("to_stage").shift(1).over("person_id").fill_null("").alias("from_stage")
        )
    )
    last = dated.group_by("person_id").agg(pl.col("to_stage").last().alias("from_stage"))
    to_now = (
        now.join(last, on="person_id", how="left")
        .filter(pl.col("from_stage").is_null() | (pl.col("from_stage") != pl.col("stage_now")))
        .select(
            "person_id",
            pl.col("from_stage").fill_null(""),
            pl.col("stage_now").alias("to_stage"),
            pl.lit(at, UTC).alias("changed_at"),
        )
    )
    history = pl.concat([dated.select("person_id", "from_stage", "to_stage", "changed_at"), to_now])
    return history.with_columns(
        pl.lit(None, pl.Int64).alias("changed_by_id"), pl.lit(reason).alias("reason")
    )


def _listed(rows: list[int]) -> str:
    """2, 5 and 9 (the first ten, then how many more)."""
    shown = [str(r) for r in rows[:10]]
    if len(rows) > 10:
        shown.append(f"{len(rows) - 10} more")
    return ", ".join(shown[:-1]) + " and " + shown[-1]
