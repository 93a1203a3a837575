from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pages.content_version import content_committed

        from .tasks import releases_written

        # Email alerts follow every committed write to releases (news/alerts.py).
        content_committed.connect(releases_written, dispatch_uid="news-alerts")
