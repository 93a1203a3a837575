import re

import pytest
from django.core.management import call_command

import iomsite.settings as production


@pytest.mark.django_db
def test_production_serves_hashed_compressed_static_files(client, settings, tmp_path):
    assert not production.DEBUG  # the test suite runs with DJANGO_DEBUG=0, as production does
    settings.STORAGES = production.STORAGES
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)

    page = client.get("/").content.decode()
    hashed = re.search(r'href="/static/(css/site\.[0-9a-f]{12}\.css)"', page)
    assert hashed, "the page links the stylesheet by its hashed name"
    assert (tmp_path / hashed[1]).is_file()
    assert (tmp_path / f"{hashed[1]}.gz").is_file()
