"""The private link where journalists read a scheduled release before its embargo lifts."""

from functools import wraps

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect

from pages.preview import mark_private
from pages.publishing import State

from .models import EmbargoLink, Release
from .views import render_release


def through_embargo_link(public_address):
    """A view of a scheduled release, reached through a usable embargo link only. Once the
    embargo has lifted it redirects to public_address(release); a release made a draft again
    or expired is gone. Never cached, indexed or sent on as a referrer."""

    def decorator(view):
        @wraps(view)
        def embargoed(request, token):
            link = get_object_or_404(
                EmbargoLink.objects.usable().select_related(
                    "release__dateline_country", "release__image"
                ),
                token=token,
            )
            release = link.release
            state = release.state
            if state == State.LIVE:
                return redirect(public_address(release))
            if state != State.SCHEDULED:
                raise Http404("This release was withdrawn.")
            response = view(request, release)
            # The address is the key: never send it to the sites the release links to.
            response["Referrer-Policy"] = "no-referrer"
            return mark_private(response)

        return embargoed

    return decorator


@through_embargo_link(Release.get_absolute_url)
def embargoed_release(request, release):
    return render_release(request, release, embargoed_until=release.publish_at, noindex=True)
