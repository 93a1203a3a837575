"""Pagination that stays cheap on a decade of content.

A COUNT over every live row on each request, and an OFFSET that makes the database walk
and fetch every skipped row, are what make page 2,000 of a large list slow. Here the count
is cached per list until its content changes, and a page is fetched in two steps: the ids
of its rows (an index-only scan), then those rows.
"""

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.functional import cached_property

from .publishing import content_version, seconds_until_next_scheduled_change

LONGEST_COUNT_SECONDS = 3600


class CachedCountPaginator(Paginator):
    """A Paginator over a live() queryset whose count is shared through the cache.

    `count_key` names the list and its filters, e.g. "news?kind=story"; the key also holds
    the content version, so any edit gives a fresh count, and the cached count never
    outlives the next scheduled change of the listed model.
    """

    def __init__(self, object_list, per_page, count_key, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        digest = hashlib.sha256(count_key.encode()).hexdigest()[:32]
        self.count_cache_key = f"count:{content_version()}:{digest}"

    @cached_property
    def count(self):
        now = timezone.now()
        cached = cache.get(self.count_cache_key)
        if cached is not None and cached[1] > now.timestamp():
            return cached[0]
        count = super().count
        seconds = seconds_until_next_scheduled_change(now, longest=LONGEST_COUNT_SECONDS)
        cache.set(self.count_cache_key, (count, now.timestamp() + seconds), seconds)
        return count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
        # In the list's order; a row that stopped being live in between is left out.
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
