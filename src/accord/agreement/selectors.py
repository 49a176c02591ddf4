"""Reads of the agreement that pages, API and CLI share."""

from accord.agreement.diff import diff_documents
from accord.agreement.models import AgreementEvent, AgreementVersion, LeadScore


def get_agreement_in_force() -> AgreementVersion | None:
    return AgreementVersion.objects.filter(status=AgreementVersion.Status.IN_FORCE).first()


def get_version(number: int) -> AgreementVersion:
    return AgreementVersion.objects.get(number=number)


def list_versions():
    return AgreementVersion.objects.select_related("created_by").prefetch_related(
        "signatures__signer"
    )


def get_version_diff(old: AgreementVersion | None, new: AgreementVersion) -> list[str]:
    return diff_documents(old.document if old else None, new.document)


def get_history(version: AgreementVersion):
    return AgreementEvent.objects.filter(version=version).select_related("actor")


def get_lead_score(person_id: int) -> LeadScore | None:
    return LeadScore.objects.filter(person_id=person_id).select_related("version").first()
