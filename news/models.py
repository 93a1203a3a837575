import secrets
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from contacts.models import Country, PressContact
from pages.models import Image
from pages.publishing import Publishable, PublishableQuerySet
from pages.redirects import live_url_in_db, record_moves
from pages.richtext import RichTextField


class ReleaseQuerySet(PublishableQuerySet):
    def for_cards(self):
        """What a list of release cards shows, without a query per card."""
        return self.select_related("dateline_country", "image").only(
            "kind", "title", "slug", "summary", "dateline", "language", "publish_at",
            "status", "unpublish_at", "featured",
            "dateline_country__name", "dateline_country__slug",
            "image__file", "image__alt_text", "image__decorative", "image__renditions",
            "image__width", "image__height",
        )  # fmt: skip

    def shown_in(self, language=None):
        """Each translation group once, as a list in `language` shows it (the active language
        by default): its version in that language if live, else its original if live, else
        its first live version. Chained after live(), whose rule the alternatives follow.

        Said as what to leave out, each part a set computed once over the few translations
        (PostgreSQL hashes it) rather than a subquery for each of 100,000 releases: a count
        then takes 20 ms instead of 800."""
        language = language or get_language()
        live = Release.objects.live()
        versions = live.filter(translation_of__isnull=False)
        group = models.OuterRef("translation_of")
        # Versions in another language shown for want of a live original or a version in the
        # language: the first live one of their group.
        stand_ins = (
            versions.exclude(language=language)
            .alias(
                original_live=models.Exists(live.filter(pk=group)),
                version_in_language_live=models.Exists(
                    versions.filter(translation_of=group, language=language)
                ),
                earlier_version_live=models.Exists(
                    versions.filter(translation_of=group, pk__lt=models.OuterRef("pk"))
                ),
            )
            .filter(original_live=False, version_in_language_live=False, earlier_version_live=False)
        )
        return self.exclude(
            # Originals whose version in the language is live.
            pk__in=versions.filter(language=language).values("translation_of")
        ).exclude(
            models.Q(translation_of__isnull=False)
            & ~models.Q(language=language)
            & ~models.Q(pk__in=stand_ins.values("pk"))
        )


class Release(Publishable):
    class Kind(models.TextChoices):
        PRESS_RELEASE = "press-release", _("Press release")
        NEWS = "news", _("News")
        STORY = "story", _("Story")
        STATEMENT = "statement", _("Statement")
        BRIEFING_NOTE = "briefing-note", _("Briefing note")

    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.PRESS_RELEASE
    )
    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=255,
        unique=True,
        error_messages={"unique": _("Another release already has this slug; choose another.")},
        help_text=_(
            "The end of its address, as in /news/floods-in-the-sahel/. "
            "Keep it once published: links point to it."
        ),
    )
    dateline_country = models.ForeignKey(
        Country,
        verbose_name=_("dateline country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="datelined_releases",
        help_text=_("Where the release comes from; it opens the text: “China – …”."),
    )
    dateline = models.CharField(
        _("dateline text"),
        max_length=100,
        blank=True,
        help_text=_("Only if it differs from the country name, e.g. “Cox's Bazar”."),
    )
    countries = models.ManyToManyField(
        Country,
        verbose_name=_("countries"),
        blank=True,
        related_name="releases",
        help_text=_("Every country it concerns; the dateline country is added on save."),
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences for cards, feeds and search.")
    )
    body = RichTextField(_("body"))
    image = models.ForeignKey(
        Image, verbose_name=_("image"), null=True, blank=True, on_delete=models.SET_NULL
    )
    tags = TaggableManager(
        _("topics"), blank=True, help_text=_("Comma-separated, e.g. Labour migration, Climate.")
    )
    contacts = models.ManyToManyField(
        PressContact,
        verbose_name=_("press contacts"),
        through="ReleaseContact",
        blank=True,
        related_name="releases",
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="en"
    )
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
        help_text=_("For a French or Spanish version: the original release."),
    )
    featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Highlighted on the home page.")
    )
    source_key = models.CharField(
        _("imported from"),
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Identifies an imported release, so importing its file again updates it."),
    )
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Kept up to date by a PostgreSQL trigger (migration news 0002), also on bulk inserts;
    # empty on SQLite, whose search reads the text fields instead.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-id"]
        get_latest_by = "publish_at"
        indexes = [
            # The newsroom's order; with unpublish_at in it too, a page's ids come from the
            # index alone however deep the page.
            models.Index(
                fields=["status", "-publish_at", "-id", "unpublish_at"], name="release_live_idx"
            ),
            models.Index(
                fields=["unpublish_at"],
                condition=models.Q(unpublish_at__isnull=False),
                name="release_expiry_idx",
            ),
        ]
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        permissions = [("publish_release", _("Can publish, unpublish and schedule"))]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        """Its address in the language being shown: the French newsroom links an English
        release under /fr/, around it a French page."""
        return reverse("news:detail", args=[self.slug])

    @property
    def canonical_url(self):
        """Its address in its own language, where search engines and hreflang point."""
        with translation.override(self.language):
            return self.get_absolute_url()

    def save(self, *args, **kwargs):
        old_live_url = live_url_in_db(self)
        super().save(*args, **kwargs)
        record_moves([(old_live_url, self)])

    @property
    def kind_label(self):
        """get_kind_display() for less: that hashes each lazy label of the choices on every
        call, which cost a page of twenty search results half a millisecond."""
        return str(self.Kind(self.kind).label)

    @property
    def dateline_text(self):
        if self.dateline:
            return self.dateline
        return self.dateline_country.name if self.dateline_country_id else ""

    @property
    def body_with_dateline(self):
        """The body with the dateline opening its first paragraph, as printed releases have it."""
        body = mark_safe(self.body)  # sanitized when saved
        if not self.dateline_text:
            return body
        opening = format_html('<span class="dateline">{}</span> – ', self.dateline_text)
        if body.startswith("<p>"):
            return mark_safe(f"<p>{opening}{body[3:]}")
        return format_html("<p>{}</p>{}", opening, body)

    @property
    def tagged_items(self):
        """The links to its tags, which its versions follow."""
        through = self.tags.through
        return through.objects.filter(**through.lookup_kwargs(self))

    def sync_countries(self):
        """Keep the dateline country among the release's countries, so a country page
        finds every release about it through one relation."""
        if self.dateline_country_id:
            self.countries.add(self.dateline_country_id)

    def language_versions(self):
        """The other language versions of this release that are live."""
        original_id = self.translation_of_id or self.pk
        if original_id is None:  # an unsaved release in the admin preview
            return Release.objects.none()
        return (
            Release.objects.live()
            .filter(models.Q(pk=original_id) | models.Q(translation_of_id=original_id))
            .exclude(pk=self.pk)
            .only("title", "slug", "language")
        )


def live_versions_of_groups(releases):
    """{original id: [its group's live versions, in the order of settings.LANGUAGES]} for the
    translation groups these releases are in, in one query."""
    groups = {release.translation_of_id or release.pk for release in releases}
    order = [code for code, _name in settings.LANGUAGES]
    versions = {group: [] for group in groups}
    live = Release.objects.live().only("slug", "language", "translation_of_id")
    for version in live.filter(models.Q(pk__in=groups) | models.Q(translation_of__in=groups)):
        versions[version.translation_of_id or version.pk].append(version)
    for group in versions.values():
        group.sort(key=lambda version: order.index(version.language))
    return versions


class ReleaseContact(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="release_contacts")
    contact = models.ForeignKey(
        PressContact, verbose_name=_("press contact"), on_delete=models.PROTECT, related_name="+"
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["release", "contact"], name="unique_release_contact")
        ]
        verbose_name = _("press contact")
        verbose_name_plural = _("press contacts: “For more information, please contact”")

    def __str__(self):
        return str(self.contact)


class TitleWord(models.Model):
    """A word that some release's title holds, for typo tolerance: a query word that no
    release holds is searched as the title word closest to it. Filled by a PostgreSQL
    trigger (migration news 0008) and never emptied; unused on SQLite."""

    word = models.CharField(max_length=255, primary_key=True)

    def __str__(self):
        return self.word


class SearchDocument(models.Model):
    """What site search reads of a published release, in a narrow table: walking it in
    publishing order reads small rows, and its words carry the filter values as tokens
    (kind:news, language:fr, country:chad, region:africa, tag:health) so that the text
    index does the filtering. Kept by PostgreSQL triggers (migrations news 0009, 0010); empty on
    SQLite, whose search reads the releases instead. Read by news.search's SQL."""

    release = models.OneToOneField(
        Release, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    publish_at = models.DateTimeField()
    unpublish_at = models.DateTimeField(null=True)
    # The filter tokens of the document, space-separated: what search counts its facets from.
    filters = models.TextField(default="")
    document = SearchVectorField()

    class Meta:
        indexes = [
            models.Index(fields=["-publish_at", "-release"], name="search_document_live_idx")
        ]

    def __str__(self):
        return str(self.release_id)


@contextmanager
def search_documents_written_once():
    """For bulk writers, inside a transaction: the triggers leave the search documents alone
    (migration news 0010), and the releases whose ids are put in the yielded list get theirs
    written once at the end, instead of once per INSERT of releases, countries or topics."""
    release_ids = []
    if connection.vendor != "postgresql":
        yield release_ids
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL news.search_refresh = 'deferred'")
        yield release_ids
        cursor.execute(
            "SELECT set_config('news.search_refresh', 'immediate', true), "
            "news_search_refresh(%s::bigint[])",
            [release_ids],
        )


EMBARGO_LINK_LIFETIME = timedelta(days=7)


def new_embargo_token():
    return secrets.token_urlsafe(32)  # 256 random bits: unguessable


class EmbargoLinkQuerySet(models.QuerySet):
    def usable(self, now=None):
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class EmbargoLink(models.Model):
    """A private address where journalists read a scheduled release before its embargo lifts."""

    release = models.ForeignKey(
        Release, verbose_name=_("release"), on_delete=models.CASCADE, related_name="embargo_links"
    )
    token = models.CharField(max_length=64, unique=True, default=new_embargo_token, editable=False)
    shared_with = models.CharField(
        _("shared with"),
        max_length=200,
        help_text=_("Who receives this link, e.g. “Geneva press corps list”. For your records."),
    )
    expires_at = models.DateTimeField(
        _("expires at"),
        blank=True,
        help_text=_(
            "The link stops working at this time. Leave empty for 7 days after the embargo lifts."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = EmbargoLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("embargo link")
        verbose_name_plural = _("embargo links: private links for journalists before publication")

    def __str__(self):
        return self.shared_with

    def get_absolute_url(self):
        return reverse("news:embargo", args=[self.token])


# Email alerts (news/subscriptions.py, news/alerts.py). None of these rows is public content:
# a subscription or a sent alert changes no page, so caches are left alone.


def new_subscriber_token():
    return secrets.token_urlsafe(32)  # 256 random bits: the key to a subscriber's own pages


class Subscriber(models.Model):
    """An email address that asked for alerts of new releases. Nothing is sent to it until
    it confirms (double opt-in); `filters` then says which releases it receives."""

    changes_public_content = False

    # Lower-cased when subscribing, so that one address is one subscriber.
    email = models.EmailField(_("email"), max_length=254, unique=True)
    language = models.CharField(
        _("language of the emails"), max_length=5, choices=settings.LANGUAGES, default="en"
    )
    # {"country": [ids], "region": [ids], "tag": [ids], "kind": [values], "language": [codes]};
    # an empty or missing list accepts any value (see news/subscriptions.py).
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # In the links of every email: the subscriber's page to change filters or unsubscribe.
    token = models.CharField(max_length=64, unique=True, default=new_subscriber_token)
    # What the address last asked for on the subscription form, until it confirms:
    # {"filters": ..., "language": ..., "form": ...}, and the key its confirmation link holds.
    pending = models.JSONField(null=True, blank=True)
    pending_key = models.CharField(max_length=64, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["confirmed_at"], name="subscriber_confirmed_idx")]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self):
        # Not the address: the admin's log of deletions keeps this text after the person is gone.
        return _("Subscriber %(id)s") % {"id": self.pk}

    def get_absolute_url(self):
        return reverse("subscriptions:manage", args=[self.token])


class Consent(models.Model):
    """What a subscriber agreed to, when, and on which form: one row per request, confirmation
    or change, kept as long as the subscriber and deleted with them."""

    changes_public_content = False

    class Action(models.TextChoices):
        REQUESTED = "requested", _("Asked on the form")
        CONFIRMED = "confirmed", _("Confirmed from the email")
        CHANGED = "changed", _("Changed their alerts")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="consents")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    form = models.CharField(_("form"), max_length=300, help_text=_("The address of the form."))
    # Words rather than ids: what the person saw, even once a country or topic is renamed.
    alerts = models.TextField(_("alerts"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consent records")

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class ReleaseAlert(models.Model):
    """The email alert about one release (one per translation group: the first version to
    go live decides when; each subscriber gets the version in their language if live)."""

    changes_public_content = False

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Waiting for the release to go live")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    release = models.ForeignKey(
        Release, verbose_name=_("release"), on_delete=models.CASCADE, related_name="alerts"
    )
    # The original of the translation group: one alert per group.
    story = models.BigIntegerField(unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    # When the task that sends it is queued to run (the release's publish_at); empty when no
    # task waits, e.g. the release was unpublished before its turn.
    queued_for = models.DateTimeField(_("queued for"), null=True, blank=True)
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    sent = models.PositiveIntegerField(_("sent"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    # Consecutive failures to reach the mail server, and when to try again.
    retries = models.PositiveSmallIntegerField(default=0, editable=False)
    retry_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("email alert")
        verbose_name_plural = _("email alerts")

    def __str__(self):
        return self.get_status_display()


class Delivery(models.Model):
    """One alert to one subscriber: claimed by a worker for a while (a lease) before it is
    sent, so that two workers never send it twice and one that died leaves it to another.
    Deleted once the whole alert is sent; the counts stay on the alert."""

    changes_public_content = False

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    alert = models.ForeignKey(ReleaseAlert, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    claimed_by = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "subscriber"], name="unique_delivery")
        ]
        indexes = [
            models.Index(fields=["alert", "status", "claimed_until"], name="delivery_due_idx")
        ]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self):
        return f"{self.alert_id}/{self.subscriber_id}"
