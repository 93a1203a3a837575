"""Fuzz the read API against its own OpenAPI description, in-process: no answer may be a 5xx,
and every answer must match the documented schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from iomsite.openapi import openapi_document
from iomsite.wsgi import application
from tests.factories import country, make_contact, make_image, make_release

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
schema = schemathesis.openapi.from_dict(openapi_document("http://testserver/api"))


@pytest.fixture
def content(db):
    # Called straight through WSGI, Django would close the test's database connection at the
    # end of each request (its test client avoids this the same way).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    image = make_image()
    make_release("Seminar in Beijing", image=image, tags=["Migration"], countries=[country("CN")])
    make_contact("Ellen Wong")
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_never_fails(case, content):
    response = case.call(app=application)
    case.validate_response(response, checks=CHECKS)
