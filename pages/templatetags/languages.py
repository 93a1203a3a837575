"""The other languages of a page: hreflang links for crawlers and the switcher for people.

A view that shows content which exists only in some languages (a release and its versions, a
page and its translations) passes `alternate_addresses`: {language: address} of its live
versions, and `language_fallback`: the view name of the nearest section, for languages the
content is not in (else the same address in that language); `canonical_path` too if the
page is at home at another address.
Other pages (home, newsroom, directory) exist in every language; a list's switcher links
keep its cleaned filters (`query_string`), never what the address held.
"""

from django import template
from django.conf import settings
from django.utils.translation import get_language, get_language_info

from iomsite.languages import in_languages, url_in_language, x_default

register = template.Library()

# Open Graph wants a territory with the language.
OPEN_GRAPH_LOCALES = {"en": "en_GB", "fr": "fr_FR", "es": "es_ES"}


def live_versions(context):
    """{language: address} of the page in each language it exists in."""
    if "alternate_addresses" in context:
        return context["alternate_addresses"]
    request = context.get("request")
    if request is None:  # error pages rendered without a request
        return {}
    return addresses_in_languages(request)


def addresses_in_languages(request):
    """{language: the address of the page asked for in it}: asked by the hreflang links and
    by the switcher, worked out once per request."""
    if not hasattr(request, "addresses_in_languages"):
        request.addresses_in_languages = in_languages(request.path_info)
    return request.addresses_in_languages


@register.inclusion_tag("includes/language_alternates.html", takes_context=True)
def language_alternates(context):
    """<link rel="alternate" hreflang> to every live version, and x-default."""
    versions = live_versions(context)
    if context.get("noindex") or len(versions) < 2:
        return {"alternates": []}
    request = context["request"]
    default = x_default(versions)
    alternates = [(code, request.build_absolute_uri(url)) for code, url in versions.items()]
    return {"alternates": [*alternates, ("x-default", request.build_absolute_uri(default))]}


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Plain links to this page in the other languages, or to that language's nearest section
    when the page is not in it: never a form or a cookie, so every page stays cacheable."""
    versions = live_versions(context)
    query = context.get("query_string", "")
    request = context.get("request")
    links = []
    current = get_language()
    for code, _name in settings.LANGUAGES:
        if code == current:
            continue
        address = versions.get(code)
        if address is None:
            address = nearest_address(context, request, code)
        elif query and "alternate_addresses" not in context:
            address += f"?{query}"  # the same list or search, with its filters
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"].capitalize(),
                "url": address,
            }
        )
    return {"links": links, "current": get_language_info(current)["name_local"].capitalize()}


def nearest_address(context, request, language):
    """Where the switcher leads in a language the content is not in: the view's section
    (`language_fallback`), else the same address under that language's prefix (a page not yet
    translated shows its original there, saying so), else that language's home page."""
    if fallback := context.get("language_fallback"):
        return url_in_language(fallback, language)
    same = addresses_in_languages(request).get(language) if request else None
    return same or url_in_language("home", language)


def open_graph_locales(context, language):
    """og:locale of the content's language, and og:locale:alternate of its other versions."""
    others = [code for code in live_versions(context) if code != language]
    return OPEN_GRAPH_LOCALES.get(language, language), [OPEN_GRAPH_LOCALES[code] for code in others]
