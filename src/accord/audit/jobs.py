"""A job queued while a request is served carries that request's id into the worker: kept
beside the job's arguments (`accord worker` sets it for the job's log lines and history rows)."""

from django_tasks_db.models import DBTaskResult

from accord.logs import current_request_id


def remember_request(sender, task_result, **kwargs) -> None:
    request_id = current_request_id.get()
    row = getattr(task_result, "db_result", None)  # the database backend's own row
    if request_id and isinstance(row, DBTaskResult):
        row.args_kwargs["request_id"] = request_id  # the worker reads only args and kwargs
        DBTaskResult.objects.filter(pk=row.pk).update(args_kwargs=row.args_kwargs)
