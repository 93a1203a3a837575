import re
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from taggit.models import Tag

from contacts.models import Office, PressContact
from news.models import Release, SearchDocument
from pages.models import Image, Page
from tests.factories import make_contact, make_page, make_release

pytestmark = pytest.mark.django_db


def generate(**options):
    call_command("generate_content", verbosity=0, **options)


def snapshot():
    return list(
        Release.objects.order_by("slug").values_list(
            "slug", "title", "summary", "kind", "language", "status", "dateline_country__code"
        )
    )


def test_makes_the_counts_asked_for_all_marked_synthetic():
    generate(releases=30, pages=4, contacts=3, images=1, tags=5)
    assert Release.objects.count() == 30
    assert not Release.objects.exclude(slug__startswith="synthetic-").exists()
    assert Release.objects.filter(tags__name="synthetic").distinct().count() == 30
    assert Page.objects.filter(path__startswith="synthetic-pages/").count() == 4 + 1
    assert PressContact.objects.filter(email__endswith="@synthetic.invalid").count() == 3
    assert Image.objects.get().renditions["card"]
    release = Release.objects.filter(status="published").first()
    assert release.countries.filter(pk=release.dateline_country_id).exists()
    assert release.release_contacts.exists()
    assert Release.objects.live().count() >= 20


def test_same_seed_same_content():
    generate(releases=25, seed=7, images=0)
    first = snapshot()
    generate(delete=True)
    generate(releases=25, seed=7, images=0)
    assert snapshot() == first
    generate(delete=True)
    generate(releases=25, seed=8, images=0)
    assert snapshot() != first


def test_releases_are_written_oldest_first_as_an_archive_is():
    generate(releases=300, images=0)
    published = Release.objects.filter(publish_at__lte=timezone.now()).order_by("pk")
    dates = list(published.values_list("publish_at", flat=True))
    assert len(dates) > 250
    assert dates == sorted(dates)
    assert dates[-1] - dates[0] > timedelta(days=365)  # drawn over the years, not bunched


def test_refuses_to_repeat_a_seed_already_present():
    generate(releases=3, images=0)
    with pytest.raises(CommandError):
        generate(releases=3, images=0)


def test_delete_removes_only_synthetic_content():
    real_contact = make_contact()
    real_release = make_release(title="Real release", tags=["Health"], contacts=[real_contact])
    real_page = make_page(title="Real page")
    generate(releases=40, pages=3, contacts=2, images=1)
    generate(delete=True)
    assert list(Release.objects.all()) == [real_release]
    assert list(real_release.tags.names()) == ["Health"]
    assert list(PressContact.objects.all()) == [real_contact]
    assert Office.objects.filter(pk=real_contact.office_id).exists()
    assert list(Page.objects.all()) == [real_page]
    assert not Image.objects.exists()
    assert not Tag.objects.filter(name="synthetic").exists()


def test_generated_pages_render(client):
    generate(releases=5, pages=2, images=1)
    release = Release.objects.live().first()
    assert client.get(release.get_absolute_url()).status_code == 200
    assert client.get("/news/").status_code == 200
    assert (
        client.get(
            Page.objects.filter(path__startswith="synthetic-pages/").last().get_absolute_url()
        ).status_code
        == 200
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes: PostgreSQL")
def test_leaves_no_index_entry_pending_for_searches_to_read(client):
    generate(releases=30, images=0)
    with connection.cursor() as cursor:
        # What each GIN index still held in its pending list, merged now: pages of it.
        cursor.execute(
            "SELECT indexrelid::regclass::text, gin_clean_pending_list(indexrelid) FROM pg_index "
            "JOIN pg_class ON pg_class.oid = indexrelid JOIN pg_am ON pg_am.oid = relam "
            "WHERE amname = 'gin' AND indrelid::regclass::text LIKE 'news_%'"
        )
        pending = dict(cursor.fetchall())
    assert {"news_searchdocument_document_idx", "news_searchdocument_pairs_idx"} <= pending.keys()
    assert set(pending.values()) == {0}
    release = Release.objects.live().first()
    assert release.get_absolute_url() in client.get("/search/", {"q": release.title}).text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="search documents: PostgreSQL")
def test_every_live_release_is_searchable_by_its_words_and_filters(client):
    generate(releases=30, images=0)
    live = Release.objects.live().prefetch_related("countries", "tags")
    assert SearchDocument.objects.count() == Release.objects.filter(status="published").count()
    for release in live[:3]:
        country = release.countries.first()
        response = client.get("/search/", {"q": release.title, "country": country.slug})
        assert release.get_absolute_url() in response.content.decode()
        tokens = SearchDocument.objects.get(pk=release.pk).filters.split()
        assert {f"kind:{release.kind}", f"country:{country.slug}", "tag:synthetic"} <= set(tokens)


def test_words_follow_zipf_law_with_a_long_tail_in_each_language():
    generate(releases=150, images=0)
    counts = {}
    for release in Release.objects.all():
        text = f"{release.title} {release.summary} {release.body}".lower()
        for word in re.findall(r"[^\W\d_]+", text):
            counts.setdefault(release.language, Counter())[word] += 1
    english = counts["en"]
    ranked = [count for _, count in english.most_common()]
    assert ranked[0] > 5 * ranked[9] > 5 * ranked[99]  # about 1/rank
    assert sum(1 for count in ranked if count == 1) > len(ranked) / 2  # most words are rare
    assert "frontières" in counts["fr"] and "migración" in counts["es"]
    assert not {"frontières", "migración"} & set(english)


def test_some_french_and_spanish_releases_are_versions_of_english_ones(client):
    generate(releases=400, images=0, seed=5)
    versions = Release.objects.filter(translation_of__isnull=False).select_related("translation_of")
    assert 20 < versions.count() < 120  # about half of a fifth
    assert {version.language for version in versions} == {"fr", "es"}
    assert {version.translation_of.language for version in versions} == {"en"}
    groups = [(version.translation_of_id, version.language) for version in versions]
    assert len(groups) == len(set(groups))  # one version per language per original
    # Each group is listed once in each language's newsroom.
    counts = {
        prefix: client.get(f"{prefix}/news/").context["page_obj"].paginator.count
        for prefix in ("", "/fr", "/es")
    }
    assert len(set(counts.values())) == 1
    assert counts[""] < Release.objects.live().count()
