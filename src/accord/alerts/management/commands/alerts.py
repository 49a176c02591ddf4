"""accord alerts list|replay: the alert deliveries and their attempts, and sending them again."""

from django.core.management.base import BaseCommand, CommandError

from accord.alerts.models import Delivery
from accord.alerts.services import do_replay


class Command(BaseCommand):
    help = "List alert deliveries, or send some again (replay)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="the latest deliveries and how they went")
        listing.add_argument("--failed", action="store_true", help="only those given up")
        listing.add_argument("--limit", type=int, default=50)
        replay = actions.add_parser("replay", help="send deliveries again under the same id")
        replay.add_argument("ids", nargs="*", type=int, metavar="DELIVERY_ID")
        replay.add_argument("--failed", action="store_true", help="every delivery given up")

    def handle(self, *, action, failed, **options):
        deliveries = Delivery.objects.select_related("alert", "endpoint").order_by("-id")
        if failed:
            deliveries = deliveries.filter(status=Delivery.Status.FAILED)
        if action == "list":
            self._list(deliveries[: options["limit"]])
            return
        if options["ids"]:
            deliveries = deliveries.filter(pk__in=options["ids"])
            missing = set(options["ids"]) - set(deliveries.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No delivery with id {', '.join(map(str, sorted(missing)))}")
        elif not failed:
            raise CommandError("Name the deliveries to replay, or --failed")
        queued = do_replay(list(deliveries))
        self.stdout.write(f"{queued} deliveries queued again; the worker sends them.")

    def _list(self, deliveries) -> None:
        for d in deliveries:
            self.stdout.write(
                f"{d.pk:>7}  {d.status:<9}  {d.attempts} tries  {d.alert.event:<13}  "
                f"{d.alert.message_id}  {d.target}"
                + (f"  last error: {d.last_error}" if d.last_error else "")
            )
