from django.core.management.base import BaseCommand, CommandError

from accord.imports.mappings import MappingRefused, do_set_mapping
from accord.imports.models import ValueMapping


class Command(BaseCommand):
    help = (
        "The values of a CRM that Accord does not know, mapped to Accord's for every import: "
        '`mappings set KIND "SOURCE VALUE" ACCORD_VALUE`, `mappings list`.'
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        set_ = actions.add_parser("set", help="map a source value to an Accord value")
        set_.add_argument("kind", choices=ValueMapping.Kind.values)
        set_.add_argument("source_value")
        set_.add_argument("accord_value")
        actions.add_parser("list", help="every mapping kept")

    def handle(self, *args, **options):
        if options["action"] == "set":
            try:
                mapping = do_set_mapping(
                    options["kind"], options["source_value"], options["accord_value"]
                )
            except MappingRefused as refused:
                raise CommandError(str(refused)) from None
            self.stdout.write(f"{mapping.kind} {mapping.source_value!r} -> {mapping.accord_value}")
            return
        for mapping in ValueMapping.objects.order_by("kind", "key"):
            self.stdout.write(
                f"{mapping.kind:<16} {mapping.source_value!r:<40} -> {mapping.accord_value}"
            )
