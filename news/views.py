from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from pages.publishing import mark_preview, visible_to
from pages.views import section_page

from .models import Release

RELEASES_PER_PAGE = 20


def release_list(request):
    releases = Release.objects.live().for_cards()
    # get_page() turns ?page=abc or ?page=-1 into the nearest real page instead of an error.
    page_obj = Paginator(releases, RELEASES_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "news/release_list.html",
        {"page_obj": page_obj, "releases": page_obj.object_list, "page": section_page("news/")},
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
