"""The read API for partners at /api/: live releases, countries and press contacts as JSON.

Plain Django views: the API is read-only, small and public, so a framework would add more
code than it saves. Its contract is the hand-written OpenAPI document in iomsite/openapi.py,
which a test keeps in step with these views. Pagination is by page number
(?page=, ?page_size= up to 100), answering {"count", "next", "previous", "results"}.
"""

from functools import wraps

from django import forms
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt

from contacts.models import Country, PressContact, Region
from news.filters import MAX_PARAMETER_LENGTH, ReleaseFilterForm
from news.models import Release, ReleaseContact, live_versions_of_groups

from .openapi import openapi_document

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ApiError(Exception):
    def __init__(self, status, message, fields=None):
        super().__init__(message)
        self.status, self.message, self.fields = status, message, fields

    def response(self):
        body = {"error": self.message}
        if self.fields:
            body["fields"] = self.fields
        return JsonResponse(body, status=self.status)


def api_view(view):
    """Read-only, readable from any origin (CORS for GET only), errors answered in JSON."""

    @csrf_exempt  # nothing here changes state; other methods get a 405, not a CSRF 403
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            response = ApiError(405, "This API is read-only.").response()
            response["Allow"] = ", ".join(SAFE_METHODS)
            return response
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = response["Access-Control-Allow-Methods"] = ", ".join(SAFE_METHODS)
            response["Access-Control-Max-Age"] = "86400"
        else:
            try:
                response = view(request, *args, **kwargs)
            except ApiError as error:
                response = error.response()
            except Http404:
                response = ApiError(404, "Not found.").response()
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped


def positive_int(request, name, default):
    value = request.GET.get(name)
    if value is None:
        return default
    try:
        number = int(value[:20])
    except ValueError:
        number = 0
    if number < 1:
        raise ApiError(400, "Invalid parameters.", {name: ["Enter a whole number from 1."]})
    return number


def slug_param(request, name):
    value = request.GET.get(name, "")
    field = forms.SlugField(max_length=MAX_PARAMETER_LENGTH, required=False)
    try:
        return field.clean(value)
    except forms.ValidationError as error:
        raise ApiError(400, "Invalid parameters.", {name: error.messages}) from error


def paginated(request, queryset, serialize, prepare=list):
    """A page of the queryset as JSON; prepare(items) may fetch what a page's items share."""
    size = min(positive_int(request, "page_size", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
    number = positive_int(request, "page", 1)
    try:
        page = Paginator(queryset, size).page(number)
    except EmptyPage as error:
        raise ApiError(404, "No such page.") from error

    def page_url(page_number):
        query = request.GET.copy()
        query["page"] = page_number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return JsonResponse(
        {
            "count": page.paginator.count,
            "next": page_url(page.next_page_number()) if page.has_next() else None,
            "previous": page_url(page.previous_page_number()) if page.has_previous() else None,
            "results": [serialize(request, item) for item in prepare(page.object_list)],
        }
    )


def absolute(request, url):
    return request.build_absolute_uri(url)


def image_data(request, image):
    rendition = image.largest_rendition() if image else None
    if not rendition:
        return None
    return {
        "url": absolute(request, rendition["url"]),
        "width": rendition["width"],
        "height": rendition["height"],
        "alt": image.alt,
        "caption": image.caption,
        "credit": image.credit,
    }


def office_data(office):
    if office is None:
        return None
    return {"name": office.name, "city": office.city, "country": office.country.code}


def contact_data(request, contact):
    return {
        "id": contact.pk,
        "name": contact.name,
        "job_title": contact.job_title,
        "email": contact.email,
        "phone": contact.phone or None,
        "mobile": contact.mobile or None,
        "languages": contact.languages,
        "office": office_data(contact.office),
        "url": absolute(request, contact.get_absolute_url()),
    }


def release_summary_data(request, release):
    return {
        "slug": release.slug,
        "url": absolute(request, release.canonical_url),
        "api_url": absolute(request, reverse("api:release", args=[release.slug])),
        "kind": release.kind,
        "title": release.title,
        "summary": release.summary,
        "dateline": release.dateline_text,
        "dateline_country": (
            release.dateline_country.code if release.dateline_country_id else None
        ),
        "countries": [country.code for country in release.countries.all()],
        "tags": [{"name": tag.name, "slug": tag.slug} for tag in release.tags.all()],
        "language": release.language,
        # Every live version of it, itself included (with_versions() reads them).
        "versions": [
            {
                "language": version.language,
                "url": absolute(request, version.canonical_url),
                "api_url": absolute(request, reverse("api:release", args=[version.slug])),
            }
            for version in release.versions
        ],
        "featured": release.featured,
        "published_at": release.publish_at,
        "updated_at": release.updated_at,
        "image": image_data(request, release.image),
    }


def release_data(request, release):
    return release_summary_data(request, release) | {
        "body": release.body,
        "contacts": [
            contact_data(request, link.contact) for link in release.release_contacts.all()
        ],
    }


def country_data(request, country):
    return {
        "code": country.code,
        "name": country.name,
        "slug": country.slug,
        "region": {"name": country.region.name, "slug": country.region.slug}
        if country.region
        else None,
        "member_since": country.member_since,
        "presence": country.presence,
        "url": absolute(request, country.get_absolute_url()),
        "api_url": absolute(request, reverse("api:country", args=[country.code.lower()])),
        "releases_api_url": absolute(request, reverse("api:releases") + f"?country={country.slug}"),
    }


def live_releases():
    return (
        Release.objects.live()
        .select_related("dateline_country", "image")
        .prefetch_related("tags", Prefetch("countries", Country.objects.only("code")))
    )


@api_view
def root(request):
    return JsonResponse(
        {
            name: absolute(request, reverse(f"api:{name}"))
            for name in ("releases", "countries", "contacts", "openapi")
        }
    )


@api_view
def openapi(request):
    return JsonResponse(openapi_document(absolute(request, reverse("api:root"))))


@api_view
def release_list(request):
    form = ReleaseFilterForm(request.GET)
    if form.errors:
        raise ApiError(400, "Invalid parameters.", form.errors.get_json_data())
    unknown = form.unknown_values()
    if unknown:
        raise ApiError(404, "Unknown filter value.", {name: ["Not found."] for name in unknown})
    return paginated(request, form.filter(live_releases()), release_summary_data, with_versions)


@api_view
def release_detail(request, slug):
    contacts = ReleaseContact.objects.select_related("contact__office__country")
    release = live_releases().prefetch_related(Prefetch("release_contacts", contacts))
    (release,) = with_versions([get_object_or_404(release, slug=slug)])
    return JsonResponse(release_data(request, release))


def with_versions(releases):
    """The releases, each with .versions: its group's live versions, in one query for all."""
    releases = list(releases)
    groups = live_versions_of_groups(releases)
    for release in releases:
        release.versions = groups[release.translation_of_id or release.pk]
    return releases


def countries():
    return Country.objects.select_related("region").order_by("name", "code")


def filtered_by_slug(request, queryset, param, model, lookup):
    """The queryset narrowed to `?param=<slug>`; 404 when the slug names nothing."""
    slug = slug_param(request, param)
    if not slug:
        return queryset
    if not model.objects.filter(slug=slug).exists():
        raise ApiError(404, f"Unknown {model._meta.verbose_name}.")
    return queryset.filter(**{lookup: slug})


@api_view
def country_list(request):
    queryset = filtered_by_slug(request, countries(), "region", Region, "region__slug")
    return paginated(request, queryset, country_data)


@api_view
def country_detail(request, key):
    country = countries().filter(Q(code=key.upper()) | Q(slug=key)).first()
    if country is None:
        raise Http404
    return JsonResponse(country_data(request, country) | {"summary": country.summary})


@api_view
def contact_list(request):
    queryset = filtered_by_slug(
        request,
        PressContact.objects.active().select_related("office__country").order_by("name", "id"),
        "country",
        Country,
        "office__country__slug",
    )
    return paginated(request, queryset, contact_data)


@api_view
def not_found(request, rest):
    raise Http404


app_name = "api"

urlpatterns = [
    path("", root, name="root"),
    path("openapi.json", openapi, name="openapi"),
    path("releases/", release_list, name="releases"),
    path("releases/<str:slug>/", release_detail, name="release"),
    path("countries/", country_list, name="countries"),
    path("countries/<str:key>/", country_detail, name="country"),
    path("contacts/", contact_list, name="contacts"),
    path("<path:rest>", not_found),
]
