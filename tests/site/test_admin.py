import pytest
from django.contrib import admin
from django.contrib.auth.models import Group

from news.models import Release
from pages.models import Image, Page
from pages.publishing import Status
from tests.admin_forms import admin_form_data
from tests.factories import (
    country,
    image_upload,
    make_contact,
    make_image,
    make_office,
    make_page,
    make_release,
    tomorrow,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_of_everything():
    make_release(
        dateline_country=country("CN"),
        contacts=[make_contact()],
        image=make_image(),
        tags=["Climate"],
    )
    make_page()
    Group.objects.create(name="Editors")


@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=lambda model: model._meta.label_lower
)
def test_every_changelist_add_and_change_form_renders(
    staff_client, superuser, rf, one_of_everything, model
):
    opts = model._meta
    base = f"/admin/{opts.app_label}/{opts.model_name}/"
    assert staff_client.get(base).status_code == 200
    assert staff_client.get(base + "?q=test&o=1").status_code == 200
    request = rf.get(base)
    request.user = superuser
    addable = admin.site._registry[model].has_add_permission(request)  # redirects are not
    assert staff_client.get(base + "add/").status_code == (200 if addable else 403)
    obj = model.objects.first()
    if obj is not None:
        assert staff_client.get(f"{base}{obj.pk}/change/").status_code == 200


def release_form(client, **overrides):
    """The add form as the browser has it, filled in; the inlines' management data included."""
    contact = overrides.pop("contact", None)
    data = admin_form_data(client.get("/admin/news/release/add/"))
    data |= {
        "title": "Director General visits Dhaka",
        "slug": "director-general-visits-dhaka",
        "kind": "press-release",
        "dateline_country": country("BD").pk,
        "dateline": "",
        "summary": "The visit.",
        "body": "<p>Dhaka – The Director General visited.</p>",
        "tags": "Climate, Labour migration",
        "countries": [],
        "status": "draft",
        "language": "en",
        "release_contacts-0-contact": contact.pk if contact else "",
        "release_contacts-0-sort_order": "0",
    }
    data.update(overrides)
    return data


def test_release_is_written_in_the_admin_with_ordered_contacts(staff_client, superuser):
    contact = make_contact("Ellen Wong")
    response = staff_client.post(
        "/admin/news/release/add/", release_form(staff_client, contact=contact, status="published")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    release = Release.objects.get(slug="director-general-visits-dhaka")
    assert release.is_live
    assert list(release.contacts.all()) == [contact]
    assert sorted(release.tags.names()) == ["Climate", "Labour migration"]
    assert list(release.countries.values_list("code", flat=True)) == ["BD"]
    assert release.created_by == superuser and release.updated_by == superuser


def test_scheduled_release_shows_its_time_in_the_changelist(staff_client):
    make_release("Embargoed one", publish_at=tomorrow())
    html = staff_client.get("/admin/news/release/").content.decode()
    assert "state-scheduled" in html and "Scheduled" in html and "UTC" in html


def test_changelist_filters_by_state(staff_client):
    make_release("Live one")
    make_release("Draft one", status=Status.DRAFT)
    html = staff_client.get("/admin/news/release/?state=draft").content.decode()
    assert "Draft one" in html and "Live one" not in html


def test_duplicate_slug_is_a_form_error(staff_client):
    make_release(slug="director-general-visits-dhaka")
    response = staff_client.post("/admin/news/release/add/", release_form(staff_client))
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors


def test_bulk_publish_action(staff_client):
    draft = make_release(status=Status.DRAFT, publish_at=None)
    response = staff_client.post(
        "/admin/news/release/", {"action": "publish", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_live


def test_page_is_added_in_the_admin_under_a_parent(staff_client):
    parent = make_page("Our Work", slug="our-work")
    response = staff_client.post(
        "/admin/pages/page/add/",
        {"title": "Highlights", "slug": "highlights", "parent": parent.pk, "summary": "",
         "body": "<p>Hi</p>", "status": "published", "show_in_menu": "on", "sort_order": "3"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Page.objects.get(slug="highlights").path == "our-work/highlights/"


def test_image_needs_alt_text_unless_decorative(staff_client):
    data = {"title": "Camp", "focal_x": 50, "focal_y": 50, "file": image_upload()}
    response = staff_client.post("/admin/pages/image/add/", data)
    assert "alt_text" in response.context["adminform"].form.errors
    data = {**data, "file": image_upload(), "decorative": "on"}
    assert staff_client.post("/admin/pages/image/add/", data).status_code == 302
    image = Image.objects.get(title="Camp")
    assert [size["width"] for size in image.rendition_set("card")] == [400, 800]
    assert image.rendition_set("wide")[-1]["width"] == 1200  # never upscaled
    assert image.rendition_set("card")[0]["webp"].endswith(".webp")


def test_office_admin_uses_country_autocomplete(staff_client):
    make_office()
    response = staff_client.get(
        "/admin/autocomplete/?app_label=contacts&model_name=office&field_name=country&term=chi"
    )
    assert "China" in response.content.decode()


@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=lambda model: model._meta.label_lower
)
def test_every_change_form_saves_unchanged(staff_client, one_of_everything, model):
    obj = model.objects.first()
    if obj is None:
        pytest.skip(f"no {model._meta.verbose_name} to edit")
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/change/"
    response = staff_client.post(url, admin_form_data(staff_client.get(url)))
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_topics_autocomplete_suggests_existing_tags(staff_client, client):
    make_release(tags=["Climate", "Labour migration", "Health"])
    form = staff_client.get("/admin/news/release/add/").content.decode()
    assert 'data-tag-autocomplete-url="/admin/news/release/tags/autocomplete/"' in form
    assert "news/tag-autocomplete.js" in form
    response = staff_client.get("/admin/news/release/tags/autocomplete/?term=migr")
    assert response.json() == {"results": [{"id": "Labour migration", "text": "Labour migration"}]}
    anonymous = client.get("/admin/news/release/tags/autocomplete/?term=migr")
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
