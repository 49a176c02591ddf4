"""Account (company) files: match by external id, then by domain, then by Accord id and name."""

from accord.crm import rollups
from accord.crm.models import Account
from accord.imports.engine import Counts, ParsedFile
from accord.imports.objects.common import (
    AccountDirectory,
    Plan,
    external_ids,
    owner_field,
    owner_ids,
    plan_change,
    write_planned,
)

FIELDS = ("name", "domain", "industry", "employee_count", "region", "created_at", "owner_id")
LIMITS = {"name": 255, "industry": 100, "region": 100}


def plan_accounts(parsed: ParsedFile, reason: str, progress: bool = False) -> Plan:
    fmt = parsed.fmt
    directory = AccountDirectory.load()
    sources = directory.sources
    existing = {row[0]: row[1:] for row in Account.objects.values_list("id", *FIELDS)}
    users = owner_ids()

    # Rows for one domain (or one external id) are one account: later non-blank cells win.
    groups: dict[object, tuple] = {}
    for record in parsed.records:
        values = record.values
        owner_field(values, users)
        for name, limit in LIMITS.items():
            if len(values.get(name, "")) > limit:
                parsed.error(record, name, f"is longer than {limit} characters")
        pairs = external_ids(values, fmt)
        key = values.get("domain") or (pairs[0] if pairs else record.row)
        if key in groups:
            groups[key][1].update(values)
        else:
            groups[key] = (record, dict(values))

    counts = Counts()
    inserts, updates = [], []
    for record, values in groups.values():
        pairs = external_ids(values, fmt)
        domain = values.get("domain")
        pk = sources.find(pairs)
        if pk is None and domain:
            pk = directory.by_domain.get(domain)
        native = values.get("native_id")
        if pk is None and native in existing and existing[native][0] == values.get("name"):
            pk = native
        if pk is not None and domain and directory.by_domain.get(domain, pk) != pk:
            parsed.error(record, "domain", f"{domain} already belongs to another account")
            continue
        if pk is None:
            if not (values.get("name") or domain):
                parsed.error(record, "name", "is blank, and so is the domain")
                continue
            values.setdefault("name", domain)
            inserts.append((Account(**{f: values[f] for f in FIELDS if f in values}), pairs))
            counts.created += 1
            continue
        sources.link(pairs, pk)
        plan_change(existing[pk], values, FIELDS, pk, counts, updates)

    def write():
        write_planned(Account, FIELDS, inserts, updates, sources)
        rollups.refresh_accounts(row[-1] for row in updates)  # a region or industry may change

    return Plan(counts={"accounts": counts}, write=write)
