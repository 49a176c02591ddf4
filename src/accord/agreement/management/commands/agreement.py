import json

from django.core.management.base import BaseCommand, CommandError

from accord.agreement.models import AgreementVersion
from accord.agreement.selectors import (
    get_agreement_in_force,
    get_version,
    get_version_diff,
    list_versions,
)
from accord.teams.models import Team, User

BACKTEST_COLUMNS = ("Month", "Version", "MQLs", "SQL", "Opportunity", "Won", "Revenue")


class Command(BaseCommand):
    help = "The agreement's versions: list them, show one as JSON, or what changed between two."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="every version, newest first, with its signatures")
        show = actions.add_parser("show", help="a version's document (default: the one in force)")
        show.add_argument("number", nargs="?", type=int)
        diff = actions.add_parser("diff", help="what changed from version A to version B")
        diff.add_argument("old", type=int)
        diff.add_argument("new", type=int)
        backtest = actions.add_parser(
            "backtest", help="replay a version on the last months beside the version in force"
        )
        backtest.add_argument("number", type=int)
        backtest.add_argument("--months", type=int, default=6, help="how many (default 6)")
        suggest = actions.add_parser(
            "suggest",
            help="fit a draft on who became an opportunity in the last months, and compare it "
            "with the version in force on people held out",
        )
        suggest.add_argument("--months", type=int, default=12, help="how many (default 12)")
        suggest.add_argument(
            "--as", dest="email", help="who proposes it (default: the marketing head)"
        )

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except AgreementVersion.DoesNotExist:
            raise CommandError("no such agreement version") from None

    def _list(self, **options):
        for version in list_versions():
            signed = ", ".join(f"{s.team_kind}: {s.signer}" for s in version.signatures.all())
            self.stdout.write(
                f"v{version.number:<4} {version.get_status_display():<11} "
                f"drafted {version.created_at:%Y-%m-%d} by {version.created_by}"
                f"{'; signed by ' + signed if signed else ''}"
            )

    def _show(self, number, **options):
        version = get_version(number) if number else get_agreement_in_force()
        if version is None:
            raise CommandError("no agreement is in force yet")
        self.stdout.write(json.dumps(version.document_data, indent=2))

    def _diff(self, old, new, **options):
        lines = get_version_diff(get_version(old), get_version(new))
        self.stdout.write("\n".join(lines) if lines else "No differences.")

    def _backtest(self, number, months, **options):
        from accord.agreement.backtest import MAX_MONTHS, compare_with_in_force

        if not 1 <= months <= MAX_MONTHS:
            raise CommandError(f"--months must be from 1 to {MAX_MONTHS}")
        comparison = compare_with_in_force(get_version(number), months)
        header = (*BACKTEST_COLUMNS, "Rejected", "Let through")
        self.stdout.write(_row(header))
        for draft, current in comparison.rows():
            self.stdout.write(_row(_figures(draft, f"v{comparison.version}")))
            if current is not None:
                self.stdout.write(_row(_figures(current, f"v{comparison.in_force} (in force)")))

    def _suggest(self, months, email, **options):
        from accord.agreement.backtest import MAX_MONTHS
        from accord.agreement.services import AgreementRefused, do_suggest_draft
        from accord.agreement.suggestion import NotEnoughHistory

        if not 1 <= months <= MAX_MONTHS:
            raise CommandError(f"--months must be from 1 to {MAX_MONTHS}")
        try:
            draft = do_suggest_draft(_proposer(email), months)
        except (NotEnoughHistory, AgreementRefused) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Draft v{draft.number} was created.")
        self.stdout.write(draft.comments.get().body)
        self.stdout.write(f"Backtest it with `accord agreement backtest {draft.number}`.")


def _proposer(email: str | None) -> User:
    users = User.objects.filter(is_active=True)
    if email:
        user = users.filter(email__iexact=email).first()
    else:
        user = users.filter(role=User.Role.HEAD, team__kind=Team.Kind.MARKETING).first()
    if user is None:
        raise CommandError(f"no user {email}" if email else "no marketing head: pass --as EMAIL")
    return user


def _figures(m, version: str) -> tuple:
    return (
        m.label,
        version,
        m.mqls,
        m.sql_text,
        m.opportunity_text,
        m.won_text,
        m.revenue,
        m.rejected,
        m.let_through,
    )


def _row(values) -> str:
    widths = (8, 16, 6, 11, 12, 11, 14, 9, 11)
    cells = (f"{value!s:<{width}}" for value, width in zip(values, widths, strict=True))
    return "  ".join(cells).rstrip()
