import pytest
from django.core.exceptions import ValidationError

from pages.content_version import next_scheduled_change
from pages.menus import main_menu
from pages.models import Page
from pages.publishing import Status
from tests.factories import make_page, tomorrow

pytestmark = pytest.mark.django_db


def test_paths_follow_the_tree_when_a_slug_changes_or_a_page_moves():
    work = make_page("Our Work", slug="our-work")
    what = make_page("What We Do", parent=work, slug="what-we-do")
    deep = make_page("Health", parent=what, slug="health")
    assert deep.path == "our-work/what-we-do/health/"

    work.slug = "work"
    work.save()
    deep.refresh_from_db()
    assert deep.path == "work/what-we-do/health/"

    action = make_page("Take Action", slug="take-action")
    what.parent = action
    what.save()
    deep.refresh_from_db()
    assert deep.path == "take-action/what-we-do/health/"
    assert deep.get_absolute_url() == "/take-action/what-we-do/health/"


def test_page_cannot_go_inside_itself():
    top = make_page(slug="top")
    child = make_page(parent=top, slug="child")
    top.parent = child
    with pytest.raises(ValidationError) as error:
        top.full_clean()
    assert "parent" in error.value.message_dict


@pytest.mark.parametrize("slug", ["admin", "search", "api"])
def test_reserved_top_level_slugs_are_refused(slug):
    with pytest.raises(ValidationError) as error:
        Page(title="Clash", slug=slug).full_clean()
    assert "slug" in error.value.message_dict


def test_no_pages_under_app_sections():
    news = make_page("Newsroom", slug="news")
    with pytest.raises(ValidationError):
        Page(title="Clash", slug="clash", parent=news).full_clean()


def test_same_address_twice_is_a_form_error():
    make_page(slug="who-we-are")
    with pytest.raises(ValidationError) as error:
        Page(title="Again", slug="who-we-are").full_clean()
    assert "already has the address /who-we-are/" in str(error.value)


def test_page_detail_with_breadcrumbs_and_section_navigation(client, django_assert_max_num_queries):
    work = make_page("Our Work", slug="our-work")
    make_page("What We Do", parent=work, slug="what-we-do", body="<p>We help migrants.</p>")
    for number in range(30):
        make_page(f"Partnership {number}", parent=work, slug=f"partnership-{number}")
    client.get("/our-work/what-we-do/")  # builds the menu, cached until content changes
    # the page, its breadcrumbs, the section's navigation and the page's children
    with django_assert_max_num_queries(4):
        response = client.get("/our-work/what-we-do/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<p>We help migrants.</p>" in html
    assert 'aria-label="Breadcrumb"' in html and 'href="/our-work/"' in html
    assert 'href="/our-work/partnership-29/"' in html
    assert 'aria-current="page">What We Do<' in html


@pytest.mark.parametrize(
    "fields", [{"status": Status.DRAFT}, {"publish_at": tomorrow()}], ids=["draft", "embargoed"]
)
def test_unpublished_pages_are_hidden_from_the_public(client, staff_client, fields):
    page = make_page("Secret plans", slug="secret", **fields)
    assert client.get("/secret/").status_code == 404
    assert "Secret plans" not in client.get("/search/?q=secret").content.decode()
    assert "/secret/" not in client.get("/sitemap-pages.xml").content.decode()
    assert page not in [section for section, _ in main_menu()]

    preview = staff_client.get("/secret/")
    assert preview.status_code == 200
    assert "no-store" in preview["Cache-Control"] and "private" in preview["Cache-Control"]
    assert preview["X-Robots-Tag"].startswith("noindex")


def test_unknown_path_is_a_404_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_menu_is_built_from_the_tree_in_one_query_then_cached(django_assert_num_queries):
    work = make_page("Our Work", slug="our-work", sort_order=2)
    make_page("Who we are", slug="who-we-are", sort_order=1)
    make_page("What We Do", parent=work, slug="what-we-do")
    make_page("Hidden", slug="hidden", show_in_menu=False)
    next_scheduled_change()  # worked out once per content change, for every cached fragment
    with django_assert_num_queries(1):
        menu = main_menu()
    assert [(section.title, [c.title for c in children]) for section, children in menu] == [
        ("Who we are", []),
        ("Our Work", ["What We Do"]),
    ]
    with django_assert_num_queries(0):
        main_menu()


def test_saving_a_page_refreshes_the_cached_menu():
    page = make_page("Who we are", slug="who-we-are")
    main_menu()
    page.menu_title = "About us"
    page.save()
    assert [section.menu_label for section, _ in main_menu()] == ["About us"]
