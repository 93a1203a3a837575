"""The admin's home: what is waiting for each staff member, in short lists.

Every panel reads at most PANEL_SIZE rows with a fixed number of queries, whatever the size
of the site (tests/site/test_dashboard.py counts them; `make bench` times the page at
100,000 releases). Times are shown in the staff member's own zone (pages/staff.py).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from heapq import nlargest, nsmallest

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from news.models import EmbargoLink, Release
from pages.models import Page
from pages.publishing import Status
from pages.review import Review, ReviewEvent, may_edit, may_publish
from pages.staff import StaffPreferences, time_zone_of
from pages.translations import TranslationState

PANEL_SIZE = 8
EXPIRING_WITHIN = timedelta(days=14)
# Of the newest live or scheduled originals, how many the translations panel looks at.
TRANSLATION_WINDOW = 50
PUBLISHABLE = (Release, Page)


@dataclass
class Row:
    item: object
    when: datetime | None = None
    note: str = ""
    review: object = None
    view: str = "change"  # the admin page the row links to
    url: str = field(init=False)

    def __post_init__(self):
        opts = self.item._meta
        self.url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_{self.view}", args=[quote(self.item.pk)]
        )

    @property
    def kind(self):
        return self.item._meta.verbose_name


def my_drafts(user, models, now):
    rows = []
    for model in models:
        drafts = (
            model.objects.filter(status=Status.DRAFT)
            .filter(Q(created_by=user) | Q(updated_by=user))
            .order_by("-updated_at")
        )
        rows += [Row(item, item.updated_at) for item in drafts[:PANEL_SIZE]]
    return nlargest(PANEL_SIZE, rows, key=lambda row: row.when)


def reviews_panel(user, models, mine):
    """Items in review that this publisher may decide (`mine` False), or that this user
    submitted and are in review or sent back (`mine` True)."""
    types = ContentType.objects.get_for_models(*models).values()
    reviews = Review.objects.filter(content_type__in=types).select_related(
        "submitted_by", "reviewer"
    )
    if mine:
        stages = [Review.Stage.IN_REVIEW, Review.Stage.CHANGES_REQUESTED]
        reviews = reviews.filter(submitted_by=user, stage__in=stages).order_by("-submitted_at")
    else:
        reviews = reviews.filter(stage=Review.Stage.IN_REVIEW)
        reviews = reviews.filter(Q(reviewer=user) | Q(reviewer=None)).order_by("submitted_at")
    reviews = reviews.prefetch_related("item")[:PANEL_SIZE]
    return [
        # Authors go to the form to make changes, publishers to the review to decide.
        Row(review.item, review.submitted_at, review=review, view="change" if mine else "review")
        for review in reviews
        if review.item is not None  # deleted since
    ]


def scheduled(models, now):
    rows = []
    for model in models:
        items = model.objects.filter(status=Status.PUBLISHED, publish_at__gt=now)
        rows += [Row(item, item.publish_at) for item in items.order_by("publish_at")[:PANEL_SIZE]]
    return nsmallest(PANEL_SIZE, rows, key=lambda row: row.when)


def open_embargo_links(now):
    links = (
        EmbargoLink.objects.usable(now)
        .filter(release__status=Status.PUBLISHED, release__publish_at__gt=now)
        .select_related("release")
        .order_by("release__publish_at", "pk")[:PANEL_SIZE]
    )
    return [Row(link.release, link.expires_at, note=link.shared_with) for link in links]


def recently_published(models, now):
    """Live items, newest first, each with who published or scheduled it: the publishing
    log's last word on it, else its last editor."""
    rows = []
    for model in models:
        items = model.objects.live(now).select_related("updated_by").order_by("-publish_at")
        rows += [Row(item, item.publish_at) for item in items[:PANEL_SIZE]]
    rows = nlargest(PANEL_SIZE, rows, key=lambda row: row.when)
    publishing = [ReviewEvent.Action.PUBLISHED, ReviewEvent.Action.SCHEDULED]
    wanted = Q(pk__in=[])
    types = ContentType.objects.get_for_models(*models)
    for row in rows:
        wanted |= Q(content_type=types[type(row.item)], object_id=row.item.pk)
    events = ReviewEvent.objects.filter(wanted, action__in=publishing).select_related("user")
    by = {}
    for event in events.order_by("at"):  # the last one wins
        by[(event.content_type_id, event.object_id)] = event.user
    for row in rows:
        publisher = by.get((types[type(row.item)].pk, row.item.pk), row.item.updated_by)
        row.note = publisher.get_full_name() or publisher.get_username() if publisher else ""
    return rows


def expiring_soon(models, now):
    rows = []
    for model in models:
        items = model.objects.live(now).filter(unpublish_at__lte=now + EXPIRING_WITHIN)
        rows += [
            Row(item, item.unpublish_at) for item in items.order_by("unpublish_at")[:PANEL_SIZE]
        ]
    return nsmallest(PANEL_SIZE, rows, key=lambda row: row.when)


@dataclass
class TranslationTask:
    """A recent original with languages to act on: missing, or out of date since the original
    changed. `languages` are the translation admin's states (pages/translation_admin.py)."""

    row: Row
    language_name: str
    languages: list
    model_admin: object

    @property
    def opts(self):
        return self.model_admin.opts


# What the panel looks at: the newest originals of each kind, live or scheduled.
TRANSLATED_MODELS = [(Release, "-publish_at"), (Page, "-updated_at")]
TO_DO = {TranslationState.MISSING, TranslationState.OUT_OF_DATE}


def translations_to_do(request, site, now):
    """Originals missing a version in a language of the site, or whose version is out of date,
    for the kinds the user may translate: two queries a kind, whatever the data size."""
    names = dict(settings.LANGUAGES)
    tasks = []
    for model, newest_first in TRANSLATED_MODELS:
        model_admin = site._registry.get(model)
        if model_admin is None or not model_admin.may_translate(request):
            continue
        originals = list(
            model_admin.original_queryset()
            .filter(status=Status.PUBLISHED)
            .filter(Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now))
            .order_by(newest_first, "-id")[:TRANSLATION_WINDOW]
        )
        translations = model_admin.translations_by_original(originals)
        for original in originals:
            states = model_admin.language_states(original, translations.get(original.pk, {}))
            if to_do := [state for state in states if state["state"] in TO_DO]:
                language = names[model_admin.original_language(original)]
                row = Row(original)
                tasks.append(TranslationTask(row, language, to_do, model_admin))
    return tasks[:PANEL_SIZE]


def quick_actions(user):
    actions = [
        (Release, _("New release")),
        (Page, _("New page")),
    ]
    links = [
        (label, reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add"))
        for model, label in actions
        if user.has_perm(f"{model._meta.app_label}.add_{model._meta.model_name}")
    ]
    if user.has_perm("pages.add_image"):
        links.append((_("Upload images"), reverse("admin:pages_image_add")))
    return links


def dashboard(request, site):
    """The dashboard's panels for this user, as template context."""
    user, now = request.user, timezone.now()
    editable = [model for model in PUBLISHABLE if may_edit(user, model)]
    publishable = [model for model in editable if may_publish(user, model)]
    return {
        "staff_time_zone": time_zone_of(user),
        "quick_actions": quick_actions(user),
        "panels_shown": bool(editable),
        "my_drafts": my_drafts(user, editable, now),
        "my_submissions": reviews_panel(user, editable, mine=True),
        "waiting_for_me": reviews_panel(user, publishable, mine=False) if publishable else None,
        "scheduled": scheduled(editable, now),
        "embargo_links": open_embargo_links(now) if Release in editable else [],
        "recently_published": recently_published(editable, now),
        "expiring_soon": expiring_soon(editable, now),
        "translations": translations_to_do(request, site, now),
    }


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = StaffPreferences
        fields = ["time_zone"]


def preferences_view(request, site):
    preferences = StaffPreferences.objects.filter(user=request.user).first()
    preferences = preferences or StaffPreferences(user=request.user, time_zone=settings.TIME_ZONE)
    form = PreferencesForm(request.POST or None, instance=preferences)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your preferences are saved."))
        return redirect("admin:index")
    context = {
        **site.each_context(request),
        "title": _("Your preferences"),
        "form": form,
    }
    return TemplateResponse(request, "admin/preferences.html", context)
