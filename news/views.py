from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from pages.publishing import mark_preview, visible_to
from pages.views import section_page

from .facets import cached_release_facets, filter_panel, page_of
from .filters import ReleaseFilterForm
from .models import Release

RELEASES_PER_PAGE = 20


def release_list(request):
    form = ReleaseFilterForm(request.GET)
    if form.unknown_values():
        raise Http404("No such country, region or topic.")
    live = Release.objects.live()
    facets = cached_release_facets(form, live)
    page_obj = page_of(
        form.filter(live.for_cards()), facets.total, request.GET.get("page"), RELEASES_PER_PAGE
    )
    return TemplateResponse(
        request,
        "news/release_list.html",
        {
            "page_obj": page_obj,
            "releases": page_obj.object_list,
            "page": section_page("news/"),
            "filters": filter_panel(form, facets),
            "query_string": form.query_string(),
        },
    )


def release_detail(request, slug):
    release = get_object_or_404(
        visible_to(request, Release.objects.select_related("dateline_country", "image")),
        slug=slug,
    )
    return mark_preview(render_release(request, release), release)


def render_release(request, release, contacts=None, tags=None, countries=None, **extra_context):
    """The public page of a release. The embargo link and the admin preview show exactly this;
    the preview passes its unsaved contacts, tags and countries instead of the stored ones."""
    if contacts is None:
        contacts = [
            link.contact for link in release.release_contacts.select_related("contact__office")
        ]
    if tags is None:
        tags = list(release.tags.all())
    if countries is None:
        countries = release.countries.values("pk")
    related = (
        Release.objects.live()
        .for_cards()
        .filter(countries__in=countries)
        .exclude(pk=release.pk)
        .distinct()[:3]
    )
    context = {
        "release": release,
        "contacts": contacts,
        "tags": tags,
        "related": related,
        "language_versions": list(release.language_versions()),
    }
    return TemplateResponse(request, "news/release_detail.html", context | extra_context)
