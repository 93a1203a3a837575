"""The OpenAPI 3.1 description of the read API, written by hand and kept honest by
tests/site/test_api.py (every path answers, every field is documented)."""

from django.conf import settings

from news.filters import MAX_PARAMETER_LENGTH
from news.models import Release

SLUG = {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$", "maxLength": MAX_PARAMETER_LENGTH}
STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
URL = {"type": "string", "format": "uri"}
DATE_TIME = {"type": "string", "format": "date-time"}
COUNTRY_CODE = {"type": "string", "pattern": "^[A-Z]{2}$"}


def obj(properties, nullable=False):
    """A closed object: every field required, no undocumented field allowed."""
    return {
        "type": ["object", "null"] if nullable else "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def query(name, schema, description):
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}  # fmt: skip


PAGINATION_PARAMETERS = [
    query("page", {"type": "integer", "minimum": 1}, "Page number, from 1."),
    query("page_size", {"type": "integer", "minimum": 1, "maximum": 100},
          "Items per page, 20 by default, at most 100."),
]  # fmt: skip

RELEASE_FILTERS = [
    query("kind", {"type": "string", "enum": Release.Kind.values}, "Kind of release."),
    query("country", SLUG, "Country slug, e.g. china."),
    query("region", SLUG, "Region slug."),
    query("tag", SLUG, "Topic slug."),
    query("year", {"type": "integer", "minimum": 1951, "maximum": 2100}, "Year published."),
    query("month", {"type": "integer", "minimum": 1, "maximum": 12},
          "Month published (with year)."),
    query("language", {"type": "string", "enum": [code for code, _ in settings.LANGUAGES]},
          "Language code."),
]  # fmt: skip

RELEASE_SUMMARY = {
    "slug": STRING,
    "url": URL,
    "api_url": URL,
    "kind": {"type": "string", "enum": Release.Kind.values},
    "title": STRING,
    "summary": STRING,
    "dateline": STRING,
    "dateline_country": {"type": ["string", "null"], "pattern": "^[A-Z]{2}$"},
    "countries": {"type": "array", "items": COUNTRY_CODE},
    "tags": {"type": "array", "items": obj({"name": STRING, "slug": STRING})},
    "language": STRING,
    "versions": {
        "type": "array",
        "description": "Every live language version of the release, itself included.",
        "items": obj({"language": STRING, "url": URL, "api_url": URL}),
    },
    "featured": {"type": "boolean"},
    "published_at": DATE_TIME,
    "updated_at": DATE_TIME,
    "image": obj(
        {"url": URL, "width": {"type": "integer"}, "height": {"type": "integer"},
         "alt": STRING, "caption": STRING, "credit": STRING},
        nullable=True,
    ),
}  # fmt: skip

CONTACT = {
    "id": {"type": "integer"},
    "name": STRING,
    "job_title": STRING,
    "email": {"type": "string", "format": "email"},
    "phone": {**NULLABLE_STRING, "description": "E.164, e.g. +41227179111."},
    "mobile": NULLABLE_STRING,
    "languages": STRING,
    "office": obj({"name": STRING, "city": STRING, "country": COUNTRY_CODE}, nullable=True),
    "url": URL,
}

COUNTRY = {
    "code": COUNTRY_CODE,
    "name": STRING,
    "slug": STRING,
    "region": obj({"name": STRING, "slug": STRING}, nullable=True),
    "member_since": {"type": ["integer", "null"]},
    "presence": {"type": "boolean"},
    "url": URL,
    "api_url": URL,
    "releases_api_url": URL,
}

SCHEMAS = {
    "ReleaseSummary": obj(RELEASE_SUMMARY),
    "Release": obj(RELEASE_SUMMARY | {"body": STRING, "contacts": {"type": "array",
                                                                   "items": ref("Contact")}}),
    "Country": obj(COUNTRY),
    "CountryDetail": obj(COUNTRY | {"summary": STRING}),
    "Contact": obj(CONTACT),
    "Error": {
        "type": "object",
        "properties": {"error": STRING, "fields": {"type": "object"}},
        "required": ["error"],
        "additionalProperties": False,
    },
    "Root": obj({"releases": URL, "countries": URL, "contacts": URL, "openapi": URL}),
}  # fmt: skip
for name in ("ReleaseSummary", "Country", "Contact"):
    SCHEMAS[f"{name}Page"] = obj(
        {
            "count": {"type": "integer", "minimum": 0},
            "next": {"type": ["string", "null"], "format": "uri"},
            "previous": {"type": ["string", "null"], "format": "uri"},
            "results": {"type": "array", "items": ref(name)},
        }
    )


def json_response(description, schema_name):
    return {"description": description,
            "content": {"application/json": {"schema": ref(schema_name)}}}  # fmt: skip


ERRORS = {
    "400": json_response("A parameter is malformed.", "Error"),
    "404": json_response("No such item, filter value or page.", "Error"),
}


def get(summary, schema_name, parameters=(), operation_id=""):
    return {
        "get": {
            "summary": summary,
            "operationId": operation_id,
            "parameters": list(parameters),
            "responses": {"200": json_response("OK", schema_name), **ERRORS},
        }
    }


def path_parameter(name, description):
    return {"name": name, "in": "path", "required": True, "schema": STRING,
            "description": description}  # fmt: skip


PATHS = {
    "/": get("Links to the collections.", "Root", operation_id="root"),
    "/releases/": get(
        "Live releases, newest first.",
        "ReleaseSummaryPage",
        RELEASE_FILTERS + PAGINATION_PARAMETERS,
        "listReleases",
    ),
    "/releases/{slug}/": get(
        "One live release, with its body and press contacts.",
        "Release",
        [path_parameter("slug", "The release's slug.")],
        "getRelease",
    ),
    "/countries/": get(
        "Countries by name.",
        "CountryPage",
        [query("region", SLUG, "Region slug."), *PAGINATION_PARAMETERS],
        "listCountries",
    ),
    "/countries/{code_or_slug}/": get(
        "One country, by ISO 3166 alpha-2 code (cn) or slug (china).",
        "CountryDetail",
        [path_parameter("code_or_slug", "ISO code or slug.")],
        "getCountry",
    ),
    "/contacts/": get(
        "Active press contacts by name.",
        "ContactPage",
        [query("country", SLUG, "Slug of the country of their office."), *PAGINATION_PARAMETERS],
        "listContacts",
    ),
}


def openapi_document(server_url):
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.SITE_SHORT_NAME} newsroom API",
            "version": "1.0.0",
            "description": (
                "Read-only JSON for partners: live releases, countries and press contacts. "
                "Dates are ISO 8601 in UTC. Any origin may read it (CORS); only GET, HEAD "
                "and OPTIONS are answered."
            ),
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
