import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from reversion.models import Version

from news.models import Release
from tests.admin_forms import admin_form_data
from tests.factories import country, make_contact, make_office, make_release

pytestmark = pytest.mark.django_db


def save_via_admin(client, release, **changes):
    url = reverse("admin:news_release_change", args=[release.pk])
    data = admin_form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Version.objects.get_for_object(release).first()


@pytest.fixture
def edited_release(staff_client):
    """A release saved twice in the admin: first with one contact and a tag, then changed."""
    first_contact = make_contact(name="Ana First")
    release = make_release(title="First title", contacts=[first_contact], tags=["Climate"])
    first = save_via_admin(staff_client, release, body="<p>Migrants arrive safely.</p>")
    release.release_contacts.all().delete()
    release.tags.set(["Labour"])
    second = save_via_admin(
        staff_client,
        release,
        title="<script>alert(1)</script> Second title",
        body="<p>Migrants arrive tired.</p>",
    )
    return release, first, second


def test_every_admin_save_is_a_version_with_who_and_when(staff_client, edited_release):
    release, first, second = edited_release
    assert first.revision.user.username == "chief"
    assert first.revision.date_created <= second.revision.date_created
    history = staff_client.get(reverse("admin:news_release_history", args=[release.pk]))
    html = history.content.decode()
    assert html.count('name="from"') == 2
    assert "chief" in html
    assert "&lt;script&gt;" in html or "Second title" not in html


def test_compare_shows_a_readable_escaped_diff(staff_client, edited_release):
    release, first, second = edited_release
    url = reverse("admin:news_release_compare", args=[release.pk])
    response = staff_client.get(url, {"from": first.pk, "to": second.pk})
    html = response.content.decode()
    assert "<del>safely.&lt;/p&gt;</del>" in html
    assert "<ins>tired.&lt;/p&gt;</ins>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "Ana First" in html  # the press contact inline that the second version dropped
    assert "<del>Climate</del><ins>Labour</ins>" in html
    assert staff_client.get(url, {"from": "x", "to": second.pk}).status_code == 404


def test_revert_brings_back_fields_contacts_and_tags(staff_client, edited_release):
    release, first, second = edited_release
    url = reverse("admin:news_release_revision", args=[release.pk, first.pk])
    data = admin_form_data(staff_client.get(url))
    assert staff_client.post(url, data).status_code == 302
    release.refresh_from_db()
    assert release.title == "First title"
    assert release.body == "<p>Migrants arrive safely.</p>"
    assert [str(contact) for contact in release.contacts.all()][0].startswith("Ana First")
    assert list(release.tags.names()) == ["Climate"]


def test_viewers_read_history_but_only_editors_revert(client, django_user_model, edited_release):
    release, first, second = edited_release
    viewer = django_user_model.objects.create_user("viewer", password="pass", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_release"))
    client.force_login(viewer)
    assert client.get(reverse("admin:news_release_change", args=[release.pk])).status_code == 200
    revert = reverse("admin:news_release_revision", args=[release.pk, first.pk])
    assert client.get(revert).status_code == 403
    assert client.post(revert, {"title": "Hijacked"}).status_code == 403
    assert client.get(reverse("admin:news_release_history", args=[release.pk])).status_code == 200
    compare = reverse("admin:news_release_compare", args=[release.pk])
    assert client.get(compare, {"from": first.pk, "to": second.pk}).status_code == 200
    assert client.get(reverse("admin:news_release_recoverlist")).status_code == 403
    release.refresh_from_db()
    assert release.title.endswith("Second title")


def test_a_deleted_release_can_be_recovered_with_its_contacts(staff_client, edited_release):
    release, first, second = edited_release
    release.release_contacts.create(contact=make_contact(name="Bo Second"))
    save_via_admin(staff_client, release)
    delete_url = reverse("admin:news_release_delete", args=[release.pk])
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Release.objects.exists()

    recover_list = staff_client.get(reverse("admin:news_release_recoverlist"))
    assert "Second title" in recover_list.content.decode()
    deleted = Version.objects.get_deleted(Release).first()
    url = reverse("admin:news_release_recover", args=[deleted.pk])
    assert staff_client.post(url, admin_form_data(staff_client.get(url))).status_code == 302
    recovered = Release.objects.get()
    assert recovered.title.endswith("Second title")
    assert [contact.name for contact in recovered.contacts.all()] == ["Bo Second"]


@pytest.mark.parametrize(
    ("admin_name", "make_item"),
    [
        ("contacts_country", lambda: country("KE")),
        ("contacts_office", make_office),
        ("contacts_presscontact", make_contact),
    ],
)
def test_contacts_saves_are_versions_too(staff_client, admin_name, make_item):
    item = make_item()
    url = reverse(f"admin:{admin_name}_change", args=[item.pk])
    assert staff_client.post(url, admin_form_data(staff_client.get(url))).status_code == 302
    assert Version.objects.get_for_object(item).count() == 1


def test_bulk_publishing_is_recorded_in_the_history(staff_client):
    release = make_release(status="draft", publish_at=None)
    changelist = reverse("admin:news_release_changelist")
    staff_client.post(changelist, {"action": "publish", "_selected_action": [release.pk]})
    version = Version.objects.get_for_object(release).get()
    assert version.field_dict["status"] == "published"
    assert version.revision.user.username == "chief"
    assert version.revision.get_comment() == "Published from the list."
