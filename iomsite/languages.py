"""The language of a page is in its address: /fr/… is French, /es/… Spanish, the rest English.

Django's LocaleMiddleware would also read a cookie and Accept-Language, and mark every
unprefixed answer `Vary: Accept-Language`, which splits every shared cache by browser. Here
the address alone decides, so a page has one version and every cache keeps one copy of it.
The admin, which no cache shares, speaks the staff member's browser language instead.
"""

from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def language_of_path(path):
    """The language an address is in: its prefix's, else the site's default."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


def is_admin_path(path):
    return path.startswith("/" + settings.ADMIN_PATH)


def without_language_prefix(path):
    """/fr/news/ -> /news/; an unprefixed path is returned as it is."""
    language = translation.get_language_from_path(path)
    if language is None or language == settings.LANGUAGE_CODE:
        return path
    return path.removeprefix(f"/{language}")


def language_prefixes():
    """ "" for the default language's addresses, then "/fr", "/es"."""
    return [
        "" if code == settings.LANGUAGE_CODE else f"/{code}" for code, _name in settings.LANGUAGES
    ]


def in_languages(path):
    """{language: the address of the page at `path` in it}, for the languages it has an address
    in (Django's translate_url answers with the path itself instead). The path is resolved
    once for all of them."""
    try:
        match = resolve(path)
    except Resolver404:  # no page there
        return {}
    addresses = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            try:
                addresses[code] = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:  # a page without a name (media)
                pass
    return addresses


def x_default(versions):
    """Of {language: address}, the address for a reader of no listed language (hreflang's
    x-default): the default language's version, else the first there is."""
    return versions.get(settings.LANGUAGE_CODE) or next(iter(versions.values()))


def address_in(item, language):
    """An item's get_absolute_url() in a language."""
    with translation.override(language):
        return item.get_absolute_url()


def url_in_language(view_name, language):
    with translation.override(language):
        return reverse(view_name)


class LanguageFromAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin = is_admin_path(request.path_info)
        if admin:
            language = translation.get_language_from_request(request)
        else:
            language = language_of_path(request.path_info)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if admin:
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response
