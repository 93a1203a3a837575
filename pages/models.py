from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from iomsite.languages import address_in

from .content_version import cached_until_change
from .images import (
    RENDITION_SPECS,
    delete_renditions,
    make_renditions,
    rendition_source,
    validate_image_file,
    without_metadata,
)
from .publishing import Publishable, PublishableQuerySet
from .redirects import SlugRedirect, live_url_in_db, record_moves  # noqa: F401 (a model)
from .richtext import RichTextField
from .translations import TRANSLATION_LANGUAGES, text_digest

# Addresses the URLconf serves itself: no page may take them.
RESERVED_SLUGS = {"admin", "api", "media", "static", "search", "sitemap.xml", "robots.txt"}
# Apps whose index page takes its title and intro from the page at this path, if there is one.
# Pages below them would be hidden by the app's own URLs, so none may be created there.
APP_SECTIONS = {"news/", "where-we-work/", "media-contacts/"}


class Image(models.Model):
    file = models.ImageField(
        _("file"),
        upload_to="images/%Y/%m/",
        width_field="width",
        height_field="height",
        validators=[validate_image_file],
        help_text=_("JPEG, PNG, WebP or GIF. Resized copies for every screen are made on save."),
    )
    title = models.CharField(
        _("title"), max_length=255, help_text=_("For finding it in the library.")
    )
    alt_text = models.CharField(
        _("alternative text"),
        max_length=255,
        blank=True,
        help_text=_(
            "What the image shows, for people who cannot see it, e.g. "
            "“Families queue for water at a camp in Cox's Bazar”."
        ),
    )
    decorative = models.BooleanField(
        _("decorative"),
        default=False,
        help_text=_("Tick only if the image adds nothing to the text; screen readers skip it."),
    )
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    credit = models.CharField(
        _("credit"), max_length=255, blank=True, help_text=_("e.g. “IOM/Amanda Nero”.")
    )
    focal_x = models.PositiveSmallIntegerField(
        _("focal point, % from left"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_("Crops keep this point in view. 50 is the centre."),
    )
    focal_y = models.PositiveSmallIntegerField(
        _("focal point, % from top"), default=50, validators=[MaxValueValidator(100)]
    )
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    renditions = models.JSONField(default=dict, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-uploaded_at"]
        get_latest_by = "uploaded_at"
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed:
            # A new upload: what is stored, even the original, carries no GPS or camera data.
            # Named, because Django reads the stored width and height from this file.
            self.file.file = ContentFile(without_metadata(self.file.file), name=self.file.name)
        super().save(*args, **kwargs)
        if self.renditions.get("source") != rendition_source(self):
            old_renditions, self.renditions = self.renditions, make_renditions(self)
            super().save(update_fields=["renditions"])
            delete_renditions(old_renditions, keep=self.renditions)

    def clean(self):
        if not self.alt_text and not self.decorative:
            raise ValidationError(
                {"alt_text": _("Describe the image, or tick “decorative” if it adds nothing.")}
            )

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        delete_renditions(self.renditions)
        return result

    @property
    def alt(self):
        return "" if self.decorative else self.alt_text

    def rendition_set(self, spec):
        """The stored sizes of a spec, smallest first; empty if none was made."""
        return self.renditions.get(spec, []) if spec in RENDITION_SPECS else []

    def rendition_url(self, spec, image_format="fallback"):
        """URL of the smallest rendition of a spec, e.g. for admin thumbnails."""
        sizes = self.rendition_set(spec)
        return default_storage.url(sizes[0][image_format]) if sizes else ""

    def largest_rendition(self, spec="wide"):
        """The largest JPEG (or PNG) rendition of a spec, for sharing tags, feeds and the API:
        {"url", "width", "height", "bytes", "content_type"}, or None if none was made.
        "bytes" is None for renditions made before their length was recorded."""
        sizes = self.rendition_set(spec)
        if not sizes:
            return None
        largest = sizes[-1]
        path = largest["fallback"]
        return {
            "url": default_storage.url(path),
            "width": largest["width"],
            "height": largest["height"],
            "bytes": largest.get("fallback_bytes"),
            "content_type": "image/png" if path.endswith(".png") else "image/jpeg",
        }


class PageQuerySet(PublishableQuerySet):
    def menu(self):
        """Live pages in the main menu, as (top-level page, [children]) pairs, with their
        titles in the active language where a translation is live."""
        pages = list(
            self.live()
            .filter(show_in_menu=True)
            .only("title", "menu_title", "path", "parent_id", "sort_order")
        )
        show_translations(pages, fields=("title", "menu_title"))
        children = {}
        for page in pages:
            children.setdefault(page.parent_id, []).append(page)
        return [(page, children.get(page.pk, [])) for page in children.get(None, [])]


class Page(Publishable):
    # What a PageTranslation gives in another language; the rest of a page is shared.
    TRANSLATED_FIELDS = (
        "title",
        "menu_title",
        "summary",
        "body",
        "seo_title",
        "search_description",
    )
    # The language of the text shown; set to the translation's by show_translation().
    text_language = settings.LANGUAGE_CODE

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent page"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("Empty for a top-level section such as “Who we are”."),
    )
    sort_order = models.PositiveIntegerField(
        _("order"), default=0, help_text=_("Lower numbers come first in menus.")
    )
    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        help_text=_("The last part of the address, e.g. “what-we-do” in /our-work/what-we-do/."),
    )
    path = models.CharField(_("address"), max_length=500, unique=True, editable=False)
    menu_title = models.CharField(
        _("menu title"), max_length=100, blank=True, help_text=_("Shorter title for menus.")
    )
    show_in_menu = models.BooleanField(_("show in menu"), default=True)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences shown on cards and in menus.")
    )
    body = RichTextField(_("body"), blank=True)
    hero_image = models.ForeignKey(
        Image, verbose_name=_("hero image"), null=True, blank=True, on_delete=models.SET_NULL
    )
    seo_title = models.CharField(
        _("title for search engines"),
        max_length=255,
        blank=True,
        help_text=_("Leave empty to use the title."),
    )
    search_description = models.TextField(
        _("search description"),
        blank=True,
        help_text=_("Shown under the title in search results. Leave empty to use the summary."),
    )
    template_name = models.CharField(
        _("template"),
        max_length=100,
        blank=True,
        help_text=_("For developers: a special layout, e.g. pages/landing.html."),
    )
    # Kept up to date by a PostgreSQL trigger (migration pages 0004), for the site search;
    # empty on SQLite, whose search reads the text fields instead.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "title"]
        indexes = [models.Index(fields=["status", "publish_at"])]
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        permissions = [("publish_page", _("Can publish, unpublish and schedule"))]

    def __str__(self):
        return self.path_display

    def get_absolute_url(self):
        return reverse("pages:detail", args=[self.path.rstrip("/")])

    @property
    def path_display(self):
        return "/" + self.path

    @property
    def menu_label(self):
        return self.menu_title or self.title

    def compute_path(self):
        return (self.parent.path if self.parent else "") + self.slug + "/"

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A page cannot be placed inside itself.")})
            ancestor = ancestor.parent
        if self.parent is None and self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This address is reserved for the site itself.")})
        if self.parent and self.parent.path in APP_SECTIONS:
            raise ValidationError(
                {
                    "parent": _("Pages cannot be placed under %(path)s; the site lists its items.")
                    % {"path": self.parent.path_display}
                }
            )
        if self.slug and Page.objects.filter(path=self.compute_path()).exclude(pk=self.pk).exists():
            raise ValidationError(
                {
                    "slug": _("Another page already has the address %(path)s; choose another slug.")
                    % {"path": "/" + self.compute_path()}
                }
            )

    @transaction.atomic
    def save(self, *args, **kwargs):
        # Read paths from the database: this instance or its parent may hold stale copies.
        old_path = Page.objects.filter(pk=self.pk).values_list("path", flat=True).first()
        if self.parent_id:
            self.parent.path = Page.objects.values_list("path", flat=True).get(pk=self.parent_id)
        old_live_url = live_url_in_db(self)
        self.path = self.compute_path()
        super().save(*args, **kwargs)
        moves = [(old_live_url, self)]
        if old_path and old_path != self.path:
            moves += self._move_descendants(old_path)
        record_moves(moves)

    def _move_descendants(self, old_path):
        """Follow this page to its new path; returns (old live URL or None, page) pairs."""
        descendants = list(Page.objects.filter(path__startswith=old_path).exclude(pk=self.pk))
        moves = []
        for page in descendants:
            old_live_url = page.get_absolute_url() if page.is_live else None
            page.path = self.path + page.path.removeprefix(old_path)
            moves.append((old_live_url, page))
        Page.objects.bulk_update(descendants, ["path"])
        return moves

    def live_languages(self):
        """The languages this page is live in, the default one first; none if it is not live."""
        return page_languages().get(self.pk, [])

    def text_digest(self):
        return text_digest(self, self.TRANSLATED_FIELDS)

    def show_translation(self, translation, fields=TRANSLATED_FIELDS):
        """Show the translation's text instead of this page's (in memory only)."""
        for name in fields:
            setattr(self, name, getattr(translation, name))
        self.text_language = translation.language

    def new_translation(self, language, user=None):
        """A draft translation starting from this page's text, to be translated."""
        fields = {name: getattr(self, name) for name in self.TRANSLATED_FIELDS}
        return PageTranslation.objects.create(
            page=self,
            language=language,
            source_digest=self.text_digest(),
            created_by=user,
            updated_by=user,
            **fields,
        )

    def ancestors(self):
        """Live ancestors from the top, in one query: the breadcrumb trail."""
        parts = self.path.strip("/").split("/")[:-1]
        prefixes = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
        return sorted(Page.objects.live().filter(path__in=prefixes), key=lambda p: len(p.path))


class PageTranslation(Publishable):
    """A page's text in another language, published on its own; the page's place in the tree,
    address, image and template are the page's."""

    page = models.ForeignKey(
        Page, verbose_name=_("page"), on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=5, choices=TRANSLATION_LANGUAGES)
    title = models.CharField(_("title"), max_length=255)
    menu_title = models.CharField(
        _("menu title"), max_length=100, blank=True, help_text=_("Shorter title for menus.")
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences shown on cards and in menus.")
    )
    body = RichTextField(_("body"), blank=True)
    seo_title = models.CharField(
        _("title for search engines"),
        max_length=255,
        blank=True,
        help_text=_("Leave empty to use the title."),
    )
    search_description = models.TextField(
        _("search description"),
        blank=True,
        help_text=_("Shown under the title in search results. Leave empty to use the summary."),
    )
    # The digest of the page's text this translation was made from (pages/translations.py).
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["page__path", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "language"],
                name="one_page_translation_per_language",
                violation_error_message=_(
                    "This page already has a version in this language: edit that one."
                ),
            )
        ]
        indexes = [models.Index(fields=["language", "status", "publish_at"])]
        verbose_name = _("page translation")
        verbose_name_plural = _("page translations")
        permissions = [("publish_pagetranslation", _("Can publish, unpublish and schedule"))]

    def __str__(self):
        return f"{self.page.path_display} ({self.language})"

    def get_absolute_url(self):
        return address_in(self.page, self.language)

    @property
    def is_out_of_date(self):
        return self.source_digest != self.page.text_digest()


def show_translations(pages, fields=Page.TRANSLATED_FIELDS):
    """Give each page the text of its live translation into the active language, where there
    is one, and return the pages: one query, none in the default language."""
    language = translation.get_language()
    if language == settings.LANGUAGE_CODE or not pages:
        return pages
    translations = PageTranslation.objects.live().filter(
        language=language, page__in=[page.pk for page in pages if page.pk]
    )
    by_page = {item.page_id: item for item in translations.only("page_id", "language", *fields)}
    for page in pages:
        if found := by_page.get(page.pk):
            page.show_translation(found, fields)
    return pages


def page_languages():
    """{page id: [languages it is live in]}: the default language for every live page, then
    each language with a live translation; kept until content changes. For hreflang links and
    the sitemap."""

    def build():
        live_pages = Page.objects.live().values_list("pk", flat=True)
        languages = {pk: [settings.LANGUAGE_CODE] for pk in live_pages}
        translated = PageTranslation.objects.live().filter(page__in=Page.objects.live())
        for page_id, language in translated.values_list("page_id", "language"):
            languages[page_id].append(language)
        return languages

    return cached_until_change("page-live-languages", build)


from .review import Review, ReviewEvent  # noqa: E402, F401 (models)
from .staff import StaffPreferences  # noqa: E402, F401 (a model)
