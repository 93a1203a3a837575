"""The axe-core audit: each kind of public page, and an admin preview, at a desktop and a phone
width. A serious or critical violation fails, as does a page that scrolls sideways at 320 px."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from news.models import Release
from tests.browser.conftest import log_in
from tests.factories import country, in_hours, make_embargo_link, make_image, make_release

pytestmark = pytest.mark.browser

# The language prefixes of the public addresses ("" is English); each one is audited in full.
LANGUAGE_PREFIXES = ("", "/fr")
WIDTHS = (1280, 320)
FAILING_IMPACTS = {"serious", "critical"}
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    # WCAG 2.5.3 (label in name) is "experimental" in axe-core, so off unless asked for.
    "rules": {"label-content-name-mismatch": {"enabled": True}},
}
axe = Axe()  # axe-core's script, bundled in the package: nothing is downloaded


def audit(page, label, widths=WIDTHS):
    """The failures of the page loaded in `page`, at each width, as lines of the report."""
    failures = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": 800})
        where = f"{label} at {width} px"
        for violation in axe.run(page, options=AXE_OPTIONS).response["violations"]:
            if violation["impact"] in FAILING_IMPACTS:
                targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"])
                failures.append(
                    f"{where}: {violation['id']} ({violation['impact']}) on {targets}"
                    f" – {violation['helpUrl']}"
                )
        page_width = page.evaluate("document.documentElement.scrollWidth")
        if page_width > width:  # WCAG 1.4.10 (reflow): no sideways scrolling at 320 px
            failures.append(f"{where}: the page is {page_width} px wide and scrolls sideways")
    return failures


def load_site():
    """The demo site, plus a scheduled release with an image and an embargo link."""
    country("CN")  # loaded again if a transactional test before this one emptied the table
    call_command("load_demo", verbosity=0)
    seed = Release.objects.get(language="en")
    scheduled = make_release(
        "Shelter kits reach families in Cox's Bazar",
        publish_at=in_hours(5),
        image=make_image(),
        contacts=[release_contact.contact for release_contact in seed.release_contacts.all()],
        countries=seed.countries.all(),
        tags=["Shelter"],
    )
    return seed, scheduled


@pytest.mark.parametrize("prefix", LANGUAGE_PREFIXES)
def test_pages_have_no_serious_accessibility_violations(site, new_page, prefix):
    seed, scheduled = load_site()
    pages = [
        ("home", "/", 200),
        ("newsroom", reverse("news:list"), 200),
        ("release", seed.get_absolute_url(), 200),
        ("country page", seed.countries.get().get_absolute_url(), 200),
        ("media contacts", reverse("contacts:media"), 200),
        ("search results", f"{reverse('search')}?q=migration", 200),
        ("email alerts form", reverse("subscriptions:subscribe"), 200),
        ("404 page", "/no-such-page/", 404),
        ("embargo page", make_embargo_link(scheduled).get_absolute_url(), 200),
    ]
    language = prefix.strip("/") or "en"
    page = new_page()
    failures = []
    for label, address, status in pages:
        response = page.goto(f"{site.url}{prefix}{address}")
        assert response.status == status, f"{label}: {address} answered {response.status}"
        failures += audit(page, f"{label} ({language})")

    log_in(page, site, User.objects.create_superuser("chief", "chief@iom.int", "pass"))
    page.goto(f"{site.url}{reverse('admin:news_release_change', args=[scheduled.pk])}")
    with page.context.expect_page() as opened:
        page.click("input[name=_preview]")  # opens the preview in a new tab
    preview = opened.value
    preview.wait_for_load_state()
    assert "Preview" in preview.text_content(".status-banner")
    failures += audit(preview, f"admin preview ({language})")

    assert not failures, "Accessibility failures:\n" + "\n".join(failures)


def test_every_tab_stop_shows_a_focus_ring(site, new_page):
    load_site()
    page = new_page()
    page.goto(f"{site.url}/")
    stops, unmarked = 0, []
    while True:
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const element = document.activeElement;
                const style = getComputedStyle(element);
                return {
                    html: element === document.body ? null : element.outerHTML.slice(0, 120),
                    ringed: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
                };
            }"""
        )
        if focused["html"] is None or stops > 200:  # past the last stop: focus leaves the page
            break
        stops += 1
        if not focused["ringed"]:
            unmarked.append(focused["html"])
    assert stops > 10, "the walk did not go through the page"
    assert not unmarked, "No visible focus ring on:\n" + "\n".join(unmarked)
