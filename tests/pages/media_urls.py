"""The site's URLs plus the local media route `make run` adds in DEBUG, for tests that run
with DEBUG off."""

from django.urls import re_path

from iomsite.media import serve_media
from iomsite.urls import urlpatterns as site_urlpatterns

urlpatterns = [re_path(r"^media/(?P<path>.+)$", serve_media), *site_urlpatterns]
