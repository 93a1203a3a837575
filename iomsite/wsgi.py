import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iomsite.settings")
django.setup(set_prefix=False)

from iomsite.cache import PageCachingWSGIHandler  # noqa: E402 - needs the settings loaded

application = PageCachingWSGIHandler()
