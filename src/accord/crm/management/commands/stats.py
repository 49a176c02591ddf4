import json

from django.core.management.base import BaseCommand

from accord.crm.models import LifecycleStage, PipelineStage
from accord.crm.selectors import get_database_stats


class Command(BaseCommand):
    help = (
        "Counts of accounts, people by lifecycle stage, opportunities, campaigns and touchpoints "
        "(live records; those a CRM deleted or merged away are counted apart, as archived)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options):
        stats = get_database_stats()
        if options["json"]:
            self.stdout.write(json.dumps(stats.as_dict(), indent=2))
            return
        out = self.stdout.write
        out(f"Accounts       {stats.accounts:>10,}")
        out(f"People         {stats.people:>10,}")
        for stage, n in stats.people_by_stage.items():
            out(f"  {LifecycleStage(stage).label:<28} {n:>10,}")
        out(
            f"Opportunities  {stats.opportunities:>10,}  "
            f"(open {stats.opportunities_open:,}, won {stats.opportunities_won:,}, "
            f"lost {stats.opportunities_lost:,})"
        )
        for stage, n in stats.opportunities_by_stage.items():
            out(f"  {PipelineStage(stage).label:<28} {n:>10,}")
        out(f"Campaigns      {stats.campaigns:>10,}")
        out(f"Touchpoints    {stats.touchpoints:>10,}")
        archived = ", ".join(f"{n:,} {name}" for name, n in stats.archived.items())
        out(f"Archived       {sum(stats.archived.values()):>10,}  ({archived})")
