import hashlib

from django.http import Http404, HttpResponsePermanentRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from news.cards import joined, rendered_cards
from news.facets import filter_panel
from news.filters import ReleaseFilterForm
from news.models import Release
from news.search import clean_query
from pages.content_version import cached_until_change
from pages.models import Page

from .languages import language_prefixes
from .search import search_site

HOME_LATEST = 6
HOME_HIGHLIGHTS = 3
# Longer page numbers than this are no page: kept out of the search results' cache keys.
MAX_PAGE_PARAMETER = 10


def home(request):
    ids = cached_until_change("home-releases", home_release_ids)
    cards = rendered_cards(ids["highlights"] + ids["latest"])  # one query at most for both
    sections = cached_until_change(
        "home-sections",
        lambda: list(
            Page.objects.live().filter(parent=None, show_in_menu=True).exclude(summary="")
        ),
    )
    return TemplateResponse(
        request,
        "home.html",
        {
            "highlight_cards": joined(cards, ids["highlights"]),
            "latest_cards": joined(cards, ids["latest"]),
            "sections": sections,
        },
    )


def home_release_ids():
    live = Release.objects.live().shown_in()
    highlights = list(live.filter(featured=True).values_list("pk", flat=True)[:HOME_HIGHLIGHTS])
    latest = list(live.exclude(pk__in=highlights).values_list("pk", flat=True)[:HOME_LATEST])
    return {"highlights": highlights, "latest": latest}


def search(request):
    query = clean_query(request.GET.get("q", ""))
    filter_form = ReleaseFilterForm(request.GET)
    if filter_form.unknown_values():
        raise Http404("No such country, region or topic.")
    context = {"query": query, "query_string": filter_form.query_string(q=query)}
    if query:
        context.update(search_results(request, query, filter_form))
    return TemplateResponse(request, "search.html", context)


def search_results(request, query, filter_form):
    """{"results": the rendered results, "page_number"}, kept in the shared cache until
    content changes: the same search asked again runs no query. Not in each process: the
    variety of searches would fill its memory."""
    page = request.GET.get("page", "")[:MAX_PAGE_PARAMETER]
    asked = filter_form.query_string(q=query, page=page)
    key = f"search:{get_language()}:{hashlib.sha256(asked.encode()).hexdigest()[:32]}"

    def render():
        context = {"query": query, **search_site(query, filter_form, page)}
        context["filters"] = filter_panel(filter_form, context["facets"], q=query)
        context["query_string"] = filter_form.query_string(q=query)
        html = render_to_string("includes/search_results.html", context, request)
        return {"results": mark_safe(html), "page_number": context["page_obj"].number}

    return cached_until_change(key, render, in_process=False)


@require_GET
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/"]
    for prefix in language_prefixes():
        lines += [
            f"Disallow: {prefix}/search/",
            # Private links, and the kits' ZIP copies of pages crawlers read already.
            f"Disallow: {prefix}/news/embargo/",
            f"Disallow: {prefix}/news/*/press-kit.zip",
        ]
    lines += [
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap-news'))}",
    ]
    return TemplateResponse(request, "robots.txt", {"lines": lines}, content_type="text/plain")


def favicon(request):
    """Browsers ask for /favicon.ico on every page, the admin's included; ours is an SVG."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
