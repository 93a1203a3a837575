"""The ceiling: a minimal Django app with one view returning a constant response, no
middleware and no database, served by the same gunicorn as the site.

    gunicorn bench.ceiling:application
"""

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="ceiling-benchmark-only",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def constant(request):
    return HttpResponse(b"Hello from the ceiling.\n", content_type="text/plain")


urlpatterns = [path("", constant)]

application = get_wsgi_application()
