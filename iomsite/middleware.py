from django.http import HttpResponseBadRequest, JsonResponse


class RejectMalformedRequestMiddleware:
    """Answer 400 to NUL bytes in the path or query string, which no page uses and which
    PostgreSQL refuses in a query (it would otherwise surface as a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            if request.path.startswith("/api/"):  # the API answers in JSON, errors included
                return JsonResponse({"error": "Malformed request."}, status=400)
            return HttpResponseBadRequest("Malformed request.")
        return self.get_response(request)
