"""A day in the newsroom, in Chromium, with a real SMTP server on the loopback and a task
worker in a process of its own: an editor writes a release and submits it, the publisher is
emailed, asks for a change, the editor makes it and submits again, the publisher schedules it,
and it goes live on its own.

DOCS_SCREENSHOTS=1 also writes the screenshots of the README (docs/*.png, 1366 px wide)."""

import os
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from news.models import Release
from pages.publishing import State, Status
from pages.review import ReviewEvent
from tests.alerts.conftest import smtp_server, start_worker  # noqa: F401 (fixtures)
from tests.alerts.smtp import wait_for
from tests.browser.conftest import choose, fill_textarea, log_in, staff_user
from tests.browser.test_accessibility import audit
from tests.factories import image_upload, in_hours, make_contact, make_page, make_release

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCREEN = {"width": 1366, "height": 900}
# Enough for the steps between scheduling and going live on a slow, shared machine.
SCHEDULE_SECONDS = 25
TITLE = "Shelter kits reach families in Cox's Bazar"


def screenshot(page, name):
    if os.environ.get("DOCS_SCREENSHOTS"):
        page.screenshot(path=DOCS / name, full_page=True)


def with_email(user):
    user.email = f"{user.username}@iom.int"
    user.first_name = user.username.title()
    user.save()
    return user


def review_link(message, site):
    text = message.get_body(preferencelist=("plain",)).get_content()
    path = re.search(r"https?://[^/\s]+(/admin/\S+/review/)", text)[1]
    return site.url + path


def test_a_day_in_the_newsroom(site, new_page, smtp_server, start_worker, settings):  # noqa: F811
    settings.SITE_URL = site.url  # links in the emails lead back to this server
    inbox = smtp_server.inbox
    start_worker("worker")
    make_contact(name="Safa Msehli")
    # The rest of the newsroom that morning.
    make_release("Migrants rescued off Lampedusa", publish_at=in_hours(-3), language="en")
    make_release("Appeal for Sudan displacement", unpublish_at=in_hours(72))
    make_release("World Migration Report launch", publish_at=in_hours(30))
    make_page(title="Climate and migration", status=Status.DRAFT, publish_at=None)
    editor = with_email(staff_user("amina", "Editors", permissions=None))
    publisher = with_email(staff_user("pierre", "Publishers", permissions=None))

    # The editor uploads an image and writes the release.
    writer = new_page()
    writer.set_viewport_size(SCREEN)
    log_in(writer, site, editor)
    writer.goto(f"{site.url}/admin/pages/image/add/")
    upload = image_upload("shelter.jpg")
    writer.set_input_files(
        "#id_file", {"name": upload.name, "mimeType": "image/jpeg", "buffer": upload.read()}
    )
    writer.fill("#id_title", "Shelter kits")
    writer.fill("#id_alt_text", "A family carries a shelter kit through the camp")
    writer.click("input[name=_save]")
    writer.wait_for_selector(".messagelist .success")

    writer.goto(f"{site.url}/admin/news/release/add/")
    writer.fill("#id_title", TITLE)
    assert writer.text_content("output[for=id_title]").startswith(f"{len(TITLE)} characters.")
    writer.fill("#id_summary", "IOM hands out shelter kits before the monsoon.")
    # The slug made from the title, and the full address under it.
    slug = writer.input_value("#id_slug")
    assert slug == "shelter-kits-reach-families-in-coxs-bazar"
    assert writer.text_content("output[for=id_slug]") == f"{site.url}/news/{slug}/"
    fill_textarea(writer, "body", "<p>Shelter kits reached 2,000 families this week.</p>")
    writer.click("#id_image + .select2 .select2-selection")
    writer.fill(".select2-container--open .select2-search__field", "Shelter")
    thumbnail = writer.wait_for_selector(".select2-results__option .image-choice img")
    assert "/media/" in thumbnail.get_attribute("src")
    writer.click(".select2-results__option:has-text('Shelter kits')")
    choose(writer, "id_release_contacts-0-contact", "Safa", "Safa Msehli")
    assert not writer.locator("input[name=_publish]").count()  # editors cannot publish
    screenshot(writer, "release-form.png")
    writer.click("input[name=_submit_for_review]")
    writer.select_option("#id_reviewer", label="pierre")
    writer.fill("#id_message", "Figures from the site team this morning.")
    writer.click("input[name=submit]")
    writer.wait_for_selector(".messagelist .success")
    release = Release.objects.get(title=TITLE)
    assert release.image.title == "Shelter kits"
    assert release.release_contacts.get().contact.name == "Safa Msehli"

    # The publisher is emailed, finds it on the dashboard and asks for a change.
    [notice] = wait_for(lambda: inbox.to("pierre@iom.int"), message="no email to the publisher")
    assert "Figures from the site team" in notice.get_body(("plain",)).get_content()
    reviewer = new_page()
    reviewer.set_viewport_size(SCREEN)
    log_in(reviewer, site, publisher)
    reviewer.goto(f"{site.url}/admin/")
    waiting = reviewer.locator("section[aria-labelledby=panel-review]")
    assert TITLE in waiting.text_content()
    screenshot(reviewer, "dashboard.png")
    waiting.locator(f'a:has-text("{TITLE}")').click()
    assert reviewer.url == review_link(notice, site)
    reviewer.check("input[name=decision][value=changes]")
    reviewer.fill("#id_message", "Please name the donor in the summary.")
    reviewer.click("input[name=decide]")
    reviewer.wait_for_selector(".messagelist .success")

    # The editor is told, fixes it and submits it again.
    [answer] = wait_for(lambda: inbox.to("amina@iom.int"), message="no email to the editor")
    assert "name the donor" in answer.get_body(("plain",)).get_content()
    writer.goto(f"{site.url}/admin/")
    assert "Changes requested" in writer.text_content("section[aria-labelledby=panel-submissions]")
    writer.click(f'section[aria-labelledby=panel-submissions] a:has-text("{TITLE}")')
    writer.fill("#id_summary", "With ECHO funding, IOM hands out shelter kits before the monsoon.")
    writer.click("input[name=_submit_for_review]")
    writer.click("input[name=submit]")
    writer.wait_for_selector(".messagelist .success")

    # The publisher sees what changed and schedules it.
    wait_for(lambda: len(inbox.to("pierre@iom.int")) == 2, message="no second email")
    reviewer.goto(review_link(notice, site))
    # Among what changed (a time too, if the saves fell in different minutes), the summary.
    assert reviewer.locator("table.version-diff ins", has_text="ECHO").count() == 1
    reviewer.check("input[name=decision][value=schedule]")
    goes_live = timezone.localtime() + timedelta(seconds=SCHEDULE_SECONDS)
    reviewer.fill("#id_goes_live_at", f"{goes_live:%Y-%m-%dT%H:%M:%S}")
    reviewer.click("input[name=decide]")
    reviewer.wait_for_selector(".messagelist .success")
    release.refresh_from_db()
    assert release.state == State.SCHEDULED
    assert [event.action for event in ReviewEvent.objects.order_by("at", "id")] == [
        "submitted", "changes-requested", "submitted", "approved", "scheduled",
    ]  # fmt: skip

    # Nobody acts: it goes live at its time and shows in "recently published".
    visitor = new_page()
    deadline = time.monotonic() + SCHEDULE_SECONDS + 15
    visitor.goto(f"{site.url}/news/")
    while TITLE not in visitor.content() and time.monotonic() < deadline:
        time.sleep(1)
        visitor.reload()
    assert TITLE in visitor.content(), "not live in the newsroom after its time"
    reviewer.goto(f"{site.url}/admin/")
    published = reviewer.text_content("section[aria-labelledby=panel-published]")
    assert TITLE in published and "by Pierre" in published
    assert "Lampedusa" in reviewer.text_content("section[aria-labelledby=panel-translations]")


def test_the_newsroom_screens_have_no_serious_accessibility_violations(site, new_page):
    editor = staff_user("amina", "Editors", permissions=None)
    release = make_release("Migrants rescued off Lampedusa", status=Status.DRAFT, publish_at=None)
    make_release("World Migration Report launch", publish_at=in_hours(30))
    make_release("Appeal for Sudan displacement", unpublish_at=in_hours(72))
    page = new_page()
    log_in(page, site, editor)
    screens = [
        ("dashboard", "/admin/"),
        ("review page", f"/admin/news/release/{release.pk}/review/"),
        ("publishing log", "/admin/pages/reviewevent/"),
        ("time zone", "/admin/preferences/"),
    ]
    failures = []
    for label, address in screens:
        assert page.goto(site.url + address).status == 200, label
        # The admin is used on desktops: Django's own screens are not made for 320 px. (The
        # release form is left out: Django's select2 boxes, the rich-text editor and the
        # inline's order field have no accessible name, before any change of ours.)
        failures += audit(page, label, widths=(SCREEN["width"],))
    assert not failures, "Accessibility failures:\n" + "\n".join(failures)
