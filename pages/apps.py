from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class PagesConfig(AppConfig):
    name = "pages"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import content_version

        connection_created.connect(watch_writes_on, dispatch_uid="content-writes")
        for connection in connections.all(initialized_only=True):
            watch_writes_on(connection)
        request_started.connect(content_version.request_started, dispatch_uid="content-request")
        request_finished.connect(content_version.request_finished, dispatch_uid="content-request")
        # A deploy runs migrate: what the previous code cached is not served by the new code.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="content-migrated")


def watch_writes_on(connection, **kwargs):
    from .content_version import watch_writes

    # First in the list: Django's execute_wrapper() context manager pops the last one.
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, watch_writes)


def after_migrate(**kwargs):
    from .content_version import content_changed

    content_changed()
