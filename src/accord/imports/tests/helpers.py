"""Running `accord import` and `accord export` as a user would; what the database holds."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from accord.crm.models import Account, LifecycleChange, Opportunity, Person, SourceRecord
from accord.touchpoints.models import Campaign, Touchpoint

FIXTURES = Path(__file__).parent / "fixtures"


def run_import(path, *args) -> str:
    out = StringIO()
    call_command("import_file", str(path), "--quiet", *args, stdout=out)
    return out.getvalue()


def run_export(kind, path) -> str:
    out = StringIO()
    call_command("export_csv", kind, str(path), stdout=out)
    return out.getvalue()


def write_csv(tmp_path: Path, name: str, text: str, *, bom=False, crlf=False) -> Path:
    path = tmp_path / name
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


def snapshot() -> dict:
    """Everything an import can write, without the ids a database hands out."""
    return {
        "people": sorted(
            Person.objects.values_list(
                "email",
                "first_name",
                "last_name",
                "title",
                "phone",
                "lifecycle_stage",
                "lead_status",
                "original_source",
                "account__domain",
                "created_at",
            )
        ),
        "accounts": sorted(
            Account.objects.values_list("name", "domain", "industry", "employee_count", "region")
        ),
        "opportunities": sorted(
            Opportunity.objects.values_list(
                "name", "amount", "stage", "account__domain", "close_date", "primary_contact__email"
            ),
            key=str,
        ),
        "sources": sorted(SourceRecord.objects.values_list("system", "object_type", "external_id")),
        "history": sorted(
            LifecycleChange.objects.values_list("person__email", "from_stage", "to_stage")
        ),
        "campaigns": sorted(Campaign.objects.values_list("name", flat=True)),
        "touchpoints": sorted(
            Touchpoint.objects.values_list("person__email", "occurred_at", "kind", "channel"),
            key=str,
        ),
    }
