import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from news.models import EmbargoLink, Release
from tests.browser.conftest import choose, fill_textarea, log_in, staff_user
from tests.factories import image_upload, make_contact, make_release

pytestmark = pytest.mark.browser

# Enough for the steps between scheduling and the embargo lifting on a slow, shared machine.
EMBARGO_SECONDS = 20
TITLE = "Rohingya families receive shelter kits"
BODY = (
    '<p>Read the <a href="https://www.iom.int/appeal">appeal</a>.</p>'
    "<blockquote>Every family deserves a safe roof.</blockquote>"
)


def test_publisher_schedules_a_release_shares_it_under_embargo_and_it_goes_live(site, new_page):
    contact = make_contact(name="Safa Msehli")
    publisher = staff_user("publisher", "Publishers", permissions=None)
    page = new_page()
    log_in(page, site, publisher)

    page.goto(f"{site.url}/admin/pages/image/add/")
    upload = image_upload("shelter.jpg")
    page.set_input_files(
        "#id_file", {"name": upload.name, "mimeType": "image/jpeg", "buffer": upload.read()}
    )
    page.fill("#id_title", "Shelter kits")
    page.fill("#id_alt_text", "A family carries a shelter kit through the camp")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    page.goto(f"{site.url}/admin/news/release/add/")
    page.fill("#id_title", TITLE)
    fill_textarea(page, "body", BODY)
    choose(page, "id_image", "Shelter", "Shelter kits")
    choose(page, "id_release_contacts-0-contact", "Safa", "Safa Msehli")
    page.click("text=Add another Embargo link")
    page.fill("#id_embargo_links-0-shared_with", "Reuters Geneva desk")
    page.select_option("#id_status", "published")
    goes_live = timezone.localtime() + timedelta(seconds=EMBARGO_SECONDS)
    page.fill("#id_publish_at_0", f"{goes_live:%Y-%m-%d}")
    page.fill("#id_publish_at_1", f"{goes_live:%H:%M:%S}")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    private_link = page.input_value("input[name='embargo_links-0-link']")
    assert re.fullmatch(rf"{re.escape(site.url)}/news/embargo/[\w-]{{43}}/", private_link)
    release = Release.objects.get(title=TITLE)
    assert release.release_contacts.get().contact == contact
    assert EmbargoLink.objects.get().created_by == publisher

    journalist = new_page()
    response = journalist.goto(private_link)
    assert "no-store" in response.headers["cache-control"]
    assert journalist.text_content("h1") == TITLE
    assert "EMBARGOED until" in journalist.text_content(".status-banner")
    assert journalist.text_content(".rich-text blockquote") == "Every family deserves a safe roof."
    assert journalist.get_attribute(".rich-text a", "href") == "https://www.iom.int/appeal"
    assert "Safa Msehli" in journalist.text_content(".press-contacts")
    assert journalist.get_attribute(".hero-image img", "alt") == (
        "A family carries a shelter kit through the camp"
    )

    visitor = new_page()
    visitor.goto(f"{site.url}/news/")
    assert TITLE not in visitor.content(), "listed before the embargo lifted"

    # Nobody acts: the release goes live when its time comes.
    deadline = time.monotonic() + EMBARGO_SECONDS + 10
    while TITLE not in visitor.content() and time.monotonic() < deadline:
        time.sleep(1)
        visitor.reload()
    assert TITLE in visitor.content(), "not live in the newsroom after the embargo time"
    visitor.click(f"text={TITLE}")
    assert visitor.text_content("h1") == TITLE
    assert not visitor.locator(".status-banner").count()


def test_editor_without_the_publish_permission_cannot_publish(site, new_page):
    release = make_release(title="Awaiting approval", status="draft", publish_at=None)
    editor = staff_user(
        "editor",
        "Editors",
        permissions=["news.view_release", "news.change_release", "news.add_release"],
    )
    page = new_page()
    log_in(page, site, editor)
    page.goto(f"{site.url}/admin/news/release/{release.pk}/change/")
    status = page.locator("select[name=status]")
    if status.count() and status.is_enabled():
        status.select_option("published")
    else:  # no status field: forge the value, as a hostile editor would
        page.eval_on_selector(
            "#release_form",
            "form => form.insertAdjacentHTML('beforeend',"
            " '<input type=hidden name=status value=published>')",
        )
    with page.expect_navigation():
        page.click("input[name=_continue]")
    release.refresh_from_db()
    assert release.status == "draft"
