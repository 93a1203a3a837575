import pytest
from django.urls import reverse

from news.models import Release
from tests.admin_forms import admin_form_data
from tests.factories import make_page, make_release

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("admin_name", "make_item", "kind"),
    [("news_release", make_release, "release"), ("pages_page", make_page, "page")],
)
def test_a_stale_form_is_refused_and_overwrites_nothing(staff_client, admin_name, make_item, kind):
    item = make_item(title="Original")
    url = reverse(f"admin:{admin_name}_change", args=[item.pk])
    first_editor = admin_form_data(staff_client.get(url))
    second_editor = admin_form_data(staff_client.get(url))

    first_editor["title"] = "First editor's title"
    assert staff_client.post(url, first_editor).status_code == 302

    second_editor["title"] = "Second editor's title"
    response = staff_client.post(url, second_editor)
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.non_field_errors())
    assert f"Someone else saved this {kind} at" in errors
    assert "copy your changes, reload, and apply them again" in errors
    assert type(item).objects.get(pk=item.pk).title == "First editor's title"

    # After reloading, the second editor's save goes through.
    reloaded = admin_form_data(staff_client.get(url))
    reloaded["title"] = "Second editor's title"
    assert staff_client.post(url, reloaded).status_code == 302
    assert type(item).objects.get(pk=item.pk).title == "Second editor's title"


def test_a_bulk_publish_since_the_form_opened_also_makes_it_stale(staff_client):
    release = make_release(status="draft", publish_at=None)
    url = reverse("admin:news_release_change", args=[release.pk])
    data = admin_form_data(staff_client.get(url))
    Release.objects.filter(pk=release.pk).publish()
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "Someone else saved" in str(response.context["adminform"].form.non_field_errors())
    assert Release.objects.get(pk=release.pk).status == "published"
