"""The admin's side of translations: "Add a French version" on an original's change form,
the original's text beside a translation's form, marking a translation up to date, and the
translation status page (originals by language: missing, draft, live, out of date)."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .forms import PublishableAdminForm
from .translations import translation_state

STATUS_PER_PAGE = 50


class TranslationAdminForm(PublishableAdminForm):
    """The form of a translation: the translator says when it matches the current original."""

    up_to_date = forms.BooleanField(
        label=gettext_lazy("Matches the current original"),
        required=False,
        help_text=gettext_lazy(
            "Tick when this version says what the original says now; it then stops showing as "
            "out of date."
        ),
    )


class TranslationFormMixin:
    """For the admin of translations: the original's text beside the form, and the
    "matches the current original" box."""

    form = TranslationAdminForm

    def original_of(self, translation):
        raise NotImplementedError

    @admin.display(description=gettext_lazy("original"))
    def original_text(self, translation):
        original = self.original_of(translation)
        if original is None:
            return "—"
        state = _("Changed since this version was made.") if translation.is_out_of_date else ""
        return format_html(
            '<div class="original-text" lang="{}"><p><strong>{}</strong></p><p>{}</p>'
            '<div class="original-body">{}</div></div><p class="out-of-date">{}</p>',
            getattr(original, "language", settings.LANGUAGE_CODE),
            original.title,
            original.summary,
            mark_safe(original.body),  # sanitized when saved
            state,
        )

    def save_model(self, request, obj, form, change):
        original = self.original_of(obj)
        if form.cleaned_data.get("up_to_date") and original is not None:
            obj.source_digest = original.text_digest()
        super().save_model(request, obj, form, change)


class TranslatedAdminMixin:
    """For the admin of originals: "Add a <language> version" buttons on the change form, and
    the translation status page at translations/. The model admin says how its translations
    are found, made and edited. The model's admin/<app>/<model>/change_form.html extends
    admin/translated_change_form.html, which shows the buttons."""

    change_list_template = "admin/translated_change_list.html"

    def original_queryset(self):
        """The originals, with their translated fields loaded."""
        raise NotImplementedError

    def original_language(self, original):
        return settings.LANGUAGE_CODE

    def translations_by_original(self, originals):
        """{original id: {language: translation}} for these originals, in one query."""
        raise NotImplementedError

    def may_translate(self, request):
        raise NotImplementedError

    def translation_change_url(self, translation):
        opts = translation._meta
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
            args=[translation.pk],
        )

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "translations/",
                self.admin_site.admin_view(self.translation_status_view),
                name=f"{prefix}_translations",
            ),
            path(
                "<path:object_id>/translate/<str:language>/",
                self.admin_site.admin_view(require_POST(self.add_translation_view)),
                name=f"{prefix}_translate",
            ),
            *super().get_urls(),
        ]

    def language_states(self, original, translations):
        """For each language of the site: its code, name, the translation's state (None in the
        original's own language) and the address of its form."""
        digest = original.text_digest()
        own = self.original_language(original)
        states = []
        for code, name in settings.LANGUAGES:
            translation = translations.get(code)
            states.append(
                {
                    "code": code,
                    "name": name,
                    "state": None if code == own else translation_state(translation, digest),
                    "url": self.translation_change_url(translation) if translation else "",
                }
            )
        return states

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self.is_original(obj):
            translations = self.translations_by_original([obj]).get(obj.pk, {})
            context["translation_states"] = self.language_states(obj, translations)
            context["may_translate"] = self.may_translate(request)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def is_original(self, obj):
        return True

    def add_translation_view(self, request, object_id, language):
        original = self.get_object(request, unquote(object_id))
        if original is None or not self.is_original(original):
            raise Http404
        if not self.may_translate(request):
            raise PermissionDenied
        languages = dict(settings.LANGUAGES)
        if language not in languages or language == self.original_language(original):
            raise Http404
        existing = self.translations_by_original([original]).get(original.pk, {}).get(language)
        if existing is None:
            try:
                with transaction.atomic():
                    existing = original.new_translation(language, request.user)
            except IntegrityError:  # made by someone else a moment ago
                existing = self.translations_by_original([original])[original.pk][language]
            else:
                self.message_user(
                    request,
                    _("A draft %(language)s version was made from the original: translate it.")
                    % {"language": languages[language]},
                    messages.SUCCESS,
                )
        return redirect(self.translation_change_url(existing))

    def translation_status_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        page = Paginator(self.original_queryset(), STATUS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        originals = list(page)
        translations = self.translations_by_original(originals)
        rows = [
            (original, self.language_states(original, translations.get(original.pk, {})))
            for original in originals
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Translations of %(things)s") % {"things": self.opts.verbose_name_plural},
            "rows": rows,
            "page_obj": page,
            "may_translate": self.may_translate(request),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/translation_status.html", context)
