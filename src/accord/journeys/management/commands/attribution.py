from django.core.management.base import BaseCommand, CommandError

from accord.attribution import InputError, paths_from_touchpoints
from accord.attribution.command import Models, add_arguments, read_file, run_models, write
from accord.journeys.selectors import journey_touchpoints


class Command(BaseCommand):
    help = (
        "Credit conversions and value to channels or campaigns with rule-based, Markov, "
        "Shapley and counterfactual models, from the Accord database or from a paths or "
        "touchpoints file."
    )

    def add_arguments(self, parser):
        add_arguments(parser)

    def handle(self, *args, **options):
        try:
            models = Models.named(
                options["model"],
                order=options["order"],
                half_life=options["half_life"],
                bootstrap=options["bootstrap"],
                seed=options["seed"],
            )
            report = run_models(self._paths(options, models), models)
            if report.skipped:
                self.stderr.write(
                    f"skipped {', '.join(report.skipped)}: the input has no stage markers"
                )
            for note in report.notes:
                self.stderr.write(note)
            write(report, options["out"], options["transition_matrix"], self.stdout)
        except (InputError, ValueError) as exc:
            raise CommandError(str(exc)) from None

    def _paths(self, options, models: Models):
        if options["paths"] or options["touchpoints"]:
            return read_file(
                options["paths"],
                options["touchpoints"],
                sep=options["sep"],
                models=models,
                engine=options["engine"],
                memory_limit=options["memory_limit"],
                spark_remote=options["spark_remote"],
            )
        if options["engine"] != "polars":
            raise InputError(f"--engine {options['engine']} groups raw touches from --touchpoints")
        frame = journey_touchpoints(
            by=options["by"],
            conversion=options["conversion"],
            lookback_days=options["lookback_days"],
            journey=options["journey"],
        )
        if not len(frame):
            raise InputError("the database has no touchpoints in the lookback window")
        return paths_from_touchpoints(frame, with_ages=models.needs_ages())
