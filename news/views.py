from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from pages.pagination import CachedPaginator
from pages.publishing import cached_until_change, mark_preview, visible_to
from pages.views import section_page

from .filters import ReleaseFilterForm
from .models import Release

RELEASES_PER_PAGE = 20


def release_list(request):
    form = ReleaseFilterForm(request.GET)
    if form.unknown_values():
        raise Http404("No such country or region.")
    releases = form.filter(Release.objects.live().for_cards())
    query_string = urlencode(sorted(form.active.items()))
    paginator = CachedPaginator(releases, RELEASES_PER_PAGE, f"news?{query_string}")
    # get_page() turns ?page=abc or ?page=-1 into the nearest real page instead of an error.
    page_obj = paginator.get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "news/release_list.html",
        {
            "page_obj": page_obj,
            "releases": page_obj.object_list,
            "page": section_page("news/"),
            "filter_form": form,
            "query_string": query_string,
        },
    )


def release_detail(request, slug):
    release = get_object_or_404(
        visible_to(request, Release.objects.select_related("dateline_country", "image")),
        slug=slug,
    )
    contacts = [link.contact for link in release.release_contacts.select_related("contact__office")]
    related_ids = cached_until_change(
        f"related-releases:{release.pk}",
        lambda: list(
            Release.objects.live()
            .filter(countries__in=release.countries.values("pk"))
            .exclude(pk=release.pk)
            .distinct()
            .values_list("pk", flat=True)[:3]
        ),
    )
    related = Release.objects.for_cards().filter(pk__in=related_ids)
    response = TemplateResponse(
        request,
        "news/release_detail.html",
        {
            "release": release,
            "contacts": contacts,
            "tags": list(release.tags.all()),
            "related": related,
            "language_versions": list(release.language_versions()),
        },
    )
    return mark_preview(response, release)
