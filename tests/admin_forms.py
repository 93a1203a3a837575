"""Read an admin form as a browser would submit it, so a test can change a field and POST it."""

from bs4 import BeautifulSoup

SKIPPED_INPUT_TYPES = {"submit", "button", "file", "image", "reset"}


def admin_form_data(response, **changes):
    """The values of the change form in an admin page, as {name: value or [values]}, with
    `changes` applied: what an editor submits after editing a few fields."""
    soup = BeautifulSoup(response.content, "html.parser")
    form = soup.select_one("form[id$=_form]")
    values = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or "__prefix__" in name or field.has_attr("disabled"):
            continue
        if field.name == "select":
            chosen = [option.get("value", "") for option in field.find_all("option", selected=True)]
        elif field.name == "textarea":
            chosen = [field.text.removeprefix("\n")]  # Django writes a newline after the tag
        elif field.get("type", "text") in SKIPPED_INPUT_TYPES:
            continue
        elif field.get("type") in {"checkbox", "radio"}:
            chosen = [field.get("value", "on")] if field.has_attr("checked") else []
        else:
            chosen = [field.get("value", "")]
        values.setdefault(name, []).extend(chosen)
    data = {name: chosen[0] if len(chosen) == 1 else chosen for name, chosen in values.items()}
    return data | changes
