"""The content version, and everything cached under it.

Every write to content changes the content version once its transaction commits, whatever
made it: a form, an admin bulk action, a QuerySet update() or delete(), bulk_create(), a
many-to-many change, raw SQL, a fixture, a restore, a shell session. The write is seen where
every one of them ends up, in the SQL that goes through Django's database connection
(`watch_writes`), not in the model methods that some of them skip. Content is every table of
the content apps, unless a model says `changes_public_content = False`; a new model is
content until it says otherwise, so a forgotten model makes caches too short, never stale.

Everything cached that shows content is keyed by the version, so nothing built before a
write is served after it, on any app server. It also ends at the next scheduled publish or
expiry, the other way what the public sees changes (`next_scheduled_change`).

docs/architecture.md lists the caches, their keys and lifetimes.
"""

import re
import time
from functools import cache as once

from asgiref.local import Local
from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import get_language

from .publishing import Publishable, Status

CONTENT_VERSION_KEY = "content-version"
CONTENT_APPS = ("pages", "contacts", "news", "taggit")

# Sent once a transaction that wrote content has committed, with `tables`, the set of content
# tables it wrote; e.g. for work that follows a release going live.
content_committed = Signal()

# A request reads the version once and renders everything under it; outside requests
# (commands, shells) it is read afresh every time. `written` holds the content tables this
# thread's transaction wrote, `unread` whether it wrote since it last read the version.
_local = Local()

# The statements that write, and the table they write; TRUNCATE (PostgreSQL's flush) may
# name several. A leading WITH is searched in full: a read can start with one too.
_WRITE = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+"
    r"(?:ONLY\s+)?[\"`]?(\w+)",
    re.IGNORECASE,
)
_TRUNCATE = re.compile(r"\s*TRUNCATE\b", re.IGNORECASE)
_WITH = re.compile(r"\s*WITH\b", re.IGNORECASE)
_ANY_WRITE = re.compile(
    r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+(?:ONLY\s+)?[\"`]?(\w+)",
    re.IGNORECASE,
)
_NAME = re.compile(r"\w+")


@once
def content_tables():
    return frozenset(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in CONTENT_APPS and getattr(model, "changes_public_content", True)
    )


def tables_written(sql):
    """The content tables a statement writes (empty for reads and other tables)."""
    if sql[:6].upper() == "SELECT":
        return frozenset()
    if match := _WRITE.match(sql):
        names = {match[1]}
    elif _TRUNCATE.match(sql):
        names = set(_NAME.findall(sql))
    elif _WITH.match(sql):
        names = set(_ANY_WRITE.findall(sql))
    else:
        return frozenset()
    return content_tables().intersection(names)


def watch_writes(execute, sql, params, many, context):
    """A database execute wrapper (installed on every connection by pages.apps): a statement
    that writes content changes the version when its transaction commits."""
    result = execute(sql, params, many, context)
    if tables := tables_written(sql):
        _written(context["connection"], tables)
    return result


def _written(connection, tables):
    if not connection.in_atomic_block:  # autocommit: committed already
        _local.written = tables
        _committed()
        return
    _local.unread = True
    if _commit_pending(connection):
        _local.written |= tables
    else:
        _local.written = tables
        transaction.on_commit(_committed, using=connection.alias, robust=True)


def _commit_pending(connection):
    """Whether a change is already due when this transaction commits: a callback that a
    rolled-back savepoint took with it, or one from an earlier transaction, does not count."""
    savepoints = set(connection.savepoint_ids)
    return any(
        func is _committed and taken <= savepoints
        for taken, func, _robust in connection.run_on_commit
    )


def _committed():
    tables = getattr(_local, "written", frozenset())
    _local.written = frozenset()
    _local.unread = False
    _new_version()
    content_committed.send(sender=None, tables=tables)


def content_version():
    """A number that changes whenever public content changes, for cache keys.

    Inside a transaction that wrote content, reading it changes it once more: what this
    thread caches from then on shows its own writes and must not be found by others under
    the version they still read (the commit changes it again for everyone)."""
    if getattr(_local, "unread", False):
        _local.unread = False
        return _new_version()
    version = getattr(_local, "version", None)
    if version is not None:
        return version
    version = _shared_version()
    if version is None:
        version = timezone.now().timestamp()
        if cache.add(CONTENT_VERSION_KEY, version, timeout=None):
            _announce(version)
    if getattr(_local, "in_request", False):
        _local.version = version
    return version


def content_changed():
    """Change the version now, for content changed outside Django's connection."""
    return _new_version()


def _new_version():
    version = timezone.now().timestamp()
    cache.set(CONTENT_VERSION_KEY, version, timeout=None)
    _announce(version)
    if getattr(_local, "in_request", False):
        _local.version = version
    return version


def _shared_version():
    """The version in the shared cache: on Redis, this process's copy of it, which every
    change is announced to (iomsite/redis_cache.py), rather than a round trip per request."""
    watched = getattr(cache, "watched", None)
    version = watched(CONTENT_VERSION_KEY) if watched else None
    return cache.get(CONTENT_VERSION_KEY) if version is None else version


def _announce(version):
    announce = getattr(cache, "announce", None)
    if announce:
        announce(CONTENT_VERSION_KEY, version)


def request_started(**kwargs):
    _local.version = None
    _local.in_request = True
    _local.started_at = timezone.now()


def request_finished(**kwargs):
    _local.version = None
    _local.in_request = False


def request_time():
    """When the current request began (outside requests: now). What a request shows is true
    as of then, since its querysets take the time when they are built: how long it may be
    cached is counted from then, so a release going live during the request is not missed."""
    if getattr(_local, "in_request", False):
        return _local.started_at
    return timezone.now()


def next_scheduled_change(now=None):
    """The next moment anything publishable goes live or expires (None if nothing is planned),
    worked out once per content version and again only when that moment has passed."""
    now = now or timezone.now()
    key = f"next-scheduled-change:{content_version()}"
    found, moment = _cached(key, now.timestamp())
    if found:
        return moment
    publishable = [model for model in apps.get_models() if issubclass(model, Publishable)]
    moments = [next_change_at(model._default_manager.all(), now) for model in publishable]
    moment = min((moment for moment in moments if moment is not None), default=None)
    expires = moment.timestamp() if moment else float("inf")
    _store(key, moment, expires, timeout=24 * 3600)
    return moment


def next_change_at(queryset, now=None):
    """When the next item of the queryset goes live or expires on its own, or None.

    Two index-friendly LIMIT 1 queries rather than one aggregate over every published row.
    """
    now = now or timezone.now()
    published = queryset.filter(status=Status.PUBLISHED).order_by()
    moments = [
        published.filter(**{f"{field}__gt": now})
        .order_by(field)
        .values_list(field, flat=True)
        .first()
        for field in ("publish_at", "unpublish_at")
    ]
    return min((moment for moment in moments if moment is not None), default=None)


def seconds_until_next_scheduled_change(now=None, longest=300):
    """How long anything cached that shows published content stays true, in whole seconds
    (cache backends want them), never past the next scheduled change."""
    now = now or request_time()
    moment = next_scheduled_change(now)
    if moment is None:
        return longest
    return max(1, min(longest, int((moment - now).total_seconds())))


def shared_key(key):
    """Where cached_until_change() keeps the value of `key` in the shared cache."""
    return f"until-change:{content_version()}:{get_language()}:{key}"


def cached_until_change(key, compute, longest=3600, in_process=True):
    """compute(), shared through the cache until content changes or time changes it (the
    next scheduled publish or expiry), e.g. a list's count or the ids on one of its pages.
    Also kept in this process unless in_process is False (values too many or too large).
    Kept per language: what is computed may hold translated names or labels."""
    now = request_time()
    key = shared_key(key)
    found, value = _cached(key, now.timestamp(), in_process)
    if found:
        return value
    building = f"building:{key}"
    # After an edit every app server misses at once: one builds (the newsroom's counts take a
    # second at 100,000 releases), the others wait a little for its result.
    claimed = cache.add(building, 1, timeout=BUILD_LOCK_SECONDS)
    if not claimed:
        deadline = time.monotonic() + BUILD_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.05)
            found, value = _cached(key, now.timestamp(), in_process)
            if found:
                return value
    try:
        value = compute()
        seconds = seconds_until_next_scheduled_change(now, longest=longest)
        _store(key, value, now.timestamp() + seconds, seconds, in_process)
    finally:
        if claimed:
            cache.delete(building)
    return value


# How long a request waits for another process building the same value, and how long that
# claim lasts if its process dies.
BUILD_WAIT_SECONDS = 2
BUILD_LOCK_SECONDS = 10

# What _cached() found in the shared cache, kept in this process too: a hit then costs no
# round trip and no unpickling. Every key holds the content version after its first colon
# (shared_key(), next_scheduled_change()), so an edit on any server makes these entries
# unreachable at once; only the entries of the version last stored are kept. The values are
# shared by requests and must not be changed by their readers.
_in_process = {}
_in_process_version = None  # the content version of the entries in _in_process
IN_PROCESS_ENTRIES = 2000


def _cached(key, now, in_process=True):
    """(True, value) while the entry stored under key has not expired, else (False, None)."""
    entry = _in_process.get(key) if in_process else None
    if entry is None or entry[1] <= now:
        entry = cache.get(key)
        if entry is None or entry[1] <= now:
            return False, None
        if in_process:
            _remember(key, entry)
    return True, entry[0]


def _store(key, value, expires, timeout, in_process=True):
    entry = (value, expires)
    cache.set(key, entry, timeout)
    if in_process:
        _remember(key, entry)


def _remember(key, entry):
    """Keep the entry in this process, dropping those of other content versions: after a change
    nothing reads them again, and the objects they hold cost every garbage collection time (a
    benchmark that changed the version before each search kept 1.2 million objects in 2,000
    stale entries, and each full collection took 200 ms). The version last kept wins, not the
    greatest: versions are times, and servers' clocks differ."""
    global _in_process_version
    version = key.split(":", 2)[1]
    if version != _in_process_version:
        _in_process.clear()
        _in_process_version = version
    if len(_in_process) >= IN_PROCESS_ENTRIES:
        _in_process.pop(next(iter(_in_process)))  # the oldest: dicts keep insertion order
    _in_process[key] = entry
