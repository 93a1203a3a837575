"""The pages of email alerts: subscribe, confirm, change, unsubscribe.

Only the subscription form sets a cookie (CSRF). The pages reached from an email hold their
own secret in the address, which is what proves who is asking, so they need no CSRF cookie:
that is also what lets mail programs unsubscribe with one POST (RFC 8058). None of them is
cached: they show a person's own address and choices. A GET never changes anything, so link
scanners that open every link of an email neither confirm nor unsubscribe anyone.
"""

from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .subscriptions import (
    AlertsForm,
    LinkError,
    SubscribeForm,
    change_alerts,
    confirm,
    confirmed_subscriber,
    describe,
    pending_subscriber,
    prefilled,
    request_alerts,
    too_many_requests,
)

FORM_OR_POST = require_http_methods(["GET", "HEAD", "POST"])


def message(request, title, text, status=200):
    return TemplateResponse(
        request,
        "news/subscriptions/message.html",
        {"title": title, "text": text, "noindex": True},
        status=status,
    )


@never_cache
@FORM_OR_POST
def subscribe(request):
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if form.is_valid():
            if too_many_requests(request):
                return message(
                    request,
                    _("Please wait a little"),
                    _("Too many requests came from your network. Try again in an hour."),
                    status=429,
                )
            if not form.is_from_a_bot:
                request_alerts(
                    form.cleaned_data["email"],
                    form.filters(),
                    form.cleaned_data["email_language"],
                    request.get_full_path(),
                )
            return redirect("subscriptions:sent")
    else:
        form = SubscribeForm(initial=prefilled(request.GET))
    return TemplateResponse(request, "news/subscriptions/subscribe.html", {"form": form})


def sent(request):
    # The same answer whether the address was new, known or confirmed already.
    return message(
        request,
        _("Check your inbox"),
        _(
            "If the address can receive email, a message with a link to confirm your alerts "
            "is on its way. Nothing is sent until you follow it."
        ),
    )


@never_cache
@csrf_exempt
@FORM_OR_POST
def confirm_alerts(request, token):
    try:
        subscriber = pending_subscriber(token)
        if request.method == "POST":
            subscriber = confirm(token)
            return message(
                request,
                _("Your alerts are confirmed"),
                _("You will receive: %(alerts)s.")
                % {"alerts": describe(subscriber.filters, subscriber.language)},
            )
    except LinkError as error:
        return message(request, _("This link cannot be used"), error.message, error.status)
    pending = subscriber.pending
    return TemplateResponse(
        request,
        "news/subscriptions/confirm.html",
        {
            "email": subscriber.email,
            "alerts": describe(pending["filters"], pending["language"]),
            "noindex": True,
        },
    )


@never_cache
@csrf_exempt
@FORM_OR_POST
def manage(request, token):
    subscriber = confirmed_subscriber(token)
    if subscriber is None:
        return not_subscribed(request, status=404)
    if request.method == "POST":
        form = AlertsForm(request.POST)
        if form.is_valid():
            language = form.cleaned_data["email_language"]
            change_alerts(subscriber, form.filters(), language, request.path)
            return redirect(reverse("subscriptions:manage", args=[token]) + "?saved=1")
    else:
        form = AlertsForm(initial=AlertsForm.initial_from(subscriber.filters, subscriber.language))
    context = {
        "form": form,
        "subscriber": subscriber,
        "saved": request.method == "GET" and "saved" in request.GET,
        "noindex": True,
    }
    return TemplateResponse(request, "news/subscriptions/manage.html", context)


@never_cache
@csrf_exempt
@FORM_OR_POST
def unsubscribe(request, token):
    """A button to unsubscribe; its POST, or a mail program's one-click POST, unsubscribes:
    the subscriber and everything kept about them are deleted."""
    subscriber = confirmed_subscriber(token)
    if request.method == "POST":
        if subscriber is not None:
            subscriber.delete()
        return message(
            request,
            _("You are unsubscribed"),
            _("You will receive no more alerts, and we have deleted your address."),
        )
    if subscriber is None:
        return not_subscribed(request, status=404)
    context = {"email": subscriber.email, "noindex": True}
    return TemplateResponse(request, "news/subscriptions/unsubscribe.html", context)


def not_subscribed(request, status):
    return message(
        request,
        _("No subscription here"),
        _("This link belongs to no subscription: perhaps you unsubscribed already."),
        status,
    )
