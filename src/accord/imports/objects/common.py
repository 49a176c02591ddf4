"""What the object planners share: external ids, the account directory, the plan itself."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import timezone

from accord.columns import writes
from accord.crm.emails import FREE_MAIL, email_domain
from accord.crm.models import Account, SourceRecord
from accord.imports.engine import Counts, KeptCampaign, ParsedFile, Record
from accord.imports.formats import Format
from accord.teams.models import User

SYSTEM_LABELS = {"hubspot": "HubSpot", "salesforce": "Salesforce", "accord": "Accord"}


@dataclass
class Plan:
    """What an import would do; `write` does it (called inside the import's transaction)."""

    counts: dict[str, Counts]
    write: Callable[[], None]
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # rows merged into one record, say
    kept_campaigns: list[KeptCampaign] = field(default_factory=list)


def external_ids(values: dict, fmt: Format) -> list[tuple[str, str]]:
    """(system, id) pairs a row carries: its own system's id, or in Accord files both CRMs' ids."""
    if fmt.system != "accord":
        ext = values.get("source_id")
        return [(fmt.system, ext)] if ext else []
    pairs = [("hubspot", values.get("hubspot_id")), ("salesforce", values.get("salesforce_id"))]
    return [(system, ext) for system, ext in pairs if ext]


class SourceIndex:
    """Every external id known for one object type, and the new ones this import adds."""

    def __init__(self, object_type: str):
        self.object_type = object_type
        self.ids = {
            (system, ext): oid
            for system, ext, oid in SourceRecord.objects.filter(
                object_type=object_type
            ).values_list("system", "external_id", "object_id")
        }
        self.new: dict[tuple[str, str], object] = {}

    def find(self, pairs) -> int | None:
        for pair in pairs:
            if pair in self.ids:
                return self.ids[pair]
        return None

    def link(self, pairs, target) -> None:
        """Remember ids to store for `target` (an id, or a key resolved once the row exists)."""
        for pair in pairs:
            if pair not in self.ids:
                self.new[pair] = target

    def write(self, resolve: Callable[[object], int]) -> None:
        rows = (
            (system, self.object_type, ext, resolve(target))
            for (system, ext), target in self.new.items()
        )
        fields = ("system", "object_type", "external_id", "object_id")
        writes.insert_rows(SourceRecord, fields, rows)


@dataclass(frozen=True)
class NewAccount:
    domain: str


@dataclass
class AccountDirectory:
    """Accounts by domain and external id, where people and deal files find or add theirs."""

    by_domain: dict[str, int] = field(default_factory=dict)
    ids: set[int] = field(default_factory=set)
    sources: SourceIndex | None = None
    new: dict[str, dict] = field(default_factory=dict)  # domain -> fields of an account to add
    created_ids: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "AccountDirectory":
        directory = cls(sources=SourceIndex(SourceRecord.ObjectType.ACCOUNT))
        for pk, domain in Account.objects.values_list("id", Lower("domain")):
            directory.ids.add(pk)
            if domain:
                directory.by_domain[domain] = pk
        return directory

    def for_domain(self, domain: str, name: str = "", industry: str = "", create=True):
        domain = domain.lower()
        if domain in self.by_domain:
            return self.by_domain[domain]
        if not create:
            return None
        self.new.setdefault(domain, {"name": name or domain, "industry": industry})
        return NewAccount(domain)

    def explicit(self, values: dict, fmt: Format, parsed: ParsedFile, record: Record, create=True):
        """The account a row names (external id, domain, Accord id); False if it is unknown."""
        if ext := values.get("account_source_id"):
            found = self.sources.find([(fmt.system, ext)])
            if found is None:
                parsed.error(
                    record,
                    "account_source_id",
                    f"no account has {SYSTEM_LABELS[fmt.system]} id {ext!r}; "
                    "import the accounts (companies) first",
                )
                return False
            return found
        if domain := values.get("account_domain"):
            found = self.for_domain(
                domain, values.get("account_name", ""), values.get("account_industry", ""), create
            )
            if found is None:
                parsed.error(record, "account_domain", f"no account has the domain {domain!r}")
                return False
            return found
        native = values.get("account_native_id")
        if native in self.ids:
            return native
        return None

    def from_email(self, email: str, values: dict):
        domain = email_domain(email)
        if domain in FREE_MAIL:
            return None
        return self.for_domain(
            domain, values.get("account_name", ""), values.get("account_industry", "")
        )

    def write(self, counts: Counts) -> None:
        """Add the accounts people or deals needed; they are counted as created accounts."""
        if not self.new:
            return
        before = max_id(Account)
        now = timezone.now()
        writes.insert_rows(
            Account,
            ("domain", "name", "industry", "region", "created_at"),
            ((d, f["name"][:255], f["industry"][:100], "", now) for d, f in self.new.items()),
        )
        created = Account.objects.filter(id__gt=before).values_list("domain", "id")
        self.created_ids = {d: pk for d, pk in created.iterator(20_000) if d in self.new}
        self.by_domain.update(self.created_ids)

    def resolve(self, ref):
        if isinstance(ref, NewAccount):
            return self.created_ids[ref.domain]
        return ref


def plan_change(
    current: tuple, values: dict, fields: tuple, pk: int, counts: Counts, updates: list
) -> None:
    """Count a matched row as unchanged or updated; blank cells (absent values) keep the stored."""
    merged = tuple(values.get(f, current[i]) for i, f in enumerate(fields))
    if merged == current:
        counts.unchanged += 1
    else:
        updates.append((*merged, pk))
        counts.updated += 1


def write_planned(model, fields: tuple, inserts: list, updates: list, sources) -> None:
    """Insert the new rows, link their source ids, update the changed ones, store the links."""
    created = model.objects.bulk_create([row for row, _ in inserts], batch_size=5000)
    for row, (_, pairs) in zip(created, inserts, strict=True):
        sources.link(pairs, row.pk)
    writes.update_rows(model, fields, updates)
    sources.write(lambda pk: pk)


def owner_ids() -> dict[str, int]:
    """Users by lower-case e-mail, as an owner column's parsed cells name them."""
    return {email.lower(): pk for pk, email in User.objects.values_list("id", "email")}


def owner_field(values: dict, users: dict[str, int]) -> None:
    """A row's owner (an e-mail, "" for nobody) as `owner_id`; no owner cell, no change."""
    if "owner" in values:
        email = values.pop("owner")
        values["owner_id"] = users.get(email) if email else None


def max_id(model) -> int:
    return model.objects.aggregate(m=Max("id"))["m"] or 0
