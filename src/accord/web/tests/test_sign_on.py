"""Single sign-on through the company's OpenID Connect provider, a real one on loopback (Django
OAuth Toolkit in its own process): a person is matched by e-mail or made in the team and role
their groups map to, refused with the reason otherwise, and logged out of both; passwords can be
switched off on every path."""

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from joserfc.jwk import RSAKey
from tests.identity_provider import Account

from accord.teams.models import User
from accord.web import sign_on as web_sign_on

pytestmark = pytest.mark.django_db
ACCORD = "http://testserver"


@pytest.fixture
def provider(sign_on_through):
    return sign_on_through(ACCORD)


class Browser:
    """The Django test client for Accord, and a requests session (its cookie jar the provider's)
    for the provider: the two halves of one person's browser."""

    def __init__(self, client):
        self.client, self.at_provider = client, requests.Session()

    def sign_on(self, login=None, password=None, next_page=""):
        """Click "Log in with…", sign in at the provider when it asks, come back; returns
        Accord's last answer."""
        start = self.client.get("/login/sso/", {"next": next_page} if next_page else {})
        assert start.status_code == 302, start.content
        answer = self.at_provider_until_back(start["Location"])
        if answer.status_code == 200:  # the provider's sign-in page
            assert "Company sign-in" in answer.text
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', answer.text)
            sent = {
                "csrfmiddlewaretoken": token.group(1),
                "username": login,
                "password": password,
                "next": parse_qs(urlsplit(answer.url).query)["next"][0],
            }
            posted = self.at_provider.post(answer.url, data=sent, allow_redirects=False)
            assert posted.status_code == 302, "the provider did not take the password"
            answer = self.at_provider_until_back(urljoin(answer.url, posted.headers["Location"]))
        back = urlsplit(answer.headers["Location"])
        return self.client.get(back.path, parse_qs(back.query))

    def at_provider_until_back(self, url):
        """Follows the provider's redirects until one leads back to Accord or a page shows."""
        answer = self.at_provider.get(url, allow_redirects=False)
        while answer.status_code == 302 and not answer.headers["Location"].startswith(ACCORD):
            answer = self.at_provider.get(
                urljoin(answer.url, answer.headers["Location"]), allow_redirects=False
            )
        assert answer.status_code in (200, 302), answer.text
        return answer


@pytest.fixture
def browser(client):
    return Browser(client)


def test_the_log_in_page_offers_the_company_sign_on_beside_passwords(client, provider):
    page = client.get("/login/").content.decode()

    assert "Log in with Northwind SSO" in page
    assert 'name="password"' in page


def test_a_new_person_is_made_in_the_team_and_role_their_groups_map_to(
    browser, provider, sales_team
):
    provider.add(
        Account("Rita.Rep@northwind.example", "pw-1", "Rita Rep", ["staff", "accord-reps"])
    )

    answer = browser.sign_on("Rita.Rep@northwind.example", "pw-1")

    assert (answer.status_code, answer["Location"]) == (302, "/")
    user = User.objects.get(email="rita.rep@northwind.example")
    assert (user.full_name, user.team, user.role) == ("Rita Rep", sales_team, User.Role.REP)
    assert not user.has_usable_password()  # sign-on only
    home = browser.client.get("/")
    assert home.status_code == 200 and "Rita Rep" in home.content.decode()


def test_a_known_person_is_found_by_email_in_any_case_and_keeps_their_role(
    browser, provider, sales_head
):
    provider.add(Account(sales_head.email.upper(), "pw-1", "S. Head", ["accord-reps"]))

    answer = browser.sign_on(sales_head.email.upper(), "pw-1", next_page="/inbox/")

    assert answer["Location"] == "/inbox/"
    assert User.objects.count() == 1
    sales_head.refresh_from_db()
    assert sales_head.role == User.Role.HEAD  # the groups only place a new person


def test_the_groups_may_come_only_from_the_userinfo_endpoint(browser, provider, marketing_team):
    provider.add(
        Account(
            "mo@northwind.example", "pw-1", "Mo", ["accord-marketing"], groups_in_userinfo_only=True
        )
    )

    browser.sign_on("mo@northwind.example", "pw-1")

    assert User.objects.get(email="mo@northwind.example").role == User.Role.MARKETER


def test_an_administrator_group_makes_an_administrator(browser, provider):
    provider.add(Account("it@northwind.example", "pw-1", "IT", ["it-admins"]))

    browser.sign_on("it@northwind.example", "pw-1")

    user = User.objects.get(email="it@northwind.example")
    assert (user.role, user.team, user.is_staff) == (User.Role.ADMIN, None, True)


def test_without_an_email_claim_the_user_name_that_is_an_address_is_the_email(
    browser, provider, sales_team
):
    # Microsoft Entra ID sends `email` only when the account has a mailbox address set
    provider.add(Account("Eli@northwind.example", "pw-1", "Eli", ["accord-reps"], email=None))

    answer = browser.sign_on("Eli@northwind.example", "pw-1")

    assert answer["Location"] == "/"
    assert User.objects.get(email="eli@northwind.example").role == User.Role.REP


@pytest.mark.parametrize(
    ("account", "reason"),
    [
        (
            Account("guest@northwind.example", "pw-1", "Guest", ["staff"]),
            "guest@northwind.example is not in a group that has a role in Accord",
        ),
        (
            Account("new@northwind.example", "pw-1", "New", ["accord-reps"], email_verified=False),
            "has not verified new@northwind.example",
        ),
        (
            Account("eli.rep", "pw-1", "Eli", ["accord-reps"], email=None),
            "sent no e-mail address, and its user name eli.rep is not one",
        ),
    ],
)
def test_a_person_without_a_mapped_group_or_a_verified_address_is_refused_saying_why(
    browser, provider, sales_team, account, reason, caplog
):
    provider.add(account)

    answer = browser.sign_on(account.login, "pw-1")

    assert answer.status_code == 403
    assert reason in answer.content.decode()
    assert not User.objects.exists()
    assert browser.client.get("/").status_code == 302  # not logged in
    assert any(reason in line for line in caplog.messages)  # and the log says so, for IT


def test_with_the_company_domains_set_an_address_elsewhere_is_refused(
    client, provider, settings, sales_team
):
    settings.SIGN_ON = {
        **settings.SIGN_ON,
        "domains": ("northwind.example",),
    }  # ACCORD_OIDC_DOMAINS
    provider.add(Account("mallory@elsewhere.example", "pw-1", "Mallory", ["accord-reps"]))
    provider.add(Account("Nia@Northwind.Example", "pw-1", "Nia", ["accord-reps"]))

    refused = Browser(client).sign_on("mallory@elsewhere.example", "pw-1")
    let_in = Browser(client).sign_on("Nia@Northwind.Example", "pw-1")

    assert refused.status_code == 403
    assert (
        "mallory@elsewhere.example is not an address of the company: Accord's sign-on lets in "
        "addresses at northwind.example only"
    ) in refused.content.decode().replace("&#x27;", "'")
    assert let_in["Location"] == "/"
    assert list(User.objects.values_list("email", flat=True)) == ["nia@northwind.example"]


def test_a_switched_off_account_is_refused(browser, provider, rep):
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    provider.add(Account(rep.email, "pw-1", "Rep", ["accord-reps"]))

    answer = browser.sign_on(rep.email, "pw-1")

    assert answer.status_code == 403 and "is switched off" in answer.content.decode()


def test_an_id_token_the_providers_key_did_not_sign_is_refused(browser, provider, sales_team):
    """Accord holds a key under the provider's key id that is not the provider's: the ID token's
    signature does not verify against it, as with a token forged by someone else."""
    provider.add(Account("eve@northwind.example", "pw-1", "Eve", ["accord-reps"]))
    client = web_sign_on._client()
    key_id = client.fetch_jwk_set()["keys"][0]["kid"]
    other = RSAKey.generate_key(2048, {"kid": key_id, "use": "sig", "alg": "RS256"})
    client.server_metadata["jwks"] = {"keys": [other.as_dict(private=False)]}

    answer = browser.sign_on("eve@northwind.example", "pw-1")

    assert answer.status_code == 403
    assert "did not vouch for you" in answer.content.decode()
    assert not User.objects.filter(email="eve@northwind.example").exists()


def test_a_callback_with_another_state_is_refused(client, provider):
    client.get("/login/sso/")

    answer = client.get("/login/sso/callback/", {"code": "stolen", "state": "forged"})

    assert answer.status_code == 403
    assert "did not vouch for you" in answer.content.decode()


def test_logging_out_ends_the_provider_session_too(browser, provider, sales_team):
    provider.add(Account("rita@northwind.example", "pw-1", "Rita", ["accord-reps"]))
    browser.sign_on("rita@northwind.example", "pw-1")
    assert browser.sign_on().status_code == 302  # the provider's session: no form the 2nd time

    answer = browser.client.post("/logout/")

    assert answer["Location"].startswith(f"{provider.issuer}/logout/?")
    assert "id_token_hint" in answer["Location"]
    back = browser.at_provider_until_back(answer["Location"])
    assert back.headers["Location"].startswith(f"{ACCORD}/login/")
    assert browser.client.get("/").status_code == 302
    start = browser.client.get("/login/sso/")
    assert "Company sign-in" in browser.at_provider_until_back(start["Location"]).text


def test_with_passwords_switched_off_no_password_opens_a_session(client, provider, settings, rep):
    settings.PASSWORD_LOGIN = False  # ACCORD_PASSWORD_LOGIN=false
    settings.AUTHENTICATION_BACKENDS = ["accord.teams.sign_on.SignOnBackend"]
    rep.set_password("a-good-password")
    rep.save()

    page = client.get("/login/").content.decode()
    assert "Log in with Northwind SSO" in page and 'name="password"' not in page
    sent = {"username": rep.email, "password": "a-good-password"}
    assert client.post("/login/", sent).status_code == 403
    client.post("/admin/login/", sent)
    assert client.get("/").status_code == 302  # neither log-in let them in
