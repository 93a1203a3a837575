from django.shortcuts import get_object_or_404
from django.template.loader import select_template
from django.template.response import TemplateResponse

from .content_version import cached_until_change
from .models import APP_SECTIONS, Page
from .preview import mark_preview, visible_to


def page_detail(request, path):
    page = get_object_or_404(
        visible_to(request, Page.objects.select_related("hero_image")), path=f"{path}/"
    )
    # Where the page sits in the tree changes only when content does.
    tree = cached_until_change(f"page-tree:{page.pk}", lambda: page_tree(page))
    return mark_preview(render_page(request, page, tree), page)


def render_page(request, page, tree=None, **extra_context):
    """The public view of a page; the admin preview renders an unsaved page through it."""
    template = select_template([page.template_name or "pages/page_detail.html"])
    context = {"page": page, **(tree or page_tree(page))}
    return TemplateResponse(request, template, context | extra_context)


def page_tree(page):
    """The breadcrumb trail, the section the page is in, its pages and the page's children."""
    ancestors = page.ancestors()
    section = ancestors[0] if ancestors else page
    live_pages = Page.objects.live()
    # An unsaved page (in the preview) has no children yet.
    section_pages = list(live_pages.filter(parent=section, show_in_menu=True)) if section.pk else []
    if section == page:
        child_pages = section_pages
    else:
        child_pages = list(live_pages.filter(parent=page)) if page.pk else []
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
    return {page.path: page for page in Page.objects.live().filter(path__in=APP_SECTIONS)}
