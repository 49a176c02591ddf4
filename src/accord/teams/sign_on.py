"""Who a person signing on through the company's identity provider is in Accord: the user with
their e-mail (in any letter case), or a new one in the team and role the provider's groups map
to; or why they may not come in."""

from dataclasses import dataclass

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from accord.teams.models import Team, User


@dataclass(frozen=True)
class RoleGrant:
    """A group of the provider's role claim, and the team and role its members get in Accord."""

    group: str
    team: Team.Kind | None  # None for an administrator
    role: User.Role


@dataclass(frozen=True)
class SignOn:
    user: User | None
    refusal: str = ""  # why the person may not come in, in words they can take to IT


def do_sign_on(
    claims: dict, *, role_claim: str, grants: list[RoleGrant], domains: tuple[str, ...] = ()
) -> SignOn:
    """The user the provider's claims (ID token and userinfo) name, made on their first visit;
    with `domains`, only a person whose e-mail is at one of them."""
    email, refusal = _email_of(claims)
    if refusal:
        return SignOn(None, refusal)
    if domains and email.rpartition("@")[2] not in domains:
        return SignOn(
            None,
            f"{email} is not an address of the company: Accord's sign-on lets in addresses at "
            f"{', '.join(domains)} only.",
        )
    if claims.get("email_verified") is False:
        return SignOn(None, f"Your company account has not verified {email}.")
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        if not user.is_active:
            return SignOn(None, f"The Accord account of {email} is switched off.")
        return SignOn(user)
    grant = _grant_for(claims.get(role_claim), grants)
    if grant is None:
        return SignOn(
            None,
            f"{email} is not in a group that has a role in Accord. Ask IT to add "
            "you to one of the groups Accord's sign-on maps to a team and role.",
        )
    team = Team.objects.filter(kind=grant.team).first() if grant.team else None
    if grant.team and team is None:
        return SignOn(None, f"The {Team.Kind(grant.team).label} team is not set up in Accord yet.")
    return SignOn(_create_user(email, claims, grant, team))


def _email_of(claims: dict) -> tuple[str, str]:
    """The person's e-mail address, lower-cased, or why there is none. Microsoft Entra ID sends
    no `email` claim for an account without a mailbox address set; its `preferred_username` (the
    sign-in name) is then the address when it is one."""
    email = (claims.get("email") or "").strip().lower()
    if email:
        return email, ""
    username = claims.get("preferred_username")
    username = username.strip() if isinstance(username, str) else ""
    try:
        validate_email(username)
    except ValidationError:
        named = f", and its user name {username} is not one" if username else ""
        return "", (
            f"Your company account sent no e-mail address{named}, so Accord cannot tell who "
            "you are. Ask IT to release the email claim to Accord."
        )
    return username.lower(), ""


def _grant_for(held, grants: list[RoleGrant]) -> RoleGrant | None:
    """The first grant whose group the claim holds (a list of groups, or one as a string)."""
    groups = {held} if isinstance(held, str) else {g for g in held or () if isinstance(g, str)}
    return next((grant for grant in grants if grant.group in groups), None)


def _create_user(email: str, claims: dict, grant: RoleGrant, team: Team | None) -> User:
    admin = grant.role == User.Role.ADMIN
    fields = {
        "full_name": (claims.get("name") or "")[:150],
        "team": team,
        "role": grant.role,
        "is_staff": admin,
        "is_superuser": admin,
    }
    try:
        with transaction.atomic():
            return User.objects.create_user(email, None, **fields)  # no password: sign-on only
    except IntegrityError:  # the same person signing on twice at once: the first one made them
        return User.objects.get(email__iexact=email)


class SignOnBackend(ModelBackend):
    """Keeps the sessions single sign-on opened, and their users' permissions. It checks no
    password: with ACCORD_PASSWORD_LOGIN=false it is the only backend, so none opens a session."""

    def authenticate(self, request, **credentials):
        return None
