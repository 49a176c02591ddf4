"""A connector over a dict, for the engine's own tests: pages of two records in id order, the
cursor being the last id written; pushes land in `remote`."""

from dataclasses import dataclass, field

from accord.crm_sync.connector import (
    Change,
    ObjectType,
    Page,
    RemoteRecord,
    Removal,
    SyncObject,
    Written,
)

CONTACTS = SyncObject("contacts", ObjectType.PERSON, "contacts")


@dataclass
class MemoryCrm:
    remote: dict[str, dict[str, str]] = field(default_factory=dict)
    removed: list[Removal] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # ids whose writes fail
    writes: list[Change] = field(default_factory=list)
    objects: tuple = (CONTACTS,)

    def pull(self, obj, cursor, *, full):
        after = "" if full else cursor.get("after", "")
        ids = sorted(i for i in self.remote if i > after)
        for start in range(0, len(ids), 2):
            chunk = ids[start : start + 2]
            yield Page(
                cursor={"after": chunk[-1]},
                records=[RemoteRecord(i, dict(self.remote[i])) for i in chunk],
                total=len(ids),
            )
        if self.removed:
            yield Page(cursor={"after": ids[-1] if ids else after}, removals=self.removed)

    def outbound(self, obj, name, value):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)

    def prepare_push(self, obj, fields):
        return {}

    def push(self, obj, changes):
        results = []
        for change in changes:
            if change.remote_id in self.refuse:
                results.append(Written(change.remote_id, False, "refused by the CRM"))
                continue
            self.writes.append(change)
            self.remote[change.remote_id].update(change.fields)
            results.append(Written(change.remote_id, True))
        return results
