"""The agreement job the worker runs."""

from django_tasks import task

from accord.agreement.models import AgreementVersion
from accord.agreement.selectors import everybody_scored_under


@task()
def rescore_under(version_id: int) -> str:
    """Rescore everybody under a version that has just taken effect. A million people take
    longer than a web request should, so the second signature queues this for the worker; a
    version superseded before its turn came is skipped (the newer one has its own job)."""
    from accord.agreement.services import do_rescore_all

    version = AgreementVersion.objects.get(pk=version_id)
    if version.status != AgreementVersion.Status.IN_FORCE:
        return f"v{version.number} is no longer in force: not rescored"
    if everybody_scored_under(version):  # e.g. the demo scored them as it loaded
        return f"everybody is already scored under v{version.number}"
    result = do_rescore_all(version)
    assert result is not None  # a version to score under was given
    return f"{result.scored} people scored under v{result.version}, {result.changed} changed"
