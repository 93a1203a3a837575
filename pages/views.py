from django.conf import settings
from django.shortcuts import get_object_or_404
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.utils.translation import get_language

from iomsite.languages import address_in

from .content_version import cached_until_change
from .models import APP_SECTIONS, Page, PageTranslation, show_translations
from .preview import mark_preview, may_preview, visible_to


def page_detail(request, path):
    page = get_object_or_404(
        visible_to(request, Page.objects.select_related("hero_image")), path=f"{path}/"
    )
    translation = page_translation(request, page)
    if translation is not None:
        page.show_translation(translation)
    # Where the page sits in the tree changes only when content does.
    tree = cached_until_change(f"page-tree:{page.pk}", lambda: page_tree(page))
    response = mark_preview(render_page(request, page, tree), page)
    return mark_preview(response, translation) if translation is not None else response


def page_translation(request, page):
    """The page's translation into the language of the address: the live one, kept until
    content changes; for staff who may edit translations, the latest in any state. None in
    the default language or when there is none."""
    language = get_language()
    if language == settings.LANGUAGE_CODE:
        return None
    translations = page.translations.filter(language=language)
    if may_preview(request, PageTranslation):
        return translations.first()
    return cached_until_change(f"page-translation:{page.pk}", lambda: translations.live().first())


def render_page(request, page, tree=None, **extra_context):
    """The public view of a page; the admin preview renders an unsaved page through it."""
    template = select_template([page.template_name or "pages/page_detail.html"])
    context = {
        "page": page,
        **(tree or page_tree(page)),
        # hreflang names the languages the page is live in; the switcher leads to the same
        # address in the others too, where the original shows until it is translated.
        "alternate_addresses": {
            language: address_in(page, language) for language in page.live_languages()
        },
    }
    return TemplateResponse(request, template, context | extra_context)


def page_tree(page):
    """The breadcrumb trail, the section the page is in, its pages and the page's children,
    with their titles in the active language where a translation is live."""
    ancestors = page.ancestors()
    section = ancestors[0] if ancestors else page
    live_pages = Page.objects.live()
    # An unsaved page (in the preview) has no children yet.
    section_pages = list(live_pages.filter(parent=section, show_in_menu=True)) if section.pk else []
    if section == page:
        child_pages = section_pages
    else:
        child_pages = list(live_pages.filter(parent=page)) if page.pk else []
    # The section and the page itself show in the trail and the section's menu too.
    shown = [*ancestors, *section_pages, *child_pages]
    show_translations(shown, fields=("title", "menu_title", "summary"))
    return {
        "ancestors": ancestors,
        "section": section,
        "section_pages": section_pages,
        "child_pages": child_pages,
    }


def section_page(path):
    """The live page an app uses for its index title and intro, e.g. "news/", or None."""
    return cached_until_change("section-pages", _section_pages).get(path)


def _section_pages():
    pages = list(Page.objects.live().filter(path__in=APP_SECTIONS))
    return {page.path: page for page in show_translations(pages)}
