from django.http import HttpResponsePermanentRedirect

from .redirects import redirect_target


class SlugRedirectMiddleware:
    """Answer a 404 at the old address of a renamed or moved item with a 301 to its new one.
    Only responses that are already 404 pay for the lookup."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        target = redirect_target(request.path)
        if target is None:
            return response
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
