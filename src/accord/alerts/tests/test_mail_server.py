"""Alerts reach a real mail server that wants a login over TLS, configured by ACCORD_EMAIL_URL:
an SMTP server on loopback (STARTTLS or TLS from the first byte, a certificate made here)."""

import email
import socket
import ssl
from urllib.parse import quote

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from accord.alerts.models import Delivery
from accord.alerts.services import do_queue_alert, do_send_due
from accord.env import env_email_url
from accord.teams.models import User

LOGIN, PASSWORD = "alerts@accord.test", "p@ss:w/rd%"


class Mailbox:
    def __init__(self):
        self.messages: list[email.message.Message] = []
        self.connections: set[tuple] = set()  # the client's address of each connection

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        self.connections.add(session.peer)
        return "250 OK"


def authenticate(server, session, envelope, mechanism, auth_data):
    """Only LOGIN with PASSWORD; anything else gets `535 Authentication credentials invalid`."""
    valid = (auth_data.login, auth_data.password) == (LOGIN.encode(), PASSWORD.encode())
    return AuthResult(success=valid, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def certificate_authority(tmp_path, monkeypatch):
    """A CA the mail client trusts (as it would a public one), and the server's certificate."""
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    return server_context


@pytest.fixture(params=["smtp", "smtps"])
def mail_server(request, certificate_authority):
    mailbox, port = Mailbox(), free_port()
    tls = {"tls_context": certificate_authority, "require_starttls": True}
    if request.param == "smtps":
        # aiosmtpd counts only STARTTLS as TLS; this connection is TLS from its first byte
        tls = {"ssl_context": certificate_authority, "auth_require_tls": False}
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticate,
        auth_required=True,
        **tls,
    )
    controller.start()
    yield request.param, port, mailbox
    controller.stop()


def use_mail_url(settings, url):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "accord@accord.test"
    for name, value in env_email_url_of(url).items():
        setattr(settings, name, value)


def env_email_url_of(url):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ACCORD_EMAIL_URL", url)
        return env_email_url("ACCORD_EMAIL_URL")


def queue_mail():
    rep = User.objects.create_user("rep@accord.test")
    do_queue_alert("sla.breached", "SLA missed: Ada", "The first touch was missed", {}, [rep])
    return Delivery.objects.get(channel=Delivery.Channel.EMAIL)


@pytest.mark.django_db
def test_an_alert_is_delivered_through_a_server_that_wants_a_login_over_tls(settings, mail_server):
    scheme, port, mailbox = mail_server
    use_mail_url(
        settings, f"{scheme}://{quote(LOGIN, safe='')}:{quote(PASSWORD, safe='')}@127.0.0.1:{port}"
    )
    delivery = queue_mail()

    assert do_send_due() == 1

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED, delivery.last_error
    [message] = mailbox.messages
    assert message["To"] == "rep@accord.test"
    assert message["From"] == "accord@accord.test"
    assert message["Subject"] == "SLA missed: Ada"
    assert message.get_payload().strip() == "The first touch was missed"


@pytest.mark.django_db
def test_a_wrong_password_is_recorded_on_the_delivery(settings, mail_server):
    scheme, port, mailbox = mail_server
    use_mail_url(settings, f"{scheme}://{quote(LOGIN, safe='')}:wrong@127.0.0.1:{port}")
    delivery = queue_mail()

    assert do_send_due() == 1

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING  # retried later, with backoff
    assert "mail not sent" in delivery.last_error and "535" in delivery.last_error
    assert delivery.attempt_log.get().succeeded is False
    assert mailbox.messages == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://me%40example.com:s%3Acret@mail.example.com",
            {
                "EMAIL_HOST": "mail.example.com",
                "EMAIL_PORT": 587,
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
                "EMAIL_HOST_USER": "me@example.com",
                "EMAIL_HOST_PASSWORD": "s:cret",
            },
        ),
        (
            "smtps://mail.example.com",
            {
                "EMAIL_HOST": "mail.example.com",
                "EMAIL_PORT": 465,
                "EMAIL_USE_TLS": False,
                "EMAIL_USE_SSL": True,
                "EMAIL_HOST_USER": "",
                "EMAIL_HOST_PASSWORD": "",
            },
        ),
        (
            "smtp+insecure://localhost:2525",
            {
                "EMAIL_HOST": "localhost",
                "EMAIL_PORT": 2525,
                "EMAIL_USE_TLS": False,
                "EMAIL_USE_SSL": False,
                "EMAIL_HOST_USER": "",
                "EMAIL_HOST_PASSWORD": "",
            },
        ),
    ],
)
def test_the_mail_url_sets_host_port_login_and_tls(url, expected):
    assert env_email_url_of(url) == expected


@pytest.mark.django_db
def test_a_burst_of_alerts_reaches_the_mail_server_over_one_connection(settings, mail_server):
    scheme, port, mailbox = mail_server
    use_mail_url(
        settings, f"{scheme}://{quote(LOGIN, safe='')}:{quote(PASSWORD, safe='')}@127.0.0.1:{port}"
    )
    for n in range(3):
        rep = User.objects.create_user(f"rep{n}@accord.test")
        do_queue_alert("sla.breached", f"SLA missed: Lead {n}", "First touch missed", {}, [rep])

    assert do_send_due() == 3

    assert sorted(m["To"] for m in mailbox.messages) == [f"rep{n}@accord.test" for n in range(3)]
    assert len(mailbox.connections) == 1
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.DELIVERED}
