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
        set_.add_argument(
            "--pipeline",
            default="",
            help="a deal stage's pipeline as the export writes it (default: every pipeline)",
        )
        actions.add_parser("list", help="every mapping kept")

    def handle(self, *args, **options):
        if options["action"] == "set":
            try:
                mapping = do_set_mapping(
                    options["kind"],
                    options["source_value"],
                    options["accord_value"],
                    pipeline=options["pipeline"],
                )
            except MappingRefused as refused:
                raise CommandError(str(refused)) from None
            self.stdout.write(f"{mapping.kind} {_named(mapping)} -> {mapping.accord_value}")
            return
        for mapping in ValueMapping.objects.all():
            self.stdout.write(f"{mapping.kind:<16} {_named(mapping):<50} -> {mapping.accord_value}")


def _named(mapping: ValueMapping) -> str:
    where = f" (pipeline {mapping.pipeline!r})" if mapping.pipeline else ""
    return f"{mapping.source_value!r}{where}"
