from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from contacts.models import Country, PressContact
from news.models import Release
from pages.models import Page

HOME_LATEST = 6
HOME_HIGHLIGHTS = 3
SEARCH_RESULTS = 20
SEARCH_MAX_LENGTH = 200


def home(request):
    highlights = list(Release.objects.live().for_cards().filter(featured=True)[:HOME_HIGHLIGHTS])
    latest = (
        Release.objects.live()
        .for_cards()
        .exclude(pk__in=[release.pk for release in highlights])[:HOME_LATEST]
    )
    sections = Page.objects.live().filter(parent=None, show_in_menu=True).exclude(summary="")
    return TemplateResponse(
        request,
        "home.html",
        {"highlights": highlights, "latest": latest, "sections": sections},
    )


def words_filter(words, *fields):
    """Every word must appear in at least one of the fields."""
    condition = Q()
    for word in words:
        condition &= Q.create([(f"{field}__icontains", word) for field in fields], connector=Q.OR)
    return condition


def search(request):
    query = " ".join(request.GET.get("q", "").split())[:SEARCH_MAX_LENGTH]
    words = query.split()[:10]
    results = {}
    if words:
        results = {
            "releases": Release.objects.live()
            .for_cards()
            .filter(words_filter(words, "title", "summary", "body"))[:SEARCH_RESULTS],
            "pages": Page.objects.live().filter(words_filter(words, "title", "summary", "body"))[
                :SEARCH_RESULTS
            ],
            "countries": Country.objects.filter(words_filter(words, "name"))[:SEARCH_RESULTS],
            "contacts": PressContact.objects.active()
            .select_related("office")
            .filter(words_filter(words, "name", "office__name", "job_title"))[:SEARCH_RESULTS],
        }
    return TemplateResponse(request, "search.html", {"query": query, "results": results})


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap-news'))}",
    ]
    return TemplateResponse(request, "robots.txt", {"lines": lines}, content_type="text/plain")
