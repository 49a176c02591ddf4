"""The shared database: accounts, people, opportunities and the lifecycle history."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from accord.money import money_field, rate_field


class LifecycleStage(models.TextChoices):
    """The funnel both teams share, in order."""

    SUBSCRIBER = "subscriber", "Subscriber"
    LEAD = "lead", "Lead"
    MQL = "mql", "Marketing qualified lead"
    SAL = "sal", "Sales accepted lead"
    SQL = "sql", "Sales qualified lead"
    OPPORTUNITY = "opportunity", "Opportunity"
    CUSTOMER = "customer", "Customer"
    EVANGELIST = "evangelist", "Evangelist"
    OTHER = "other", "Other"
    DISQUALIFIED = "disqualified", "Disqualified"


FUNNEL_ORDER = [stage.value for stage in LifecycleStage][:8]


class Seniority(models.TextChoices):
    ENTRY = "entry", "Entry"
    MANAGER = "manager", "Manager"
    DIRECTOR = "director", "Director"
    VP = "vp", "Vice president"
    EXECUTIVE = "executive", "C-level / owner"
    UNKNOWN = "", "Unknown"


class Account(models.Model):
    name = models.CharField(max_length=255)
    domain = models.CharField(max_length=255, blank=True, default="")
    industry = models.CharField(max_length=100, blank=True, default="")
    employee_count = models.PositiveIntegerField(null=True, blank=True)
    region = models.CharField(max_length=100, blank=True, default="")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_accounts",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Deleted or merged away in a CRM: kept with its history (touches, handoffs, credit, the
    # audit trail) and left off the lists; `merged_into` the record it lives on as.
    archived_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        # the accounts list by name, its first page read from an index
        indexes = [models.Index(fields=["name", "id"], name="account_name_idx")]
        constraints = [
            models.UniqueConstraint(
                Lower("domain"),
                name="account_domain_ci_unique",
                condition=~models.Q(domain=""),
            )
        ]

    def __str__(self):
        return self.name


class Person(models.Model):
    email = models.EmailField(max_length=254)
    first_name = models.CharField(max_length=100, blank=True, default="")
    last_name = models.CharField(max_length=100, blank=True, default="")
    title = models.CharField(max_length=200, blank=True, default="")
    seniority = models.CharField(max_length=16, choices=Seniority.choices, blank=True, default="")
    is_decision_maker = models.BooleanField(default=False)
    phone = models.CharField(max_length=50, blank=True, default="")
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_people",
    )
    lifecycle_stage = models.CharField(
        max_length=16, choices=LifecycleStage.choices, default=LifecycleStage.LEAD
    )
    lead_status = models.CharField(max_length=50, blank=True, default="")
    original_source = models.CharField(max_length=100, blank=True, default="")
    # Sales rejected them and they went back to nurture: not an MQL again before this moment
    # (the agreement's `sla.recycle.after_days` after the rejection).
    recycled_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Deleted or merged away in a CRM: kept with its history (touches, handoffs, credit, the
    # audit trail) and left off the lists; `merged_into` the record it lives on as.
    archived_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "people"
        # A person a CRM holds without an e-mail (HubSpot allows it) has a blank one, and many may.
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="person_email_ci_unique"
            )
        ]
        indexes = [
            models.Index(fields=["lifecycle_stage"]),
            models.Index(fields=["owner"]),
            # The people list, newest first: its first page read backwards from an index
            # instead of sorting a million rows. (An index by name made finding "garc" take
            # 13 s: PostgreSQL walked it, filtering every row, to give the first ten by name.)
            models.Index(fields=["created_at", "id"], name="person_created_idx"),
            # the few people the CRM deleted, which the inbox leaves out without a join
            models.Index(
                fields=["id"], condition=Q(archived_at__isnull=False), name="person_archived"
            ),
            # the live MQLs, read from the index alone to count the pool no rep holds
            models.Index(
                fields=["id"],
                condition=Q(lifecycle_stage="mql", archived_at__isnull=True),
                name="person_live_mql",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name} <{self.email}>".strip()

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def waits_out_recycling(self, at: dt.datetime) -> bool:
        """Whether, at `at`, they still wait out the pause after sales rejected them."""
        return self.recycled_until is not None and self.recycled_until > at


# Who may become an MQL at a moment (the one parameter): everybody but the people sales
# rejected who still wait out their recycle pause. As SQL for the bulk writers' own statements.
RECYCLE_WAIT_OVER_SQL = "(recycled_until IS NULL OR recycled_until <= %s)"


class LifecycleChange(models.Model):
    """One move of a person between funnel stages. Written only by crm.services."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="lifecycle_changes")
    from_stage = models.CharField(max_length=16, choices=LifecycleStage.choices, blank=True)
    to_stage = models.CharField(max_length=16, choices=LifecycleStage.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    reason = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["person", "changed_at"]),
            models.Index(fields=["to_stage", "changed_at"]),
        ]
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.from_stage or '-'} → {self.to_stage} ({self.changed_at:%Y-%m-%d})"


class StagesReached(models.Model):
    """A rollup kept by `crm.rollups`: when each person first reached each funnel stage, with
    the cohort day and segment the dashboard filters on. `person_id` is no foreign key, so the
    row of a deleted person is still there to take out of `FunnelCount`."""

    person_id = models.BigIntegerField(primary_key=True)
    created_on = models.DateField()
    region = models.CharField(max_length=100, blank=True, default="")
    industry = models.CharField(max_length=100, blank=True, default="")
    furthest = models.PositiveSmallIntegerField()  # index in FUNNEL_ORDER, history or stage now
    # first move into each stage of FUNNEL_ORDER, in order (s0 subscriber ... s7 evangelist)
    s0 = models.DateTimeField(null=True)
    s1 = models.DateTimeField(null=True)
    s2 = models.DateTimeField(null=True)
    s3 = models.DateTimeField(null=True)
    s4 = models.DateTimeField(null=True)
    s5 = models.DateTimeField(null=True)
    s6 = models.DateTimeField(null=True)
    s7 = models.DateTimeField(null=True)

    class Meta:
        # velocity reads the people who first reached a stage in a period
        indexes = [models.Index(fields=[f"s{i}"], name=f"stages_reached_s{i}") for i in range(1, 8)]

    def __str__(self):
        return f"person {self.person_id}: furthest stage {FUNNEL_ORDER[self.furthest]}"


class FunnelCount(models.Model):
    """A rollup kept by `crm.rollups`: how many people created on a day (UTC) in a segment got
    no further in the funnel than a stage."""

    day = models.DateField()
    region = models.CharField(max_length=100, blank=True, default="")
    industry = models.CharField(max_length=100, blank=True, default="")
    furthest = models.PositiveSmallIntegerField()
    people = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "region", "industry", "furthest"], name="funnel_count_key"
            )
        ]

    def __str__(self):
        return f"{self.people} created {self.day} got to {FUNNEL_ORDER[self.furthest]}"


class PipelineStage(models.TextChoices):
    QUALIFICATION = "qualification", "Qualification"
    DISCOVERY = "discovery", "Discovery"
    PROPOSAL = "proposal", "Proposal"
    NEGOTIATION = "negotiation", "Negotiation"
    CLOSED_WON = "closed_won", "Closed won"
    CLOSED_LOST = "closed_lost", "Closed lost"


class Opportunity(models.Model):
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunities"
    )
    primary_contact = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunities"
    )
    name = models.CharField(max_length=255)
    amount = money_field(null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    stage = models.CharField(
        max_length=20, choices=PipelineStage.choices, default=PipelineStage.QUALIFICATION
    )
    created_date = models.DateField(default=timezone.localdate)
    close_date = models.DateField(null=True, blank=True)
    lost_reason = models.CharField(max_length=255, blank=True, default="")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_opportunities",
    )
    # Deleted or merged away in a CRM: kept with its history (touches, handoffs, credit, the
    # audit trail) and left off the lists; `merged_into` the record it lives on as.
    archived_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "opportunities"
        indexes = [models.Index(fields=["stage"])]

    def __str__(self):
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.stage in (PipelineStage.CLOSED_WON, PipelineStage.CLOSED_LOST)

    @property
    def is_won(self) -> bool:
        return self.stage == PipelineStage.CLOSED_WON


class DealContact(models.Model):
    """A person's part in a deal as the CRM names it (Salesforce's OpportunityContactRole: the
    role, and whether it is the primary one), so everyone on a deal is known, not only the
    primary contact the deal names (`Opportunity.primary_contact`, whose touches the person
    journey credits)."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="contact_roles"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="deal_roles")
    role = models.CharField(max_length=100, blank=True, default="")
    is_primary = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "person"], name="deal_contact_unique")
        ]

    def __str__(self):
        return f"{self.person_id} as {self.role or 'a contact'} of deal {self.opportunity_id}"


class SourceRecord(models.Model):
    """The id a record has in another system (HubSpot, Salesforce), so later imports match it."""

    class ObjectType(models.TextChoices):
        ACCOUNT = "account", "Account"
        PERSON = "person", "Person"
        OPPORTUNITY = "opportunity", "Opportunity"
        CAMPAIGN = "campaign", "Campaign"

    system = models.CharField(max_length=32)
    object_type = models.CharField(max_length=16, choices=ObjectType.choices)
    external_id = models.CharField(max_length=64)
    object_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["system", "object_type", "external_id"], name="source_record_unique"
            )
        ]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.system} {self.object_type} {self.external_id}"


class ExchangeRate(models.Model):
    """What one unit of `currency` was worth in `quote_currency` on `day`. Money is converted to
    the reporting currency at the latest rate kept on or before the day that counts (a deal's
    close date)."""

    day = models.DateField()
    currency = models.CharField(max_length=3)
    quote_currency = models.CharField(max_length=3)
    rate = rate_field()

    class Meta:
        ordering = ["-day", "currency", "quote_currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "quote_currency", "day"], name="one_rate_per_day"
            ),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="rate_positive"),
        ]

    def __str__(self):
        return f"1 {self.currency} = {self.rate} {self.quote_currency} on {self.day}"
