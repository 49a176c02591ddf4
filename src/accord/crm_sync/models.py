"""Keeping Accord in step with a company's CRM: one connection per CRM, a cursor per object,
a row per run with what it pulled, pushed and skipped, who owns each field, and the values last
exchanged with the CRM per record (so nothing is echoed back)."""

from django.conf import settings
from django.db import models

from accord.crm_sync.secrets import decrypt, encrypt, masked


class Side(models.TextChoices):
    CRM = "crm", "The CRM"
    ACCORD = "accord", "Accord"


class Connection(models.Model):
    class Kind(models.TextChoices):
        # the same names as SourceRecord.system, so imports and the sync share record ids
        HUBSPOT = "hubspot", "HubSpot"
        SALESFORCE = "salesforce", "Salesforce"

    kind = models.CharField(max_length=16, choices=Kind.choices, unique=True)
    base_url = models.URLField(
        blank=True, help_text="the API's address; blank: the setting, else the vendor's"
    )
    secret_encrypted = models.TextField(blank=True, editable=False)
    options = models.JSONField(
        default=dict, blank=True, help_text="what else the CRM needs (Salesforce's OAuth client)"
    )
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    connected_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, help_text="why the last run could not reach the CRM")

    class Meta:
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()

    @property
    def secret(self) -> str:
        return decrypt(self.secret_encrypted) if self.secret_encrypted else ""

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = encrypt(value) if value else ""

    @property
    def masked_secret(self) -> str:
        return masked(self.secret)


class Cursor(models.Model):
    """How far the pull of one object got: whatever its connector needs to go on (a page token,
    the last modified time seen). Written in the transaction of the page it follows."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="cursors")
    object = models.CharField(max_length=40)
    value = models.JSONField(default=dict, blank=True)
    # Where the last complete write-back of the object began, and the fields it wrote: the
    # next one looks at what changed since ({"began": ISO time, "fields": [...]}).
    pushed = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "object"], name="sync_cursor_unique")
        ]

    def __str__(self):
        return f"{self.connection} {self.object}"


class SyncRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="runs")
    full = models.BooleanField(default=False, help_text="everything pulled again, not only changes")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField()
    # written with every page: a running run not heard of for a while was stopped (killed)
    beat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # object -> {"pulled": n, "pushed": n, "removed": n, "skipped": n}
    counts = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True, help_text="why the run stopped, when it failed")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["connection", "-started_at"])]

    def __str__(self):
        return f"{self.connection} sync at {self.started_at:%Y-%m-%d %H:%M}"


class SyncProblem(models.Model):
    """A record the run skipped or could not write back, and why."""

    class Direction(models.TextChoices):
        PULL = "pull", "Not taken"
        PUSH = "push", "Not written back"

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="problems")
    object = models.CharField(max_length=40)
    direction = models.CharField(max_length=4, choices=Direction.choices)
    remote_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.object} {self.remote_id}: {self.reason}"


class FieldOwner(models.Model):
    """An admin's choice of which side owns a field, over the default (crm_sync.fields)."""

    kind = models.CharField(max_length=16, choices=Connection.Kind.choices)
    object = models.CharField(max_length=40)
    field = models.CharField(max_length=40)
    owner = models.CharField(max_length=8, choices=Side.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object", "field"], name="field_owner_unique")
        ]

    def __str__(self):
        return f"{self.kind} {self.object}.{self.field}: {self.owner}"


class SyncedRecord(models.Model):
    """One CRM record as Accord last exchanged it: the Accord record it is, and for each field
    the value (as the CRM writes it) last pulled from or pushed to the CRM. A value equal to
    this one is never written back, so a value that came from the CRM is never echoed."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    object = models.CharField(max_length=40)
    remote_id = models.CharField(max_length=64)
    local_id = models.BigIntegerField()
    values = models.JSONField(default=dict)
    # when a pull last changed what was exchanged (or linked it): the write-back looks at the
    # records pulled since its last look, beside those Accord changed since
    exchanged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "object", "remote_id"], name="synced_record_unique"
            )
        ]
        indexes = [
            models.Index(fields=["connection", "object", "local_id"]),
            models.Index(
                fields=["connection", "object", "exchanged_at"], name="synced_record_exchanged"
            ),
        ]

    def __str__(self):
        return f"{self.object} {self.remote_id} → {self.local_id}"
