"""What the audit trail costs a rescore: `rescore` of everybody with and without its audit rows.

Run against a database holding a demo company (e.g. `accord demo --size medium --no-serve`):

    DATABASE_URL=... python bench/audit_bench.py

Each run happens inside a transaction that is rolled back, so every run sees the same scores;
the order alternates (with, without, with, without) and wall and CPU seconds are printed per run.
Rescoring as of today changes few scores after the demo scored everybody; as of 60 days on,
engagement has decayed and most scores change, each with its audit row.
"""

import datetime as dt
import os
import time
from unittest import mock

import django


class Rollback(Exception):
    pass


def run(version, as_of, audited: bool) -> str:
    from django.db import transaction

    from accord.agreement import rescoring
    from accord.audit.models import AuditEntry

    skip_audit = mock.patch.object(rescoring, "record_column_changes", lambda *a, **k: 0)
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        with transaction.atomic():
            if not audited:
                skip_audit.start()
            before = AuditEntry.objects.count()
            result = rescoring.rescore(version, as_of=as_of)
            written = AuditEntry.objects.count() - before
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            raise Rollback
    except Rollback:
        pass
    finally:
        if not audited:
            skip_audit.stop()
    return (
        f"audit {'on ' if audited else 'off'}: {result.scored:,} scored, {written:,} audit rows, "
        f"{wall:.1f} s wall, {cpu:.1f} s CPU"
    )


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    django.setup()
    from django.utils import timezone

    from accord.agreement.selectors import get_agreement_in_force

    version = get_agreement_in_force()
    for days in (0, 60):
        as_of = timezone.now() + dt.timedelta(days=days)
        print(f"as of today + {days} days", flush=True)
        for audited in (True, False, True, False):
            print(run(version, as_of, audited), flush=True)


if __name__ == "__main__":
    main()
