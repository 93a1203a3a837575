from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from contacts.models import Country, PressContact
from pages.models import Image
from pages.publishing import Publishable, PublishableQuerySet
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
        help_text=_("Its address: /news/<slug>/. Keep it once published, links point to it."),
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

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("news:detail", args=[self.slug])

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

    def sync_countries(self):
        """Keep the dateline country among the release's countries, so a country page
        finds every release about it through one relation."""
        if self.dateline_country_id:
            self.countries.add(self.dateline_country_id)

    def language_versions(self):
        """The other language versions of this release that are live."""
        original_id = self.translation_of_id or self.pk
        return (
            Release.objects.live()
            .filter(models.Q(pk=original_id) | models.Q(translation_of_id=original_id))
            .exclude(pk=self.pk)
            .only("title", "slug", "language")
        )


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
