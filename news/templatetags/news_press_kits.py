from django import template
from django.urls import reverse

from news.press_kits import PressKit

register = template.Library()


@register.inclusion_tag("includes/press_kit_link.html", takes_context=True)
def press_kit_link(context, release, contacts):
    """ "Download press kit" on a release page: the public kit of a live release, the private
    one on its embargo page, none in a preview."""
    request = context["request"]
    match = request.resolver_match
    if match and match.view_name == "news:embargo":
        url = reverse("news:embargo-press-kit", args=[match.kwargs["token"]])
    elif release.is_live and not context.get("preview"):
        url = reverse("news:press-kit", args=[release.slug])
    else:
        return {}
    return {"url": url, "files": len(PressKit(request, release, contacts).members())}
