from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class NewsConfig(AppConfig):
    name = "news"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from taggit.models import Tag

        # Topics are taggit's model, which cannot be a ChangesContent: renaming or deleting one
        # in the admin changes the filters and release pages that show it.
        post_save.connect(topic_changed, sender=Tag, dispatch_uid="topic-saved")
        post_delete.connect(topic_changed, sender=Tag, dispatch_uid="topic-deleted")


def topic_changed(**kwargs):
    from pages.publishing import content_changed

    content_changed()
