"""The handoff: routing rules an admin orders, and each MQL handed to a rep with its SLA clocks."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from accord.crm.models import Person
from accord.teams.models import Team


class RoutingRule(models.Model):
    """One step of routing. Rules are tried in `position` order; the first that finds a rep wins.

    A territory rule matches the lead's account on region, industry and company size (an empty
    filter matches anything) and shares its leads among its members by weighted round robin;
    a round-robin rule does the same for every lead that reaches it.
    """

    class Kind(models.TextChoices):
        ACCOUNT_OWNER = "account_owner", "Account owner"
        TERRITORY = "territory", "Territory"
        ROUND_ROBIN = "round_robin", "Round robin"

    position = models.PositiveIntegerField()
    name = models.CharField(max_length=100, blank=True, default="")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="routing_rules")
    regions = models.CharField(
        max_length=500, blank=True, default="", help_text="Comma-separated; empty matches any"
    )
    industries = models.CharField(
        max_length=500, blank=True, default="", help_text="Comma-separated; empty matches any"
    )
    employees_min = models.PositiveIntegerField(null=True, blank=True)
    employees_max = models.PositiveIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(employees_min__isnull=True)
                | Q(employees_max__isnull=True)
                | Q(employees_min__lte=models.F("employees_max")),
                name="routing_rule_employee_range",
            )
        ]

    def __str__(self):
        return f"{self.position}. {self.label}"

    @property
    def region_list(self) -> list[str]:
        return _split(self.regions)

    @property
    def industry_list(self) -> list[str]:
        return _split(self.industries)

    @property
    def label(self) -> str:
        """How the rule is named to a rep: 'Territory EMEA · Software · 50–500 employees'."""
        if self.kind != self.Kind.TERRITORY:
            return self.name or self.get_kind_display()
        parts = [", ".join(self.region_list), ", ".join(self.industry_list), self._size_label()]
        return "Territory " + (" · ".join(p for p in parts if p) or self.name or "any")

    def _size_label(self) -> str:
        low, high = self.employees_min, self.employees_max
        if low is not None and high is not None:
            return f"{low}–{high} employees"
        if low is not None:
            return f"{low}+ employees"
        if high is not None:
            return f"up to {high} employees"
        return ""


def _split(values: str) -> list[str]:
    return [v.strip() for v in values.split(",") if v.strip()]


class RoutingMember(models.Model):
    """A rep taking part in a rule's round robin, with a weight and an optional capacity."""

    rule = models.ForeignKey(RoutingRule, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_memberships"
    )
    weight = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Most open handoffs this rep may hold; empty = no cap"
    )
    assigned_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "user"], name="routing_member_once_per_rule"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="routing_member_weight_min"),
        ]

    def __str__(self):
        return f"{self.user} in {self.rule} (weight {self.weight})"


class SlaClock(models.TextChoices):
    """A handoff's two SLA clocks, named as its columns are (`<clock>_due_at`,
    `<clock>_breached_at`, `<clock>_warned_at`) and labelled as alerts name them."""

    FIRST_TOUCH = "first_touch", "first touch"
    DECISION = "decision", "accept or reject"


class RejectReason(models.TextChoices):
    NOT_DECISION_MAKER = "not_decision_maker", "Not a decision maker"
    NO_BUDGET = "no_budget", "No budget"
    BAD_TIMING = "bad_timing", "Bad timing"
    WRONG_FIT = "wrong_fit", "Wrong fit"
    BAD_CONTACT_DATA = "bad_contact_data", "Bad contact data"
    COMPETITOR = "competitor", "Competitor"
    ALREADY_CUSTOMER = "already_customer", "Already a customer"
    DUPLICATE = "duplicate", "Duplicate"
    OTHER = "other", "Other"


def next_due():
    """The deadline of a lead's next running clock, None once both have stopped: the inbox's
    urgency, and the expression its indexes hold (the order matches the index only if the
    expressions are the same)."""
    return models.Case(
        models.When(first_touched_at__isnull=True, then=models.F("first_touch_due_at")),
        models.When(decided_at__isnull=True, then=models.F("decision_due_at")),
        default=None,
        output_field=models.DateTimeField(),
    )


def _by_urgency(owner: str, name: str) -> models.Index:
    """Open leads of a team or a rep, most urgent first as the inbox lists them: its first page
    is read from the index instead of sorting every open lead, and its counts by status and
    clock from the index alone (the columns they read are included), not from the table."""
    return models.Index(
        models.F(owner),
        next_due(),
        models.F("handed_off_at").desc(),
        models.F("id").desc(),
        condition=Q(status__in=["assigned", "accepted"]),
        include=CLOCK_COLUMNS,
        name=name,
    )


CLOCK_COLUMNS = [
    "status",
    "person",
    "first_touched_at",
    "decided_at",
    "first_touch_due_at",
    "decision_due_at",
]


class Handoff(models.Model):
    """An MQL handed to one rep, with the stored deadlines of the SLA.

    Open while assigned or accepted; a reassignment closes this row and opens a new one for the
    new rep that keeps the original clocks.
    """

    class Status(models.TextChoices):
        ASSIGNED = "assigned", "Assigned"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        CONVERTED = "converted", "Converted"
        REASSIGNED = "reassigned", "Reassigned"

    OPEN = (Status.ASSIGNED, Status.ACCEPTED)

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="handoffs")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handoffs"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="handoffs")
    rule = models.ForeignKey(
        RoutingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="handoffs"
    )
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next"
    )
    reason = models.CharField(max_length=255, help_text="Why this rep got the lead")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ASSIGNED)
    agreement_version = models.PositiveIntegerField(null=True, blank=True)

    handed_off_at = models.DateTimeField(help_text="When the lead was routed: its clocks start")
    captured_at = models.DateTimeField(
        null=True, blank=True, help_text="When the capture that made the lead an MQL arrived"
    )
    first_touch_due_at = models.DateTimeField()
    first_touched_at = models.DateTimeField(null=True, blank=True)
    decision_due_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    reject_reason = models.CharField(
        max_length=32, choices=RejectReason.choices, blank=True, default=""
    )
    comment = models.TextField(blank=True, default="")

    # When the rep was told the clock runs out within two working hours: once per clock.
    first_touch_warned_at = models.DateTimeField(null=True, blank=True)
    decision_warned_at = models.DateTimeField(null=True, blank=True)
    first_touch_breached_at = models.DateTimeField(null=True, blank=True)
    decision_breached_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-handed_off_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["assigned", "accepted"]),
                name="handoff_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="handoff_rejected_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["assigned_to", "status"], name="handoff_inbox"),
            # the SLA's rollup works out a day's handoffs again (`handoff.rollups`)
            models.Index(fields=["handed_off_at"], name="handoff_handed_off_at"),
            models.Index(fields=["team", "status"], name="handoff_team_inbox"),
            models.Index(
                fields=["first_touch_due_at"],
                condition=Q(
                    status__in=["assigned", "accepted"],
                    first_touched_at__isnull=True,
                    first_touch_breached_at__isnull=True,
                ),
                name="handoff_first_touch_due",
            ),
            models.Index(
                fields=["decision_due_at"],
                condition=Q(
                    status__in=["assigned", "accepted"],
                    decided_at__isnull=True,
                    decision_breached_at__isnull=True,
                ),
                name="handoff_decision_due",
            ),
            _by_urgency("team", "handoff_team_by_urgency"),
            _by_urgency("assigned_to", "handoff_rep_by_urgency"),
        ]

    def __str__(self):
        return f"{self.person} → {self.assigned_to} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class SlaDay(models.Model):
    """A rollup kept by `handoff.rollups`: the handoffs of a day (UTC) in a segment (the region
    and industry of the lead's account) that count for the SLA, those not passed on to another
    rep, and how many of them had their first touch and their decision in time."""

    day = models.DateField()
    region = models.CharField(max_length=100, blank=True, default="")
    industry = models.CharField(max_length=100, blank=True, default="")
    handoffs = models.IntegerField()
    touched = models.IntegerField()  # first touched by the deadline
    decided = models.IntegerField()  # decided by the deadline

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "region", "industry"], name="sla_day_key")
        ]

    def __str__(self):
        return f"{self.handoffs} handoffs on {self.day}"
