"""With no mail server configured, Accord's e-mail lands in its own outbox: alerts are sent
there (not left pending), the digest too, and admins read each message on /mail/."""

import io
import socket

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.test_settings import run_accord

from accord.alerts.models import Delivery, Event
from accord.alerts.services import do_queue_alert, do_send_due
from accord.mail.models import Email

pytestmark = pytest.mark.django_db(transaction=True)

OUTBOX = "accord.mail.backend.OutboxBackend"
PRINT_BACKEND = "from django.conf import settings; print(settings.EMAIL_BACKEND)"


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = OUTBOX


@pytest.mark.parametrize(
    ("overrides", "backend"),
    [
        ({}, OUTBOX),
        ({"ACCORD_EMAIL_URL": "smtp://mail.example.com"}, "smtp.EmailBackend"),
        ({"ACCORD_EMAIL_HOST": "relay.example.com"}, "smtp.EmailBackend"),
    ],
)
def test_mail_is_kept_in_accord_until_a_mail_server_is_named(tmp_path, overrides, backend):
    result = run_accord(
        "manage", "shell", "-c", PRINT_BACKEND, env_overrides=overrides, tmp_path=tmp_path
    )
    assert result.stdout.strip().splitlines()[-1].endswith(backend), result.stderr


def test_an_alert_is_sent_to_the_outbox_and_ends_delivered(outbox, rep):
    do_queue_alert(Event.LEAD_ROUTED, "New lead for you: Ada Lovelace", "Ada is yours.", {}, [rep])

    assert do_send_due() == 1

    assert Delivery.objects.get().status == Delivery.Status.DELIVERED
    email = Email.objects.get()
    assert (email.to, email.subject, email.body) == (
        rep.email,
        "New lead for you: Ada Lovelace",
        "Ada is yours.",
    )


def test_the_digest_is_sent_to_the_outbox(outbox, marketing_head, sales_head, rep):
    out = io.StringIO()
    call_command("digest", "--date", "2026-05-20", stdout=out)

    assert out.getvalue() == "Sent the weekly digest to 3 people.\n"
    assert sorted(Email.objects.values_list("to", flat=True)) == sorted(
        u.email for u in (marketing_head, sales_head, rep)
    )


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_digest_to_a_mail_server_that_is_not_there_says_so(settings, rep):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()

    with pytest.raises(CommandError, match="The digest was not sent: the mail server said"):
        call_command("digest", stdout=io.StringIO())


def test_an_admin_reads_the_mail_and_a_typed_name_stays_text(outbox, client, admin_user, rep):
    do_queue_alert(
        Event.LEAD_ROUTED, "New lead for you: <script>alert(1)</script>", "<b>Ada</b>", {}, [rep]
    )
    do_send_due()
    email = Email.objects.get()
    client.force_login(admin_user)

    listing = client.get("/mail/").content.decode()
    message = client.get(f"/mail/{email.pk}/").content.decode()

    assert "1 message." in listing and rep.email in listing
    assert f'href="/mail/{email.pk}/"' in listing
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in message and "<script>alert" not in message
    assert "&lt;b&gt;Ada&lt;/b&gt;" in message


def test_the_mail_list_finds_messages_by_recipient(outbox, client, admin_user, rep, sales_head):
    for person in (rep, sales_head):
        do_queue_alert(Event.LEAD_ROUTED, f"For {person.email}", "text", {}, [person])
    do_send_due()
    client.force_login(admin_user)

    listing = client.get("/mail/", {"to": rep.email.split("@")[0]}).content.decode()

    assert "1 message to an address containing" in listing
    assert f"For {rep.email}" in listing and f"For {sales_head.email}" not in listing


def test_only_admins_read_other_peoples_mail(client, sales_head):
    client.force_login(sales_head)
    assert client.get("/mail/").status_code == 404
    assert client.get("/goals/digest/").status_code == 404


def test_an_admin_previews_the_digest_and_nothing_is_sent(outbox, client, admin_user, rep):
    client.force_login(admin_user)

    page = client.get("/goals/digest/", {"date": "2026-05-20"}).content.decode()

    assert "Accord weekly digest: 13 May to 20 May 2026" in page
    assert "1 person in both teams" in page
    assert "0 leads missed a clock" in page
    assert Email.objects.count() == 0


def test_a_digest_preview_for_a_day_that_is_no_date_says_so(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/goals/digest/", {"date": "20-05-2026"})

    assert response.status_code == 400
    assert "is not a date like 2026-11-23" in response.content.decode()
