"""Random and hostile requests to every public address: none may answer 500."""

import os
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_contact, make_page, make_release

# {} takes a generated path segment.
PUBLIC_ADDRESSES = [
    "/",
    "/search/",
    "/news/",
    "/news/{}/",
    "/where-we-work/",
    "/where-we-work/{}/",
    "/media-contacts/",
    "/robots.txt",
    "/sitemap.xml",
    "/{}/",
    "/{}/{}/",
    "/healthz",
    "/readyz",
    "/admin/login/",
]
KNOWN_PARAMETERS = ["q", "page", "kind", "country", "region", "tag", "year", "month", "language"]

# Text of every kind, NUL bytes included, percent-encoded as a browser would send it...
encoded_text = st.text(max_size=40).map(lambda text: quote(text, safe=""))
# ...bytes that are not UTF-8 at all, percent-encoded...
invalid_utf8 = st.binary(min_size=1, max_size=12).map(
    lambda data: "".join(f"%{byte:02x}" for byte in data)
)
# ...and the odd huge value.
huge = st.integers(min_value=1_000, max_value=50_000).map(lambda size: "9" * size)
values = st.one_of(
    encoded_text,
    invalid_utf8,
    huge,
    st.sampled_from(["-1", "0", "abc", "%00", "1e9", "2024", "13", "press-release", "china"]),
)
names = st.one_of(st.sampled_from(KNOWN_PARAMETERS), encoded_text.filter(bool))
queries = st.lists(st.tuples(names, values), max_size=5).map(
    lambda pairs: "&".join(f"{name}={value}" for name, value in pairs)
)
segments = st.one_of(
    st.sampled_from(["seeded-release", "seeded-page", "china", "news", "admin"]),
    encoded_text.filter(bool),
    invalid_utf8,
)


@st.composite
def public_requests(draw):
    address = draw(st.sampled_from(PUBLIC_ADDRESSES))
    path = address.format(*(draw(segments) for _ in range(address.count("{}"))))
    query = draw(queries)
    return f"{path}?{query}" if query else path


ADMIN_ADDRESSES = [
    "/admin/news/release/",
    "/admin/pages/page/",
    "/admin/pages/image/",
    "/admin/contacts/country/",
    "/admin/contacts/office/",
    "/admin/contacts/presscontact/",
    "/admin/news/release/{}/change/",
    "/admin/pages/page/{}/history/",
    "/admin/autocomplete/",
    "/admin/news/release/add/",
    "/admin/pages/page/add/",
    "/admin/contacts/presscontact/add/",
    "/admin/r/{}/{}/",
]
ADMIN_PARAMETERS = [
    "q",
    "o",
    "p",
    "e",
    "all",
    "state",
    "kind",
    "language",
    "featured",
    "publish_at__year",
    "publish_at__month",
    "_changelist_filters",
    "app_label",
    "model_name",
    "field_name",
    "term",
    "page",
    "status__exact",
]
admin_queries = st.lists(
    st.tuples(st.one_of(st.sampled_from(ADMIN_PARAMETERS), names), values), max_size=4
).map(lambda pairs: "&".join(f"{name}={value}" for name, value in pairs))


@st.composite
def admin_requests(draw):
    address = draw(st.sampled_from(ADMIN_ADDRESSES))
    path = address.format(*(draw(segments) for _ in range(address.count("{}"))))
    query = draw(admin_queries)
    return f"{path}?{query}" if query else path


@pytest.fixture
def seeded_site():
    contact = make_contact("Ellen Wong")
    make_release("Seeded", slug="seeded-release", contacts=[contact], tags=["Climate"])
    make_page("Seeded page", slug="seeded-page")


EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "120"))


def fuzz(examples):
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize="CI" in os.environ,  # CI runs the same requests each time; locally they vary
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@pytest.mark.django_db
@fuzz(EXAMPLES)
@given(request=public_requests(), method=st.sampled_from(["GET", "GET", "HEAD", "POST"]))
def test_no_public_request_answers_500(client, seeded_site, request, method):
    client.raise_request_exception = False
    response = client.generic(method, request)
    assert response.status_code < 500, (method, request, response.status_code)


@pytest.mark.django_db
@fuzz(EXAMPLES // 2)
@given(request=admin_requests())
def test_no_admin_list_or_form_request_answers_500(admin_client, seeded_site, request):
    admin_client.raise_request_exception = False
    response = admin_client.get(request)
    assert response.status_code < 500, (request, response.status_code)


ADMIN_FORMS = {
    "/admin/news/release/add/": [
        "title", "slug", "kind", "dateline_country", "dateline", "summary", "body", "tags",
        "countries", "status", "publish_at_0", "publish_at_1", "unpublish_at_0", "language",
        "translation_of", "featured", "image",
    ],
    "/admin/pages/page/add/": [
        "title", "slug", "parent", "summary", "body", "status", "publish_at_0", "menu_title",
        "sort_order", "seo_title", "search_description", "template_name", "hero_image",
    ],
    "/admin/contacts/presscontact/add/": [
        "name", "job_title", "office", "email", "phone", "mobile", "languages", "active",
    ],
    "/admin/contacts/office/add/": ["name", "kind", "country", "city", "email", "phone"],
    "/admin/contacts/country/add/": ["name", "code", "slug", "region", "member_since", "body"],
    "/admin/contacts/region/add/": ["name", "slug", "sort_order"],
}  # fmt: skip
form_values = st.one_of(
    st.text(max_size=60),
    st.text(max_size=3000),
    st.sampled_from(["", "1", "-1", "99999999999999999999", "published", "en", "CN", "+41227179111",
                     "2024-02-30", "25:61", "a@b.c", "<script>alert(1)</script>", "1,2,abc"]),
)  # fmt: skip


@st.composite
def admin_posts(draw):
    url = draw(st.sampled_from(list(ADMIN_FORMS)))
    fields = {name: draw(form_values) for name in ADMIN_FORMS[url]}
    fields |= {"release_contacts-TOTAL_FORMS": "0", "release_contacts-INITIAL_FORMS": "0"}
    return url, fields


@pytest.mark.django_db
@fuzz(EXAMPLES // 2)
@given(post=admin_posts())
def test_no_admin_form_post_answers_500(admin_client, seeded_site, post):
    admin_client.raise_request_exception = False
    url, fields = post
    response = admin_client.post(url, fields)
    assert response.status_code in (200, 302), (url, fields, response.status_code)
