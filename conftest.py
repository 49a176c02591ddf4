"""Shared fixtures: the personas of the demo company, as tests meet them."""

import json

import pytest
from hypothesis import HealthCheck, settings

from accord.teams.models import Team, User

# Property tests check what holds, never how fast: a loaded two-core machine must not fail one
# for taking long to run or to generate its examples.
settings.register_profile("accord", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("accord")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that make users would spend minutes hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def marketing_team(db):
    return Team.objects.get_or_create(
        kind=Team.Kind.MARKETING, defaults={"name": "Marketing", "time_zone": "Europe/London"}
    )[0]


@pytest.fixture
def sales_team(db):
    return Team.objects.get_or_create(
        kind=Team.Kind.SALES, defaults={"name": "Sales", "time_zone": "America/New_York"}
    )[0]


def _persona(email, team, role, **extra):
    return User.objects.create_user(email, password="accord-demo", team=team, role=role, **extra)


@pytest.fixture
def marketing_head(marketing_team):
    return _persona(
        "marketing.head@demo.accord", marketing_team, User.Role.HEAD, full_name="Maria Head"
    )


@pytest.fixture
def sales_head(sales_team):
    return _persona("sales.head@demo.accord", sales_team, User.Role.HEAD, full_name="Sam Head")


@pytest.fixture
def marketer(marketing_team):
    return _persona(
        "marketer1@demo.accord", marketing_team, User.Role.MARKETER, full_name="Mia Marketer"
    )


@pytest.fixture
def rep(sales_team):
    return _persona("rep1@demo.accord", sales_team, User.Role.REP, full_name="Ray Rep")


@pytest.fixture
def other_rep(sales_team):
    return _persona("rep2@demo.accord", sales_team, User.Role.REP, full_name="Rita Rep")


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser(
        "admin@demo.accord", password="accord-demo", full_name="Ada Admin"
    )


@pytest.fixture
def agreement_in_force(marketing_head, sales_head, marketer):
    """The default lead definition and SLA, proposed by a marketer and signed by both heads."""
    from accord.agreement.defaults import default_document
    from accord.agreement.services import do_create_draft, do_sign

    version = do_create_draft(marketer, default_document())
    do_sign(version, marketing_head)
    return do_sign(version, sales_head)


class ApiCaller:
    """The JSON API as one user calls it, with their own personal token."""

    def __init__(self, client, user):
        from accord.teams.tokens import do_create_token

        self.client, self.user = client, user
        self.headers = {"Authorization": f"Bearer {do_create_token(user)[1]}"}

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path, body):
        return self._send("post", path, body)

    def patch(self, path, body):
        return self._send("patch", path, body)

    def _send(self, method, path, body):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        send = getattr(self.client, method)
        return send(f"/api/v1{path}", data, content_type="application/json", headers=self.headers)


@pytest.fixture
def api_as(client):
    """`api_as(rep).get("/people")`: call the JSON API with a fresh token of that user."""
    return lambda user: ApiCaller(client, user)


@pytest.fixture(autouse=True)
def empty_cache(request):
    """Worked-out results (attribution credit, backtests) live in the database's cache table.
    A test's rollback empties it, but a test that commits (transaction=True) would leave them to
    the next one: such tests start and end with it empty."""
    marker = request.node.get_closest_marker("django_db")
    committing = (marker is not None and marker.kwargs.get("transaction", False)) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if committing:
        from django.core.cache import cache

        cache.clear()
        yield
        cache.clear()
    else:
        yield


@pytest.fixture(autouse=True)
def fresh_live_count():
    """The lead-definition editor's live count keeps its last reading of everybody in the
    process; each test reads its own data."""
    from accord.agreement import live

    live.forget()
    yield
    live.forget()


@pytest.fixture(scope="session")
def identity_provider():
    """The company's OpenID Connect provider (Django OAuth Toolkit) in its own process on
    loopback, once for the session: the sign-on tests register Accord and add people to it."""
    from tests.identity_provider import IdentityProvider

    provider = IdentityProvider.start()
    yield provider
    provider.stop()


@pytest.fixture
def sign_on_through(identity_provider, settings):
    """`sign_on_through(accord_url)`: Accord registered at the provider as a client that comes
    back to `accord_url`, and set up to offer "Log in with Northwind SSO" mapping these groups."""
    from accord.web import sign_on

    def set_up(accord_url: str):
        identity_provider.register(
            "accord", "client-secret-1", f"{accord_url}/login/sso/callback/", f"{accord_url}/login/"
        )
        settings.SIGN_ON = {
            "issuer": identity_provider.issuer,
            "origin": identity_provider.origin,
            "client_id": "accord",
            "client_secret": "client-secret-1",
            "name": "Northwind SSO",
            "role_claim": "groups",
            "roles": [
                ("accord-reps", "sales", "rep"),
                ("accord-marketing", "marketing", "marketer"),
                ("accord-heads-sales", "sales", "head"),
                ("it-admins", None, "admin"),
            ],
            "domains": (),
        }
        return identity_provider

    yield set_up
    sign_on._registered.cache_clear()  # the provider's keys and metadata, as Accord kept them
