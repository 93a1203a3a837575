from django.conf import settings


class PermissionsPolicyMiddleware:
    """Turns off browser features no page uses (camera, location, ...), for every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
