from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from pages.content_version import cached_until_change
from pages.pagination import CachedPaginator
from pages.preview import mark_preview, may_preview
from pages.views import section_page

from .cards import release_cards
from .facets import cached_release_facets, filter_panel
from .filters import ReleaseFilterForm
from .models import Release

RELEASES_PER_PAGE = 20
RELATED_RELEASES = 3


def release_list(request):
    form = ReleaseFilterForm(request.GET)
    if form.unknown_values():
        raise Http404("No such country, region or topic.")
    facets = cached_release_facets(form, listed_releases)
    query_string = form.query_string()
    paginator = CachedPaginator(
        lambda: form.filter(listed_releases()), RELEASES_PER_PAGE, f"news?{query_string}"
    )
    paginator.count = facets.total  # counted with the facets: no COUNT query of its own
    # get_page() turns ?page=abc or ?page=-1 into the nearest real page instead of an error.
    page_obj = paginator.get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "news/release_list.html",
        {
            "page_obj": page_obj,
            "cards": release_cards(page_obj.object_list),
            "page": section_page("news/"),
            "filters": filter_panel(form, facets),
            "query_string": query_string,
            "alerts_query": form.query_string(without=("year", "month")),
        },
    )


def listed_releases():
    """What the newsroom lists: built only when its counts or a page are not cached."""
    return Release.objects.live().shown_in()


def release_detail(request, slug):
    # The search vector is twice the size of the body and only searched in SQL.
    releases = Release.objects.select_related("dateline_country", "image").defer("search_vector")
    if may_preview(request, Release):
        release = get_object_or_404(releases, slug=slug)
    else:
        # Kept until content changes, as the rest of the page is: a warm page runs no query.
        release = cached_until_change(
            f"live-release:{slug}", lambda: releases.live().filter(slug=slug).first()
        )
        if release is None:
            raise Http404("No live release at this address.")
    return mark_preview(render_release(request, release), release)


def render_release(request, release, contacts=None, tags=None, countries=None, **extra_context):
    """The public page of a release. The embargo link and the admin preview show exactly this;
    the preview passes its unsaved contacts, tags and countries instead of the stored ones."""
    stored = stored_release_parts(release)
    if countries is None:
        related_ids = stored["related_ids"]
    else:
        related_ids = related_release_ids(release, countries)
    versions = stored["language_versions"]
    context = {
        "release": release,
        "contacts": stored["contacts"] if contacts is None else contacts,
        "tags": stored["tags"] if tags is None else tags,
        "related_cards": release_cards(related_ids),
        "language_versions": versions,
        # For hreflang, og:locale and the language switcher: live versions only.
        "alternate_addresses": {
            version.language: version.canonical_url
            for version in sorted(
                [*versions, *([release] if release.is_live else [])], key=language_order
            )
        },
        "language_fallback": "news:list",
        "canonical_path": release.canonical_url,
    }
    return TemplateResponse(request, "news/release_detail.html", context | extra_context)


def language_order(release):
    return [code for code, _name in settings.LANGUAGES].index(release.language)


def stored_release_parts(release):
    """The release's press contacts, topics, related releases and language versions, kept until
    content changes: a release page then costs one query instead of six."""
    if release.pk is None:  # an unsaved release in the admin preview
        return {"contacts": [], "tags": [], "related_ids": [], "language_versions": []}
    return cached_until_change(
        f"release-parts:{release.pk}",
        lambda: {
            "contacts": [
                link.contact for link in release.release_contacts.select_related("contact__office")
            ],
            "tags": list(release.tags.all()),
            "related_ids": related_release_ids(release, release.countries.values("pk")),
            "language_versions": list(release.language_versions()),
        },
    )


def related_release_ids(release, countries):
    """The latest live releases about the same countries, as lists in this language show them."""
    return list(
        Release.objects.live()
        .shown_in()
        .filter(countries__in=countries)
        .exclude(pk=release.pk)
        .distinct()
        .values_list("pk", flat=True)[:RELATED_RELEASES]
    )
