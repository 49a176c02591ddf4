"""The mark that the database holds the demo company, so `accord demo` never duplicates it."""

from django.db import models
from django.utils import timezone


class DemoDataset(models.Model):
    """One generated demo company. `completed_at` stays empty while (or if) a load is unfinished."""

    seed = models.BigIntegerField()
    size = models.CharField(max_length=16)
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"demo company (seed {self.seed}, {self.size})"
