"""The audit trail: one row per changed field of a record, or per export; never changed later."""

from django.conf import settings
from django.db import models


class AppendOnly(Exception):
    """An audit entry was about to be changed or deleted."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Audit entries are never changed")

    def delete(self):
        raise AppendOnly("Audit entries are never deleted")


class AuditEntry(models.Model):
    class RecordType(models.TextChoices):
        """What an entry is about: the trail's search and each record's history filter on it
        (a CRM sync's records also write the type they become, `crm_sync.connector.ObjectType`)."""

        ACCOUNT = "account", "Account"
        AGREEMENT = "agreement", "Agreement"
        CAMPAIGN = "campaign", "Campaign"
        EXPERIMENT = "experiment", "Experiment"
        EXPORT = "export", "Export"
        MINDSET_ROUND = "mindset round", "Mindset round"
        OPPORTUNITY = "opportunity", "Opportunity"
        PERSON = "person", "Person"
        REWARD_PLAN = "reward_plan", "Reward plan"
        SYNC_CONNECTION = "sync_connection", "CRM sync connection"
        SYNC_FIELD_OWNER = "sync_field_owner", "CRM sync field owner"
        TOUCHPOINT = "touchpoint", "Touchpoint"
        USER = "user", "User"
        VALUE_MAPPING = "value_mapping", "Value mapping"

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        SIGNED = "signed", "Signed"
        TOOK_EFFECT = "took_effect", "Took effect"
        EXPORTED = "exported", "Exported"

    at = models.DateTimeField(db_index=True)
    # No database constraint and no cascade: a user leaving never edits the history. No index
    # of its own either: `audit_actor` (actor, at) serves every look-up by actor.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        help_text="Empty for the system: imports run from the command line, rescoring, workers",
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    record_type = models.CharField(max_length=32)
    record_id = models.CharField(max_length=64, blank=True, default="")
    field = models.CharField(max_length=64, blank=True, default="")
    old_value = models.TextField(blank=True, default="")
    new_value = models.TextField(blank=True, default="")
    reason = models.CharField(
        max_length=500, blank=True, default="", help_text="e.g. the import file, agreement version"
    )
    request_id = models.CharField(max_length=64, blank=True, default="")

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "audit entries"
        ordering = ["-at", "-id"]
        indexes = [
            # Without the time: a record's few entries are sorted on reading. A rescore adds an
            # entry for each of a quarter of a million people scattered over the index, touching
            # nearly every page of it, so its size is what the write costs.
            models.Index(fields=["record_type", "record_id"], name="audit_record_entries"),
            models.Index(fields=["actor", "at"], name="audit_actor"),
        ]

    def __str__(self):
        what = f"{self.record_type} {self.record_id}".strip()
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {what} {self.field}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Audit entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit entries are never deleted")
