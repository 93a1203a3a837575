"""Metadata for search engines and link previews: absolute canonical URLs and JSON-LD.

JSON-LD is built as a dict in Python and written with Django's json_script, which escapes
<, > and & so no title can close the script element. Such a block is data, never executed,
so a strict Content-Security-Policy allows it.
"""

from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import json_script
from django.utils.safestring import mark_safe

from .site_names import site_name, site_short_name

PUBLISHER_LOGO = "img/logo.svg"


def jsonld_script(data, element_id):
    script = json_script(data, element_id)
    # json_script writes type="application/json"; crawlers read only application/ld+json.
    # The JSON itself cannot contain this text: json_script escaped every ">" in it.
    return mark_safe(script.replace(' type="application/json">', ' type="application/ld+json">', 1))


def organization(request):
    return {
        "@type": "Organization",
        "name": site_name(),
        "alternateName": site_short_name(),
        "url": request.build_absolute_uri(reverse("home")),
        "logo": {"@type": "ImageObject", "url": request.build_absolute_uri(static(PUBLISHER_LOGO))},
    }


def breadcrumb_list(request, trail):
    """trail: (name, url) pairs from the home page down to the current page."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": str(name),
                "item": request.build_absolute_uri(url),
            }
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }
