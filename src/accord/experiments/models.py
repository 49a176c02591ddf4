"""A campaign's holdout experiment: the share of its eligible audience held out, the seed that
drew them, and each person's stored arm."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Experiment(models.Model):
    """One per campaign. Assignment happens once, when it starts: `accord.attribution.experiments.
    assign_holdout` with `seed` over the eligible people by id redraws the same arms."""

    campaign = models.OneToOneField(
        "touchpoints.Campaign", on_delete=models.CASCADE, related_name="experiment"
    )
    held_out_share = models.DecimalField(max_digits=3, decimal_places=2)
    seed = models.BigIntegerField()
    minimum_effect = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="The smallest lift in conversion rate worth finding (0.02 is two points); "
        "power is reported for it, or for the observed lift when not given",
    )
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(held_out_share__gt=0, held_out_share__lte=0.5),
                name="experiment_share_in_range",
            ),
            models.CheckConstraint(condition=models.Q(seed__gte=0), name="experiment_seed_set"),
        ]

    def __str__(self):
        return f"Holdout of {self.campaign}"


class Assignment(models.Model):
    """A person's arm: held out (the campaign must not reach them) or exposed."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey("crm.Person", on_delete=models.CASCADE, related_name="+")
    stratum = models.CharField(max_length=210)
    held_out = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["experiment", "person"], name="one_arm_per_person")
        ]
        indexes = [models.Index(fields=["experiment", "held_out", "person"], name="arm_people")]

    def __str__(self):
        return f"{self.person_id} {'held out of' if self.held_out else 'exposed to'} experiment"
