"""Imports started from the web page: the uploaded file is checked first (a dry run), and only a
check that found nothing wrong can be confirmed; the worker runs both, so a large file never
holds a web request open."""

from django.conf import settings
from django.db import models


class ImportStatus(models.TextChoices):
    """Where a check or an import of an uploaded file is."""

    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed"


class ImportRun(models.Model):
    class Mode(models.TextChoices):
        CHECK = "check", "Check"
        IMPORT = "import", "Import"

    Status = ImportStatus

    FINISHED = (Status.DONE, Status.REFUSED, Status.FAILED)

    file_name = models.CharField(max_length=255, help_text="the name the file was uploaded with")
    stored_as = models.CharField(max_length=255, help_text="the upload, under the data folder")
    size_bytes = models.BigIntegerField()
    mode = models.CharField(max_length=8, choices=Mode.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    check_run = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_run",
        help_text="the check this import confirmed",
    )
    options = models.JSONField(
        default=dict,
        blank=True,
        help_text="how to read the file: date_format, time_zone, sheet (ReadOptions)",
    )
    format_name = models.CharField(max_length=64, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.IntegerField(default=0)
    notes = models.JSONField(
        default=list, blank=True, help_text="rows skipped (a report's footer) or merged, and why"
    )
    unknown_values = models.JSONField(
        default=list,
        blank=True,
        help_text="values no mapping names (UnknownValue), mapped on the check's page",
    )
    kept_campaigns = models.JSONField(
        default=list,
        blank=True,
        help_text="campaigns of a member file with no row in it whose touches are kept "
        "(KeptCampaign); on the check's page the user may say every member was removed",
    )
    message = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.get_mode_display()} of {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def confirmable(self) -> bool:
        """A check that found nothing wrong and was not confirmed yet."""
        return (
            self.mode == self.Mode.CHECK
            and self.status == self.Status.DONE
            and not hasattr(self, "import_run")
        )


class MappingKind(models.TextChoices):
    """Which of a CRM's own values a mapping translates."""

    LIFECYCLE_STAGE = "lifecycle_stage", "Lifecycle stage"
    LEAD_STATUS = "lead_status", "Lead status"
    DEAL_STAGE = "deal_stage", "Deal stage"
    OWNER = "owner", "Owner"
    SOURCE = "source", "Source"


class ValueMapping(models.Model):
    """A value of a CRM's own (a custom lifecycle stage, a deal stage of another pipeline) and the
    Accord value it becomes, for this and every later import."""

    Kind = MappingKind

    kind = models.CharField(max_length=16, choices=Kind.choices)
    pipeline = models.CharField(
        max_length=255,
        blank=True,
        default="",
        help_text="a deal stage's pipeline as the export writes it; blank for every pipeline",
    )
    pipeline_key = models.CharField(max_length=255, blank=True, default="", editable=False)
    source_value = models.CharField(max_length=255, help_text="as the export writes it")
    key = models.CharField(
        max_length=255, editable=False, help_text="the source value without case or punctuation"
    )
    accord_value = models.CharField(max_length=255, help_text="what Accord stores for it")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "pipeline_key", "key"], name="value_mapping_unique"
            )
        ]
        ordering = ["kind", "pipeline_key", "key"]

    def __str__(self):
        where = f" in pipeline {self.pipeline!r}" if self.pipeline else ""
        return f"{self.get_kind_display()} {self.source_value!r}{where} → {self.accord_value}"


class CampaignMembership(models.Model):
    """A person's membership of a campaign as a CRM export last listed it, and the touch it
    made: a member absent from a later export of that campaign's members was removed in the
    CRM, and its touch is archived."""

    campaign = models.ForeignKey("touchpoints.Campaign", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("crm.Person", on_delete=models.CASCADE, related_name="+")
    touch = models.ForeignKey(
        "touchpoints.Touchpoint", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="campaign_membership_once")
        ]

    def __str__(self):
        return f"{self.person_id} in campaign {self.campaign_id}"
