"""What the sync engine asks of a CRM. One connector per CRM (HubSpot, Salesforce) speaks the
vendor's API through its official client and hands the engine plain records whose fields carry
Accord's names and the CRM's values as text; the engine maps, writes, counts and resumes.

A cursor is a JSON object only the connector reads. The engine stores the cursor a page comes
with in the same transaction as that page's records, and hands the last stored one back on the
next call, so a sync stopped at any moment goes on after the last page written."""

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

Cursor = dict


class ObjectType(enum.StrEnum):
    """The Accord record a CRM object becomes (crm.SourceRecord's object types)."""

    ACCOUNT = "account"
    PERSON = "person"
    OPPORTUNITY = "opportunity"
    CAMPAIGN = "campaign"
    TOUCHPOINT = "touchpoint"  # a campaign's member, as a touch of that campaign
    ACTIVITY = "activity"  # a call or meeting logged in the CRM, as a sales touch
    DEAL_CONTACT = "deal_contact"  # a person's role in a deal (the primary one names its contact)


@dataclass(frozen=True)
class SyncObject:
    """One CRM object the connector pulls, in the order pulled (accounts before the people and
    deals that point at them). `name` is the CRM's (contacts, Lead, Opportunity)."""

    name: str
    becomes: ObjectType
    label: str  # for the page and the progress bar: "contacts", "leads"
    # The Accord fields (crm_sync.fields) the CRM's object has, pulled or written back; None:
    # every one. The ownership table on the sync page lists these alone.
    fields: frozenset[str] | None = None

    def exchanges(self, field: str) -> bool:
        return self.fields is None or field in self.fields


@dataclass(frozen=True)
class DealRole:
    """A contact of a deal and the part the CRM names them for ("Decision maker"; '' for none)."""

    person: str  # the contact's CRM id
    role: str = ""


@dataclass(frozen=True)
class RemoteRecord:
    """A CRM record: its id and its fields under Accord's names (crm_sync.fields), values as the
    CRM writes them ('' for empty). Links to other records are the other record's CRM id under
    `account`, `primary_contact`; an owner is the owner's e-mail under `owner`; when the CRM
    made the record, under `created_at` (ISO 8601 or milliseconds; a new record takes it).

    A deal whose CRM gives its contacts with it (HubSpot's associations) has every one of them
    under `contacts`, the one it names under `primary_contact` first; None: the CRM keeps them
    apart (Salesforce's OpportunityContactRole, an object of its own)."""

    remote_id: str
    fields: dict[str, str]
    contacts: tuple[DealRole, ...] | None = None


@dataclass(frozen=True)
class Removal:
    """A record deleted in the CRM, or merged into `merged_into` (the surviving record's id)."""

    remote_id: str
    merged_into: str | None = None


@dataclass(frozen=True)
class Page:
    """Records pulled in one request, removals seen, and the cursor that goes on after them."""

    cursor: Cursor
    records: Sequence[RemoteRecord] = ()
    removals: Sequence[Removal] = ()
    total: int | None = None  # how many the whole pull has, when the CRM says (progress bar)


@dataclass(frozen=True)
class Change:
    """Fields to write to one CRM record: Accord's names, values as `outbound` gave them."""

    remote_id: str
    fields: dict[str, str]


@dataclass(frozen=True)
class Written:
    """What happened to one Change: written, or refused with the CRM's reason."""

    remote_id: str
    ok: bool
    reason: str = ""


class CrmUnreachable(Exception):
    """The CRM refused the credentials or kept failing: the run stops and the page says why."""


class Connector(Protocol):
    objects: Sequence[SyncObject]

    def pull(self, obj: SyncObject, cursor: Cursor, *, full: bool) -> Iterator[Page]:
        """Pages of records changed since `cursor` (every record when `full` or the cursor is
        empty), then pages of removals since it. Each page's cursor includes the earlier
        pages'. Raises CrmUnreachable when the CRM cannot be reached or refuses the token."""
        ...

    def outbound(self, obj: SyncObject, field: str, value: object) -> str | None:
        """An Accord value as the CRM writes it (a stage in the CRM's words, a time in its
        format): what is compared with the value last exchanged, and what is written. None:
        the CRM cannot hold it (an Accord owner with no user in the CRM); nothing is written."""
        ...

    def prepare_push(self, obj: SyncObject, fields: Sequence[str]) -> dict[str, str]:
        """Make ready to write these fields (HubSpot creates missing properties); returns the
        fields that cannot be written, each with the reason (a missing Salesforce custom
        field, with the metadata to create it)."""
        ...

    def push(self, obj: SyncObject, changes: Sequence[Change]) -> list[Written]:
        """Write a batch; one result per change, a refused record never refusing the rest."""
        ...
