from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pages.richtext import RichTextField

from . import phones
from .phones import PhoneNumberField


class Region(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


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
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneNumberField(_("phone"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self):
        return self.name


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
    def phone_display(self):
        return phones.display(self.phone)

    @property
    def mobile_display(self):
        return phones.display(self.mobile)
