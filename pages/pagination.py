"""Pagination that stays cheap on a decade of content.

A COUNT over every live row on each request, and an OFFSET that makes the database walk
every skipped row, are what make page 2,000 of a large list slow. Here the count and the
ids on each page are cached per list until its content changes or the next scheduled
change; a page's rows are then fetched by primary key. On a miss, the ids come from the
list's covering index (an index-only scan) and the rows in a second query.
"""

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.functional import cached_property

from .publishing import content_version, seconds_until_next_scheduled_change

LONGEST_SECONDS = 3600


class CachedPaginator(Paginator):
    """A Paginator over a live() queryset whose count and page ids are shared through the cache.

    `list_key` names the list and its filters, e.g. "news?kind=story"; the cache keys also
    hold the content version, so any edit gives fresh counts and pages.
    """

    def __init__(self, object_list, per_page, list_key, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        digest = hashlib.sha256(list_key.encode()).hexdigest()[:32]
        self.cache_prefix = f"list:{content_version()}:{digest}"

    def _cached(self, suffix, compute):
        """compute(), or its cached value until the content changes or time changes it."""
        key = f"{self.cache_prefix}:{suffix}"
        now = timezone.now()
        cached = cache.get(key)
        if cached is not None and cached[1] > now.timestamp():
            return cached[0]
        value = compute()
        seconds = seconds_until_next_scheduled_change(now, longest=LONGEST_SECONDS)
        cache.set(key, (value, now.timestamp() + seconds), seconds)
        return value

    @cached_property
    def count(self):
        return self._cached("count", lambda: super(CachedPaginator, self).count)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = self._cached(
            f"page-{number}",
            lambda: list(
                self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page]
            ),
        )
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
        # In the list's order; a row that stopped being live in between is left out.
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
