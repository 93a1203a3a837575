import pytest
from django.contrib.auth.models import User
from django.db import transaction

from news.models import Release
from pages.content_version import (
    cached_until_change,
    content_changed,
    content_committed,
    content_version,
    shared_key,
    tables_written,
)
from tests.factories import make_release


@pytest.mark.parametrize(
    "sql, tables",
    [
        ('INSERT INTO "news_release" ("title") VALUES (%s)', {"news_release"}),
        (
            "INSERT OR IGNORE INTO news_release_countries (release_id) VALUES (1)",
            {"news_release_countries"},
        ),
        ('UPDATE "pages_page" SET "title" = %s', {"pages_page"}),
        ('DELETE FROM "taggit_taggeditem" WHERE "id" IN (%s)', {"taggit_taggeditem"}),
        ('TRUNCATE "auth_user", "contacts_country" RESTART IDENTITY', {"contacts_country"}),
        ("WITH gone AS (DELETE FROM news_release RETURNING id) SELECT 1", {"news_release"}),
        ('SELECT "news_release"."id" FROM "news_release" FOR UPDATE', set()),
        ("WITH recent AS (SELECT id FROM news_release) SELECT * FROM recent", set()),
        ('UPDATE "django_session" SET "expire_date" = %s', set()),
        ('INSERT INTO "reversion_version" ("object_id") VALUES (%s)', set()),
    ],
)
def test_the_statements_that_write_content_are_told_apart(sql, tables):
    assert tables_written(sql) == tables


@pytest.fixture
def commits():
    sent = []

    def receiver(tables, **kwargs):
        sent.append(tables)

    content_committed.connect(receiver)
    yield sent
    content_committed.disconnect(receiver)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transaction_that_writes_content_changes_the_version_once_on_commit(commits):
    before = content_version()
    with transaction.atomic():
        release = make_release()
        Release.objects.filter(pk=release.pk).update(title="Changed")
        assert commits == []
    assert commits == [{"news_release"}]
    assert content_version() != before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writes_to_other_tables_change_nothing(commits):
    before = content_version()
    User.objects.create_user("someone")
    assert commits == [] and content_version() == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_write_after_a_rolled_back_savepoint_still_changes_the_version(commits):
    with transaction.atomic():
        try:
            with transaction.atomic():
                make_release()
                raise RuntimeError
        except RuntimeError:
            pass
        assert not Release.objects.exists()
        make_release()
    assert len(commits) == 1


@pytest.mark.django_db
def test_inside_a_transaction_a_read_after_a_write_sees_a_new_version():
    before = content_version()
    make_release()
    after = content_version()
    assert after != before
    assert content_version() == after  # one change per write, not per read


@pytest.mark.django_db
def test_this_process_keeps_only_the_newest_versions_values():
    from pages import content_version as versions

    cached_until_change("menu", lambda: "before")
    before = shared_key("menu")
    assert before in versions._in_process
    content_changed()
    assert cached_until_change("menu", lambda: "after") == "after"
    # The value of the older version is gone from this process.
    assert before not in versions._in_process
    assert shared_key("menu") in versions._in_process
