from functools import cache

from babel import Locale
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pages.richtext import RichTextField
from pages.translations import FALLBACK_HELP, localized

from . import phones
from .phones import PhoneNumberField


@cache
def territory_names(language):
    """CLDR's names of countries and territories in a language, by ISO code."""
    return Locale.parse(language).territories


class Region(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_fr = models.CharField(
        _("name in French"), max_length=100, blank=True, help_text=FALLBACK_HELP
    )
    name_es = models.CharField(
        _("name in Spanish"), max_length=100, blank=True, help_text=FALLBACK_HELP
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    @property
    def local_name(self):
        return localized(self, "name")


class Country(models.Model):
    code = models.CharField(
        _("ISO code"), max_length=2, unique=True, help_text=_("ISO 3166 alpha-2, e.g. CN.")
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, help_text=_("Its address: /where-we-work/china/.")
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="countries",
    )
    member_since = models.PositiveSmallIntegerField(
        _("member state since"), null=True, blank=True, help_text=_("Year, e.g. 2016.")
    )
    presence = models.BooleanField(
        _("presence"), default=False, help_text=_("The organization has an office here.")
    )
    summary = models.TextField(_("summary"), blank=True)
    body = RichTextField(_("body"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("contacts:country", args=[self.slug])

    @property
    def local_name(self):
        """The name in the active language, from CLDR; the stored name in English."""
        language = get_language()
        if language == settings.LANGUAGE_CODE:
            return self.name
        return territory_names(language).get(self.code, self.name)

    @property
    def is_member(self):
        return self.member_since is not None


class Office(models.Model):
    class Kind(models.TextChoices):
        HEADQUARTERS = "headquarters", _("Headquarters")
        REGIONAL = "regional", _("Regional office")
        COUNTRY = "country", _("Country office")
        SUB_OFFICE = "sub-office", _("Sub-office")
        LIAISON = "liaison", _("Liaison office")

    name = models.CharField(
        _("name"), max_length=150, unique=True, help_text=_("e.g. IOM Beijing.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COUNTRY)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="offices"
    )
    name_fr = models.CharField(
        _("name in French"), max_length=150, blank=True, help_text=FALLBACK_HELP
    )
    name_es = models.CharField(
        _("name in Spanish"), max_length=150, blank=True, help_text=FALLBACK_HELP
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    city_fr = models.CharField(
        _("city in French"), max_length=100, blank=True, help_text=FALLBACK_HELP
    )
    city_es = models.CharField(
        _("city in Spanish"), max_length=100, blank=True, help_text=FALLBACK_HELP
    )
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneNumberField(_("phone"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self):
        return self.name

    @property
    def local_name(self):
        return localized(self, "name")

    @property
    def local_city(self):
        return localized(self, "city")


def normalize_email(email):
    """How press contacts' emails are stored, and matched on import."""
    return email.strip().lower()


class PressContactQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class PressContact(models.Model):
    name = models.CharField(_("name"), max_length=150)
    job_title = models.CharField(
        _("job title"),
        max_length=150,
        blank=True,
        help_text=_("e.g. Media and Communications Officer."),
    )
    job_title_fr = models.CharField(
        _("job title in French"), max_length=150, blank=True, help_text=FALLBACK_HELP
    )
    job_title_es = models.CharField(
        _("job title in Spanish"), max_length=150, blank=True, help_text=FALLBACK_HELP
    )
    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="press_contacts",
    )
    email = models.EmailField(
        _("email"),
        unique=True,
        help_text=_("Journalists write here; also how imports match people."),
    )
    phone = PhoneNumberField(_("phone"))
    mobile = PhoneNumberField(_("mobile"))
    languages = models.CharField(
        _("languages"), max_length=150, blank=True, help_text=_("e.g. English, Chinese.")
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Untick when the person no longer answers the press."),
    )

    objects = PressContactQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("press contact")
        verbose_name_plural = _("press contacts")

    def __str__(self):
        return f"{self.name} ({self.office})" if self.office_id else self.name

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("contacts:media") + f"#contact-{self.pk}"

    @property
    def local_job_title(self):
        return localized(self, "job_title")

    @property
    def phone_display(self):
        return phones.display(self.phone)

    @property
    def mobile_display(self):
        return phones.display(self.mobile)
