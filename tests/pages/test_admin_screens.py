import pytest
from django.urls import reverse

from tests.factories import (
    country,
    make_contact,
    make_image,
    make_office,
    make_page,
    make_release,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_of_each():
    image = make_image()
    contact = make_contact()
    return {
        "pages_page": make_page(hero_image=image),
        "pages_image": image,
        "news_release": make_release(image=image, contacts=[contact], tags=["Climate"]),
        "contacts_country": country("CN"),
        "contacts_office": make_office(),
        "contacts_presscontact": contact,
    }


def test_every_changelist_add_change_and_history_screen_renders(staff_client, one_of_each):
    for name, item in one_of_each.items():
        for url in (
            reverse(f"admin:{name}_changelist"),
            reverse(f"admin:{name}_add"),
            reverse(f"admin:{name}_change", args=[item.pk]),
            reverse(f"admin:{name}_history", args=[item.pk]),
            reverse(f"admin:{name}_recoverlist"),
        ):
            assert staff_client.get(url).status_code == 200, url
    assert staff_client.get(reverse("admin:pages_slugredirect_changelist")).status_code == 200


def test_publishable_changelists_show_state_badges(staff_client):
    make_release(title="Scheduled one", publish_at=None, status="draft")
    make_page(title="Live page")
    for name in ("news_release", "pages_page"):
        response = staff_client.get(reverse(f"admin:{name}_changelist"))
        assert b'class="state state-' in response.content


def test_rich_text_fields_use_the_prose_editor_with_its_assets_served(staff_client, client):
    for name in ("news_release", "pages_page", "contacts_country"):
        response = staff_client.get(reverse(f"admin:{name}_add"))
        html = response.content.decode()
        assert "data-django-prose-editor-configurable" in html, name
        assert "/static/django_prose_editor/editor.js" in html
    from django.contrib.staticfiles import finders

    for asset in ("django_prose_editor/editor.js", "django_prose_editor/configurable.js"):
        assert finders.find(asset), asset
