import pytest
from django.contrib.auth.models import User

from news.models import Release
from tests.browser.conftest import log_in
from tests.factories import make_page, make_release

pytestmark = pytest.mark.browser


def test_topics_are_picked_from_existing_tags_or_typed_new(site, new_page):
    release = make_release("Floods in the Sahel", tags=["Climate", "Labour migration"])
    make_release(tags=["Climate and environment"])
    user = User.objects.create_superuser("chief", "chief@iom.int", "pass")
    page = new_page()
    log_in(page, site, user)
    page.goto(f"{site.url}/admin/news/release/{release.pk}/change/")
    assert not page.is_visible("#id_tags")  # the text box is replaced by the multi-select
    chosen = page.locator(".select2-selection__choice").all_inner_texts()
    assert sorted(text.strip("×\n ") for text in chosen) == ["Climate", "Labour migration"]
    page.click("#id_tags + select + .select2 .select2-selection")
    page.keyboard.type("environ")
    page.click(".select2-results__option:has-text('Climate and environment')")
    page.keyboard.type("Floods,")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    assert sorted(Release.objects.get(pk=release.pk).tags.names()) == [
        "Climate",
        "Climate and environment",
        "Floods",
        "Labour migration",
    ]


def test_keyboard_users_reach_the_sub_pages_in_the_main_menu(site, new_page):
    work = make_page("Our Work", slug="our-work")
    make_page("What We Do", parent=work, slug="what-we-do")
    page = new_page()
    page.goto(site.url + "/")
    submenu_link = page.locator(".submenu a:has-text('What We Do')")
    assert not submenu_link.is_visible()
    page.focus(".menu-item > a:has-text('Our Work')")
    page.keyboard.press("Tab")
    assert submenu_link.is_visible()
    page.keyboard.press("Enter")
    page.wait_for_url("**/our-work/what-we-do/")


def test_the_rich_text_editor_runs_under_the_strict_content_security_policy(site, new_page):
    release = make_release("Editor check", body="<p>Migration flows.</p>")
    user = User.objects.create_superuser("chief", "chief@iom.int", "pass")
    page = new_page()
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if ("Content Security Policy" in message.text) else None
        ),
    )
    log_in(page, site, user)
    page.goto(f"{site.url}/admin/news/release/{release.pk}/change/")
    page.wait_for_selector(".prose-menubar__button")
    assert page.locator("[contenteditable=true].ProseMirror").inner_text().strip() == (
        "Migration flows."
    )
    assert refused == []
