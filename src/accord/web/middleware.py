"""A guard every request passes, so no view has to remember it: a NUL character in a query
string or a posted form is refused before any view runs (400 naming the field; 422 in the API's
own shape under /api/), on every engine; a form larger than ACCORD_MAX_BODY_BYTES answers 413,
as the API does.
"""

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render

from accord.inputs import NUL, NUL_REFUSED, holds_nul

API_PREFIX = "/api/"


def refuse_nul_middleware(get_response):
    def middleware(request):
        sent = {"query": request.GET}
        if request.method == "POST" and not request.path.startswith(API_PREFIX):
            try:
                sent["body"] = request.POST  # the API's bodies are its schemas' to check
            except RequestDataTooBig:
                return _too_large(request)
        for where, data in sent.items():
            names = [name for name, values in data.lists() if holds_nul([name, *values])]
            if names:
                return _refused(request, where, [name.replace(NUL, "") for name in names])
        return get_response(request)

    return middleware


def _too_large(request):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    reason = f"The form sent is larger than {limit:,} bytes (ACCORD_MAX_BODY_BYTES)."
    context = {"heading": "Too large", "reason": reason}
    return render(request, "web/refused.html", context, status=413)


def _refused(request, where: str, names: list[str]):
    if request.path.startswith(API_PREFIX):
        detail = [{"loc": [where, name], "msg": NUL_REFUSED, "type": "nul"} for name in names]
        return JsonResponse({"detail": detail}, status=422)
    raise BadRequest(f"The field '{names[0]}' {NUL_REFUSED}; nothing was saved.")
