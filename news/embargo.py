"""The private link where journalists read a scheduled release before its embargo lifts."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect

from pages.preview import mark_private
from pages.publishing import State

from .models import EmbargoLink
from .views import render_release


def embargoed_release(request, token):
    link = get_object_or_404(
        EmbargoLink.objects.usable().select_related("release__dateline_country", "release__image"),
        token=token,
    )
    release = link.release
    state = release.state
    if state == State.LIVE:
        # The embargo has lifted: everyone reads the public page, at its public address.
        return redirect(release)
    if state != State.SCHEDULED:
        raise Http404("This release was withdrawn.")  # a draft again, or expired
    response = render_release(request, release, embargoed_until=release.publish_at, noindex=True)
    # The address is the key: never send it to the sites the release links to.
    response["Referrer-Policy"] = "no-referrer"
    return mark_private(response)
