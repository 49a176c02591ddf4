from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "accord.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django_tasks.signals import task_enqueued

        from accord.audit import jobs
        from accord.audit.guard import register_sqlite_guard

        connection_created.connect(register_sqlite_guard)
        task_enqueued.connect(jobs.remember_request)
