"""Give each request an id (the proxy's X-Request-ID when it is a sane token, else a new one) for
its history rows, its log lines and the jobs it queues; answer with it in X-Request-ID; log one
line per request with its status and how long it took."""

import logging
import re
import time

from accord.audit.services import new_request_id
from accord.logs import current_path, current_request_id, current_user_id

_SAFE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
logger = logging.getLogger("accord.requests")


def request_id_middleware(get_response):
    def middleware(request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _SAFE.match(given) else new_request_id()
        tokens = [
            (current_request_id, current_request_id.set(request_id)),
            (current_path, current_path.set(request.path)),
            (current_user_id, current_user_id.set(_user_id(request))),
        ]
        started = time.monotonic()
        try:
            response = get_response(request)
            response["X-Request-ID"] = request_id
            level = logging.ERROR if response.status_code >= 500 else logging.INFO
            logger.log(
                level,
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "user_id": _user_id(request),  # a token's owner is known only now
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000),
                },
            )
            return response
        finally:
            for var, token in reversed(tokens):
                var.reset(token)

    return middleware


def _user_id(request) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None
