"""A release's search document is written again only when what it is made of changes.

Until now every UPDATE of releases rewrote their documents. Deleting an original and its
translation together then broke: Django unlinks the translation (an UPDATE) after deleting its
document and before deleting the release, so the trigger wrote the document again and the
commit failed on its foreign key. An UPDATE of columns the document does not hold (the
translation link, "featured", who edited) now writes nothing, which also spares the work.
"""

from django.db import migrations

from iomsite.postgresql import postgresql_sql

# The columns a document is made of (news_search_refresh(): the window and status, the
# vector of title, summary and body, and the filter tokens of kind and language).
CREATE_SQL = """
CREATE FUNCTION news_search_refresh_changed() RETURNS trigger AS $$
BEGIN
    IF current_setting('news.search_refresh', true) = 'deferred' THEN
        RETURN NULL;
    END IF;
    PERFORM news_search_refresh(ARRAY(
        SELECT written.id FROM written JOIN before ON before.id = written.id
        WHERE (written.status, written.publish_at, written.unpublish_at, written.kind,
               written.language, written.search_vector)
            IS DISTINCT FROM (before.status, before.publish_at, before.unpublish_at, before.kind,
                              before.language, before.search_vector)
    ));
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER news_search_release_update ON news_release;
CREATE TRIGGER news_search_release_update AFTER UPDATE ON news_release
    REFERENCING OLD TABLE AS before NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION news_search_refresh_changed();
"""

DROP_SQL = """
DROP TRIGGER news_search_release_update ON news_release;
CREATE TRIGGER news_search_release_update AFTER UPDATE ON news_release
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION news_search_refresh_written();
DROP FUNCTION news_search_refresh_changed();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0013_alerts"),
    ]

    operations = [postgresql_sql(CREATE_SQL, DROP_SQL)]
