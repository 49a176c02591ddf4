"""Versions of the signed agreement between Marketing and Sales, and the scores they give."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accord.scoring import (
    AgreementDocument,
    Contribution,
    check_document,
    contributions_from_codes,
)


class AgreementVersion(models.Model):
    """A version: draft until both heads sign, then in force, then superseded."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_FORCE = "in_force", "In force"
        SUPERSEDED = "superseded", "Superseded"

    number = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafts",
        help_text="The version in force when this draft was made",
    )
    document_data = models.JSONField(help_text="Written only through AgreementDocument")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    took_effect_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    # A score keeps the version that last changed it (a version scoring a person as the one
    # before did leaves the score alone), so this, not the scores, says who was scored under it.
    everybody_scored_at = models.DateTimeField(
        null=True, blank=True, help_text="When everybody was last scored under this version"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="in_force"), name="one_agreement_in_force"
            )
        ]

    def __str__(self):
        return f"Agreement v{self.number} ({self.get_status_display()})"

    @property
    def document(self) -> AgreementDocument:
        return check_document(self.document_data)

    @document.setter
    def document(self, doc: AgreementDocument) -> None:
        self.document_data = doc.model_dump(mode="json", by_alias=True)


class Signature(models.Model):
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="signatures"
    )
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team_kind = models.CharField(max_length=16)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "team_kind"], name="one_signature_per_team")
        ]

    def __str__(self):
        return f"v{self.version.number} signed by {self.signer} ({self.team_kind})"


class Comment(models.Model):
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.author} on v{self.version_id}: {self.body[:40]}"


class AgreementEvent(models.Model):
    """The audit history: every change and signature, written by agreement.services."""

    class Kind(models.TextChoices):
        CREATED = "created", "Draft created"
        EDITED = "edited", "Draft edited"
        COMMENTED = "commented", "Commented"
        SIGNED = "signed", "Signed"
        TOOK_EFFECT = "took_effect", "Took effect"

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    detail = models.TextField(blank=True, default="", help_text="e.g. the diff of an edit")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["version", "at"])]

    def __str__(self):
        return f"v{self.version_id} {self.kind} at {self.at:%Y-%m-%d %H:%M}"


class LeadScore(models.Model):
    """A person's latest score under the agreement in force, with the rules behind it.

    `version` and `scored_at` say which version last changed it and when: a new version that
    scores the person exactly as before (the same points from rules of the same names) leaves
    the score as it is, and the explanation reads the same under either.

    No index but the key: every read is by person, and with none on the score's parts
    PostgreSQL updates a changed score in place (a heap-only update, in the half of each page
    the table keeps free, migration 0005), about twice as quick as with the index of MQLs by
    grade and total that nothing read.
    """

    person = models.OneToOneField(
        "crm.Person", primary_key=True, on_delete=models.CASCADE, related_name="lead_score"
    )
    # No index and no database constraint: a new version rewrites this for every person, and
    # each would be rewritten or checked at commit, a large share of a rescore of everybody.
    # Versions are never deleted (PROTECT still guards it).
    version = models.ForeignKey(
        AgreementVersion,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    fit = models.IntegerField()
    fit_grade = models.CharField(max_length=1)
    engagement = models.IntegerField()
    total = models.IntegerField()
    is_mql = models.BooleanField()
    disqualified_reason = models.CharField(max_length=32, blank=True, default="")
    contributions = models.TextField(
        blank=True, default="", help_text="The explanation, as `contribution_codes` writes it"
    )
    scored_at = models.DateTimeField()  # when this score last changed: equal ones are not rewritten
    # A hash of the score as written (all of the above but `scored_at`), so that a rescore
    # compares a million numbers instead of reading back a million scores. Empty for a
    # score written before it existed: that one is written again at the next rescore.
    digest = models.BigIntegerField(null=True, editable=False)

    def __str__(self):
        return f"{self.person_id}: {self.total} ({self.fit_grade})"

    @property
    def explanation(self) -> list[Contribution]:
        """The rules that gave the points, named as the version names them; they add up to the
        total."""
        return contributions_from_codes(self.contributions, self.version.document)
