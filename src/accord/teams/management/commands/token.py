from django.core.management.base import BaseCommand, CommandError

from accord.teams.models import ApiToken, User
from accord.teams.tokens import do_create_token


class Command(BaseCommand):
    help = "Make a personal API token (printed once; only its hash is kept)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="make a token for a user")
        create.add_argument("--user", required=True, help="the user's e-mail")
        create.add_argument("--name", default="", help="a label, e.g. 'warehouse sync'")
        create.add_argument(
            "--scope", choices=[c.value for c in ApiToken.Scope], default=ApiToken.Scope.FULL
        )

    def handle(self, *args, action, user, name, scope, **options):
        owner = User.objects.filter(email__iexact=user, is_active=True).first()
        if owner is None:
            raise CommandError(f"No active user with e-mail {user!r}")
        _, secret = do_create_token(owner, name=name, scope=scope)
        self.stdout.write(secret)
