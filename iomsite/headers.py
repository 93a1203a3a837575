from django.conf import settings


class PermissionsPolicyMiddleware:
    """Turns off browser features no page uses (camera, location, ...), for every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class AdminStylesPolicyMiddleware:
    """The admin's rich-text editor injects its stylesheet as an inline <style>: the admin,
    and only the admin, allows inline styles. Scripts stay as strict as on the public site."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(f"/{settings.ADMIN_PATH}"):
            response._csp_config = settings.ADMIN_CSP  # read by Django's CSP middleware
        return response
