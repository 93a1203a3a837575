"""The editorial roles: who may write and who may publish. `manage.py setup_roles` applies them."""

EDITORS = "Editors"
PUBLISHERS = "Publishers"
TRANSLATORS = "Translators"

WRITE = ("add", "change", "view")


def _permissions(models_and_actions):
    return {
        f"{model.split('.')[0]}.{action}_{model.split('.')[1]}"
        for model, actions in models_and_actions.items()
        for action in actions
    }


# Editors write and edit everything, delete only drafts (the admin refuses published ones)
# and never publish, unpublish or schedule.
EDITOR_PERMISSIONS = _permissions(
    {
        "pages.page": (*WRITE, "delete"),
        "pages.pagetranslation": (*WRITE, "delete"),
        "pages.image": WRITE,
        "news.release": (*WRITE, "delete", "translate"),
        "news.releasecontact": (*WRITE, "delete"),
        "contacts.country": WRITE,
        "contacts.office": WRITE,
        "contacts.presscontact": WRITE,
        "contacts.region": ("view",),
        "taggit.tag": WRITE,
        # The publishing log: every step of the review workflow, read-only for everyone.
        "pages.reviewevent": ("view",),
    }
)

PUBLISHER_PERMISSIONS = EDITOR_PERMISSIONS | _permissions(
    {
        "pages.page": ("publish",),
        "pages.pagetranslation": ("publish",),
        "news.release": ("publish",),
        "pages.image": ("delete",),
        "pages.slugredirect": ("view", "delete"),
        "contacts.country": ("delete",),
        "contacts.office": ("delete",),
        "contacts.presscontact": ("delete",),
        "taggit.tag": ("delete",),
    }
)

# Translators write versions in other languages (page translations, releases with an
# original) and read what they translate; they change no original and never publish.
TRANSLATOR_PERMISSIONS = _permissions(
    {
        "pages.pagetranslation": WRITE,
        "pages.page": ("view",),
        "pages.image": ("view",),
        "news.release": ("view", "translate"),
        "news.releasecontact": ("view",),
        "contacts.country": ("view",),
        "contacts.presscontact": ("view",),
        "taggit.tag": ("view",),
    }
)

ROLES = {
    EDITORS: EDITOR_PERMISSIONS,
    PUBLISHERS: PUBLISHER_PERMISSIONS,
    TRANSLATORS: TRANSLATOR_PERMISSIONS,
}
