"""Whatever the query string, the newsroom and search answer without a server error."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import country, make_release

pytestmark = pytest.mark.django_db

ALLOWED = ["q", "page", "kind", "country", "region", "tag", "year", "month", "language"]
VALID_VALUES = ["china", "peru", "asia-and-the-pacific", "climate", "news", "fr", "2025", "3", "1"]


def encoded(text):
    return quote(text, safe="")


raw_bytes = st.binary(max_size=12).map(lambda data: "".join(f"%{byte:02x}" for byte in data))
keys = st.one_of(
    st.sampled_from(ALLOWED).map(encoded), st.text(max_size=20).map(encoded), raw_bytes
)
values = st.one_of(
    st.sampled_from(VALID_VALUES),
    st.text(max_size=40).map(encoded),
    st.integers().map(str),
    raw_bytes,  # invalid UTF-8 such as %ff%fe
    st.sampled_from(["%00", "a%00b", "x" * 10_000, "%", "%zz", "&&==", "migrtion", '"a" -b or c']),
)
query_strings = st.lists(st.tuples(keys, values), max_size=6).map(
    lambda pairs: "&".join(f"{key}={value}" for key, value in pairs)
)


@pytest.fixture
def releases():
    make_release("Climate and migration", countries=[country("CN")], tags=["Climate"])
    make_release("Cholera in Peru", countries=[country("PE")], kind="news", language="fr")


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(path=st.sampled_from(["/news/", "/search/"]), query_string=query_strings)
def test_no_server_error(client, releases, path, query_string):
    response = client.get(f"{path}?{query_string}")
    assert response.status_code < 500, query_string
