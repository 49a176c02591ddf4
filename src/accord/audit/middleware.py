"""Give each request an id (the proxy's X-Request-ID when it sends one) for its history rows."""

import re

from accord.audit.services import current_request_id, new_request_id

_SAFE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def request_id_middleware(get_response):
    def middleware(request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _SAFE.match(given) else new_request_id()
        token = current_request_id.set(request_id)
        try:
            response = get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response

    return middleware
