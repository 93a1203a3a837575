import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from iomsite.cache import sent_pages


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with empty caches, so cached menus or pages never leak between tests.
    Content types too: a transactional test's flush and restore may give them other ids."""
    cache.clear()
    sent_pages.clear()
    ContentType.objects.clear_cache()
    yield
    cache.clear()
    sent_pages.clear()


@pytest.fixture(autouse=True)
def default_language():
    """A request to /fr/ leaves French active in the test's thread, as the middleware sets the
    language of each request: every test starts in the default language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("chief", "chief@iom.int", "pass")


@pytest.fixture
def staff_client(superuser):
    """A second browser, logged in as a superuser, beside the anonymous `client`."""
    client = Client()
    client.force_login(superuser)
    return client
