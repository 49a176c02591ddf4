"""An upload to import is refused by the size its request declares, before a byte of it is read
or stored: Django's body limit does not count files, and its multipart parser would write the
whole upload to a temporary file before any view (or the CSRF check) could look at it."""

from django.conf import settings
from django.http import JsonResponse

from accord.imports import views

PAGE = "/imports/"
API = "/api/v1/imports"


def upload_limit_middleware(get_response):
    def middleware(request):
        if request.method == "POST" and request.path_info in (PAGE, API):
            limit = settings.IMPORT_MAX_BYTES
            if _declared_size(request) > limit:
                detail = (
                    f"The upload is larger than {limit:,} bytes, the most an import may be "
                    "(ACCORD_MAX_IMPORT_BYTES); nothing was stored."
                )
                if request.path_info == API:
                    return JsonResponse({"detail": detail}, status=413)
                return views.too_large(request, detail)
        return get_response(request)

    return middleware


def _declared_size(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
