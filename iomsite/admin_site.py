"""The admin as staff use it: the dashboard as its home, sections named for the work rather
than for the apps, and a one-time code at sign-in when ADMIN_REQUIRE_2FA is on.

Installed as the default site by NewsroomAdminConfig (in INSTALLED_APPS instead of
"django.contrib.admin"), so `admin.site` and every `@admin.register` use it.
"""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.urls import path
from django.utils.translation import gettext_lazy as _

# The index by task: (section, [app_label.ModelName, ...]). A registered model missing here
# lands in "Other", so nothing registered is ever out of reach.
SECTIONS = [
    (_("Newsroom"), ["news.Release", "taggit.Tag", "pages.ReviewEvent"]),
    (_("Website"), ["pages.Page", "pages.PageTranslation", "pages.Image", "pages.SlugRedirect"]),
    (
        _("Directory"),
        ["contacts.Region", "contacts.Country", "contacts.Office", "contacts.PressContact"],
    ),
    (_("Journalists"), ["news.Subscriber"]),
    (
        _("Administration"),
        [
            "auth.User",
            "auth.Group",
            "axes.AccessAttempt",
            "axes.AccessFailureLog",
            "axes.AccessLog",
            "otp_totp.TOTPDevice",
            "django_tasks_database.DBTaskResult",
        ],
    ),
]
OTHER = _("Other")
# Other apps' models under the names staff know them by.
RENAMED = {
    "axes.AccessAttempt": _("Sign-in attempts"),
    "axes.AccessFailureLog": _("Failed sign-ins"),
    "axes.AccessLog": _("Sign-in log"),
    "otp_totp.TOTPDevice": _("Two-factor devices"),
    "django_tasks_database.DBTaskResult": _("Background tasks"),
}


class NewsroomAdminSite(AdminSite):
    site_header = f"{settings.SITE_SHORT_NAME} website"
    site_title = f"{settings.SITE_SHORT_NAME} website admin"
    index_title = _("Dashboard")
    index_template = "admin/dashboard.html"

    @property
    def login_form(self):
        if settings.ADMIN_REQUIRE_2FA:
            from django_otp.admin import OTPAdminAuthenticationForm

            return OTPAdminAuthenticationForm
        return None

    @property
    def login_template(self):
        return "otp/admin111/login.html" if settings.ADMIN_REQUIRE_2FA else None

    def has_permission(self, request):
        # With 2FA required, a session signed in without a code is treated as not staff.
        return super().has_permission(request) and (
            not settings.ADMIN_REQUIRE_2FA or request.user.is_verified()
        )

    def get_app_list(self, request, app_label=None):
        """Django's list of one app for its own page; on the index and in the sidebar, the
        sections of SECTIONS holding a model this user may use, in that order."""
        if app_label is not None:
            return super().get_app_list(request, app_label)
        models = {
            model_dict["model"]._meta.label: model_dict
            for app in super().get_app_list(request)
            for model_dict in app["models"]
        }
        for label, name in RENAMED.items():
            if label in models:
                models[label]["name"] = name
        placed = {label for _name, labels in SECTIONS for label in labels}
        other = [label for label in models if label not in placed]
        sections = []
        for name, labels in [*SECTIONS, (OTHER, other)]:
            shown = [models[label] for label in labels if label in models]
            if shown:
                sections.append(
                    {
                        "name": name,
                        # A section has no page of its own: its heading opens its first list.
                        "app_label": str(name).lower(),
                        "app_url": shown[0]["admin_url"] or shown[0]["add_url"] or "",
                        "has_module_perms": True,
                        "models": shown,
                    }
                )
        return sections

    def index(self, request, extra_context=None):
        from .dashboard import dashboard

        return super().index(request, {**dashboard(request, self), **(extra_context or {})})

    def autocomplete_view(self, request):
        from pages.editing import ThumbnailAutocompleteJsonView

        return ThumbnailAutocompleteJsonView.as_view(admin_site=self)(request)

    def preferences(self, request):
        from .dashboard import preferences_view

        return preferences_view(request, self)

    def get_urls(self):
        return [
            path("preferences/", self.admin_view(self.preferences), name="preferences"),
            *super().get_urls(),
        ]


class NewsroomAdminConfig(AdminConfig):
    default_site = "iomsite.admin_site.NewsroomAdminSite"
