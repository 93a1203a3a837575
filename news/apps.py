from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class NewsConfig(AppConfig):
    name = "news"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from taggit.models import Tag

        from .models import Release

        # Topics are taggit's model, which cannot be a ChangesContent: renaming or deleting one
        # in the admin changes the filters and release pages that show it.
        post_save.connect(drop_cached_views, sender=Tag, dispatch_uid="topic-saved")
        post_delete.connect(drop_cached_views, sender=Tag, dispatch_uid="topic-deleted")
        # A release's countries or topics changed without saving it (a script, the shell)
        # change its filters and search results too.
        for through in (Release.countries.through, Release.tags.through):
            m2m_changed.connect(
                links_changed, sender=through, dispatch_uid=f"links-{through._meta.label}"
            )


def drop_cached_views(**kwargs):
    from pages.publishing import content_changed

    content_changed()


def links_changed(action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        drop_cached_views()
