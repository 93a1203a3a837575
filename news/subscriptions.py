"""Subscriptions to email alerts: the forms, what a subscriber's filters mean, and the double
opt-in (a signed confirmation link that expires; the form answers the same whoever asks).

Filters are the newsroom's (news/filters.py), several values each: countries and regions
together say where (a release about any of them matches), and kinds, topics and languages
each narrow it further. They are stored as ids, so renaming a country keeps its subscribers.
"""

import secrets
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from contacts.models import Country, Region
from iomsite.login_throttle import client_ip

from .filters import filter_values
from .models import Consent, Release, Subscriber

# The filters a subscriber may set, in the newsroom's query-string names; the first three
# are slugs of these models, stored as ids.
FILTERS = ("country", "region", "tag", "kind", "language")
RELATED_MODELS = {"country": Country, "region": Region, "tag": Tag}

# Asking again for the same address within this time sends no second email.
RESEND_AFTER = timedelta(minutes=15)
CONFIRMATION_LIFETIME = timedelta(days=3)
CONFIRMATION_SALT = "news.subscriptions.confirm"
# Requests from one network address allowed per window, before the form says to wait (behind
# load balancers, DJANGO_TRUSTED_PROXY_COUNT says where the visitor's address is).
REQUESTS_PER_ADDRESS = 20
REQUEST_WINDOW_SECONDS = 3600


class LinkError(Exception):
    """A confirmation link that cannot be used; `status` is the page's HTTP status."""

    def __init__(self, message, status):
        super().__init__(message)
        self.message = message
        self.status = status


class FilterChoices(forms.MultipleChoiceField):
    """A list of values among known ones, each kept once. Values are looked up in a set: a
    forged list of a thousand values costs little more than a short one."""

    widget = forms.CheckboxSelectMultiple

    def valid_value(self, value):
        if getattr(self, "_allowed_for", None) is not self.choices:
            self._allowed_for = self.choices
            self._allowed = {str(key) for key, _label in self.choices}
        return value in self._allowed

    def clean(self, value):
        return list(dict.fromkeys(super().clean(value)))


class AlertsForm(forms.Form):
    """Which releases to receive and in which language: the subscription page and the page a
    subscriber changes them on."""

    kind = FilterChoices(label=_("Kinds"), required=False)
    country = FilterChoices(label=_("Countries"), required=False)
    region = FilterChoices(label=_("Regions"), required=False)
    tag = FilterChoices(label=_("Topics"), required=False)
    language = FilterChoices(
        label=_("Languages of the releases"), choices=settings.LANGUAGES, required=False
    )
    email_language = forms.ChoiceField(
        # The language of the page they subscribe on, unless they pick another.
        label=_("Language of the emails"),
        choices=settings.LANGUAGES,
        initial=get_language,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Release.Kind.choices
        for name, model in RELATED_MODELS.items():
            # By name, the chosen ones first: a country chosen by the link from its page is
            # seen checked rather than far down a list of two hundred.
            chosen = set(self[name].value() or ())
            self.fields[name].choices = sorted(
                filter_values(model)[1].items(),
                key=lambda item: (item[0] not in chosen, item[1].lower()),
            )

    def filters(self):
        """The cleaned choices as stored: {filter: [ids or values]}, empty ones left out."""
        filters = {}
        for name in FILTERS:
            values = self.cleaned_data.get(name) or []
            if name in RELATED_MODELS:
                ids = {slug: pk for pk, slug in filter_values(RELATED_MODELS[name])[0].items()}
                values = [ids[slug] for slug in values]
            if values:
                filters[name] = values
        return filters

    @classmethod
    def initial_from(cls, filters, language="en"):
        """The form's initial values for stored filters (ids that no longer exist dropped)."""
        initial = {"email_language": language}
        for name in FILTERS:
            values = filters.get(name, [])
            if name in RELATED_MODELS:
                slugs = filter_values(RELATED_MODELS[name])[0]
                values = [slugs[pk] for pk in values if pk in slugs]
            initial[name] = values
        return initial

    def field_groups(self):
        """The filters' fields, in the order the page shows them."""
        return [self[name] for name in ("kind", "country", "region", "tag", "language")]


class SubscribeForm(AlertsForm):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # A field people never see (the template hides it); bots that fill every field do.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    field_order = ["email"]

    def clean_email(self):
        return self.cleaned_data["email"].lower()

    @property
    def is_from_a_bot(self):
        return bool(self.cleaned_data.get("website"))


def prefilled(query):
    """Initial values from a query string such as the newsroom's (?country=china&kind=news):
    the links from the newsroom, release and country pages. Unknown values are dropped."""
    form = AlertsForm(query)
    form.is_valid()
    return {name: form.cleaned_data[name] for name in FILTERS if form.cleaned_data.get(name)}


def describe(filters, language):
    """The alerts in words, as the subscriber chose them, e.g. “Press releases about China,
    on Health, in English; emails in English”."""
    parts = []
    kinds = dict(Release.Kind.choices)
    languages = dict(settings.LANGUAGES)
    if filters.get("kind"):
        parts.append(", ".join(str(kinds.get(kind, kind)) for kind in filters["kind"]))
    else:
        parts.append(_t("All releases"))
    names = {name: _names(name, filters.get(name, [])) for name in RELATED_MODELS}
    if names["country"] or names["region"]:
        places = ", ".join(names["country"] + names["region"])
        parts.append(_t("about %(places)s") % {"places": places})
    if names["tag"]:
        parts.append(_t("on %(topics)s") % {"topics": ", ".join(names["tag"])})
    if filters.get("language"):
        written = ", ".join(str(languages.get(code, code)) for code in filters["language"])
        parts.append(_t("written in %(languages)s") % {"languages": written})
    emails_in = _t("emails in %(language)s") % {"language": languages.get(language, language)}
    return f"{' '.join(parts)}; {emails_in}"


def _names(name, ids):
    slugs, names = filter_values(RELATED_MODELS[name])
    return [names[slugs[pk]] for pk in ids if pk in slugs]


def matches(filters, release):
    """Whether a subscriber's filters take a release, described as {filter: set of values}
    (news.alerts.release_facts)."""
    countries, regions = filters.get("country"), filters.get("region")
    if (countries or regions) and not (
        release["country"].intersection(countries or ())
        or release["region"].intersection(regions or ())
    ):
        return False
    return all(
        release[name].intersection(filters[name])
        for name in ("kind", "tag", "language")
        if filters.get(name)
    )


def too_many_requests(request):
    """Whether the visitor's address has sent the form too often lately; counts this one."""
    key = f"subscribe-requests:{client_ip(request)}"
    cache.add(key, 0, timeout=REQUEST_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired in between
        cache.set(key, 1, timeout=REQUEST_WINDOW_SECONDS)
        count = 1
    return count > REQUESTS_PER_ADDRESS


def request_alerts(email, filters, language, form_address):
    """Record what an address asked for and queue its confirmation email, at most one per
    RESEND_AFTER. Returns nothing: the page says the same whether or not it was known."""
    from .tasks import send_confirmation  # which calls this module

    now = timezone.now()
    forget_unconfirmed(now)
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
            if subscriber and subscriber.confirmation_sent_at:
                if subscriber.confirmation_sent_at > now - RESEND_AFTER:
                    return
            subscriber = subscriber or Subscriber(email=email, language=language)
            subscriber.pending = {"filters": filters, "language": language, "form": form_address}
            subscriber.pending_key = secrets.token_urlsafe(16)
            subscriber.confirmation_sent_at = now
            subscriber.save()
            record_consent(subscriber, Consent.Action.REQUESTED, filters, language, form_address)
    except IntegrityError:
        return  # the same address sent at the same moment by another request: that one wins
    key = subscriber.pending_key
    transaction.on_commit(lambda: send_confirmation.enqueue(subscriber.pk, key))


def forget_unconfirmed(now):
    """Addresses that never confirmed are not kept past their link's lifetime."""
    Subscriber.objects.filter(
        confirmed_at__isnull=True, confirmation_sent_at__lt=now - CONFIRMATION_LIFETIME
    ).delete()


def confirmation_token(subscriber):
    return signing.dumps(
        {"s": subscriber.pk, "k": subscriber.pending_key}, salt=CONFIRMATION_SALT, compress=True
    )


LINK_USED = _(
    "This link has been used already, or a newer email replaced it. Your alerts are as they were."
)


def pending_subscriber(token):
    """The subscriber a confirmation link is for, or LinkError saying why it cannot be used."""
    try:
        data = signing.loads(
            token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_LIFETIME.total_seconds()
        )
    except signing.SignatureExpired:
        raise LinkError(
            _("This link has expired. Subscribe again to receive a new one."), 410
        ) from None
    except signing.BadSignature:
        raise LinkError(_("This link is not valid. Check that it was copied whole."), 404) from None
    subscriber = Subscriber.objects.filter(pk=data["s"]).first()
    if subscriber is None:
        raise LinkError(_("This subscription no longer exists. Subscribe again."), 410)
    if not subscriber.pending_key or not secrets.compare_digest(subscriber.pending_key, data["k"]):
        raise LinkError(LINK_USED, 410)
    return subscriber


def confirm(token):
    """Apply what the confirmation link's request asked for: the subscriber then receives
    alerts. Raises LinkError if the link cannot be used (again)."""
    with transaction.atomic():
        found = pending_subscriber(token)
        subscriber = Subscriber.objects.select_for_update().get(pk=found.pk)
        if subscriber.pending_key != found.pending_key:  # another request confirmed it just now
            raise LinkError(LINK_USED, 410)
        request = subscriber.pending
        subscriber.filters = request["filters"]
        subscriber.language = request["language"]
        subscriber.confirmed_at = subscriber.confirmed_at or timezone.now()
        subscriber.pending = None
        subscriber.pending_key = ""
        subscriber.save()
        record_consent(
            subscriber,
            Consent.Action.CONFIRMED,
            subscriber.filters,
            subscriber.language,
            request["form"],
        )
    return subscriber


def change_alerts(subscriber, filters, language, form_address):
    subscriber.filters = filters
    subscriber.language = language
    with transaction.atomic():
        subscriber.save(update_fields=["filters", "language"])
        record_consent(subscriber, Consent.Action.CHANGED, filters, language, form_address)


def record_consent(subscriber, action, filters, language, form_address):
    Consent.objects.create(
        subscriber=subscriber,
        action=action,
        form=form_address[:300],
        alerts=describe(filters, language),
    )


def confirmed_subscriber(token):
    """The subscriber whose emails carry this token, or None."""
    return Subscriber.objects.filter(token=token, confirmed_at__isnull=False).first()
