"""What every log line says about where it came from: the request (or the job a request queued)
and its user. The web middleware and the worker set these; `ContextFilter` puts them on each
record, and the settings pick JSON lines (ACCORD_LOG_FORMAT=json) or human ones."""

import logging
from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
current_user_id: ContextVar[int | None] = ContextVar("current_user_id", default=None)
current_path: ContextVar[str] = ContextVar("current_path", default="")

# every JSON line carries these keys, empty (null) when they do not apply
CONTEXT_FIELDS = ("request_id", "user_id", "path", "status", "duration_ms")


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(record, "request_id", None) or current_request_id.get() or None
        record.user_id = getattr(record, "user_id", None) or current_user_id.get()
        record.path = getattr(record, "path", None) or current_path.get() or None
        for name in ("status", "duration_ms"):
            if not hasattr(record, name):
                setattr(record, name, None)
        return True


class TextFormatter(logging.Formatter):
    """`TIME LEVEL LOGGER message key=value…`, the context fields that apply, for a terminal."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = [
            f"{name}={getattr(record, name)}"
            for name in CONTEXT_FIELDS
            if getattr(record, name, None) is not None
        ]
        if not context:
            return line
        head, newline, rest = line.partition("\n")  # a traceback stays below the line
        return f"{head} {' '.join(context)}{newline}{rest}"


def logging_config(log_format: str, level: str) -> dict:
    formatter: dict[str, object] = {"()": TextFormatter}
    if log_format == "json":
        formatter = {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["levelname", "name", "message", *CONTEXT_FIELDS],
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601 in UTC
        }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}},
        "formatters": {"accord": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["context"],
                "formatter": "accord",
            }
        },
        # the request lines (accord.requests: INFO, ERROR for a 5xx) follow this level too
        "root": {"handlers": ["console"], "level": level},
    }
