import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

from iomsite.postgresql import postgresql_sql

# news_search_refresh(ids) writes the search documents of those releases again: none for a
# draft; the words, then the filter values as tokens, by the slugs the filters use. Each
# table a document reads from calls it, once per statement, for the releases the statement
# touched. Documents stay in the row, not out of line (TOAST): the planner does not count
# reading them there, and walking in publishing order read five pages a row where it
# expected a fraction of one, so it walked where the text index was ten times cheaper.
# With the filter tokens among the words, the default statistics (1,000 most common
# elements) guess a rare word at 1% of the rows, and the planner walks the whole table.
CREATE_SQL = """
ALTER TABLE news_searchdocument SET (toast_tuple_target = 8160);
ALTER TABLE news_searchdocument ALTER document SET STORAGE MAIN;
ALTER TABLE news_searchdocument ALTER document SET STATISTICS 1000;
CREATE INDEX news_searchdocument_document_idx ON news_searchdocument USING gin (document);

CREATE FUNCTION news_search_refresh(ids bigint[]) RETURNS void AS $$
    DELETE FROM news_searchdocument WHERE release_id = ANY(ids);
    INSERT INTO news_searchdocument (release_id, publish_at, unpublish_at, document)
    SELECT release.id, release.publish_at, release.unpublish_at,
        coalesce(release.search_vector, '') || array_to_tsvector(ARRAY(
            SELECT 'kind:' || release.kind
            UNION SELECT 'language:' || release.language
            UNION SELECT 'country:' || country.slug
            FROM news_release_countries link
            JOIN contacts_country country ON country.id = link.country_id
            WHERE link.release_id = release.id
            UNION SELECT 'region:' || region.slug
            FROM news_release_countries link
            JOIN contacts_country country ON country.id = link.country_id
            JOIN contacts_region region ON region.id = country.region_id
            WHERE link.release_id = release.id
            UNION SELECT 'tag:' || tag.slug
            FROM taggit_taggeditem item
            JOIN taggit_tag tag ON tag.id = item.tag_id
            JOIN django_content_type type ON type.id = item.content_type_id
            WHERE type.app_label = 'news' AND type.model = 'release'
                AND CAST(item.object_id AS bigint) = release.id
        ))
    FROM news_release release
    WHERE release.id = ANY(ids) AND release.status = 'published' AND release.publish_at IS NOT NULL;
$$ LANGUAGE sql;

-- Releases written, and their countries and topics added or removed.
CREATE FUNCTION news_search_refresh_written() RETURNS trigger AS $$
BEGIN
    IF TG_TABLE_NAME = 'news_release' THEN
        PERFORM news_search_refresh(ARRAY(SELECT id FROM written));
    ELSIF TG_TABLE_NAME = 'news_release_countries' THEN
        PERFORM news_search_refresh(ARRAY(SELECT DISTINCT release_id FROM written));
    ELSE
        PERFORM news_search_refresh(ARRAY(
            SELECT DISTINCT CAST(written.object_id AS bigint)
            FROM written JOIN django_content_type type ON type.id = written.content_type_id
            WHERE type.app_label = 'news' AND type.model = 'release'
        ));
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER news_search_release_insert AFTER INSERT ON news_release
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION news_search_refresh_written();
CREATE TRIGGER news_search_release_update AFTER UPDATE ON news_release
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION news_search_refresh_written();
CREATE TRIGGER news_search_countries_insert AFTER INSERT ON news_release_countries
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION news_search_refresh_written();
CREATE TRIGGER news_search_countries_delete AFTER DELETE ON news_release_countries
    REFERENCING OLD TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION news_search_refresh_written();
CREATE TRIGGER news_search_tags_insert AFTER INSERT ON taggit_taggeditem
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION news_search_refresh_written();
CREATE TRIGGER news_search_tags_delete AFTER DELETE ON taggit_taggeditem
    REFERENCING OLD TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION news_search_refresh_written();

-- A country, region or topic renamed, or a country moved to another region.
CREATE FUNCTION news_search_refresh_renamed() RETURNS trigger AS $$
BEGIN
    IF TG_TABLE_NAME = 'contacts_country' THEN
        PERFORM news_search_refresh(ARRAY(
            SELECT release_id FROM news_release_countries WHERE country_id = NEW.id
        ));
    ELSIF TG_TABLE_NAME = 'contacts_region' THEN
        PERFORM news_search_refresh(ARRAY(
            SELECT DISTINCT link.release_id
            FROM news_release_countries link
            JOIN contacts_country country ON country.id = link.country_id
            WHERE country.region_id = NEW.id
        ));
    ELSE
        PERFORM news_search_refresh(ARRAY(
            SELECT CAST(item.object_id AS bigint)
            FROM taggit_taggeditem item
            JOIN django_content_type type ON type.id = item.content_type_id
            WHERE type.app_label = 'news' AND type.model = 'release' AND item.tag_id = NEW.id
        ));
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER news_search_country_renamed AFTER UPDATE ON contacts_country FOR EACH ROW
    WHEN (OLD.slug IS DISTINCT FROM NEW.slug OR OLD.region_id IS DISTINCT FROM NEW.region_id)
    EXECUTE FUNCTION news_search_refresh_renamed();
CREATE TRIGGER news_search_region_renamed AFTER UPDATE ON contacts_region FOR EACH ROW
    WHEN (OLD.slug IS DISTINCT FROM NEW.slug)
    EXECUTE FUNCTION news_search_refresh_renamed();
CREATE TRIGGER news_search_tag_renamed AFTER UPDATE ON taggit_tag FOR EACH ROW
    WHEN (OLD.slug IS DISTINCT FROM NEW.slug)
    EXECUTE FUNCTION news_search_refresh_renamed();

SELECT news_search_refresh(ARRAY(SELECT id FROM news_release));

-- Search reads the documents now; the releases' own text index is no longer used.
DROP INDEX news_release_search_vector_idx;
"""

DROP_SQL = """
CREATE INDEX news_release_search_vector_idx ON news_release USING gin (search_vector);
DROP TRIGGER news_search_tag_renamed ON taggit_tag;
DROP TRIGGER news_search_region_renamed ON contacts_region;
DROP TRIGGER news_search_country_renamed ON contacts_country;
DROP FUNCTION news_search_refresh_renamed();
DROP TRIGGER news_search_tags_delete ON taggit_taggeditem;
DROP TRIGGER news_search_tags_insert ON taggit_taggeditem;
DROP TRIGGER news_search_countries_delete ON news_release_countries;
DROP TRIGGER news_search_countries_insert ON news_release_countries;
DROP TRIGGER news_search_release_update ON news_release;
DROP TRIGGER news_search_release_insert ON news_release;
DROP FUNCTION news_search_refresh_written();
DROP FUNCTION news_search_refresh(bigint[]);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0008_title_words"),
        ("contacts", "0003_country_updated_at"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "release",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="news.release",
                    ),
                ),
                ("publish_at", models.DateTimeField()),
                ("unpublish_at", models.DateTimeField(null=True)),
                ("document", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["-publish_at", "-release"], name="search_document_live_idx"
                    )
                ],
            },
        ),
        postgresql_sql(CREATE_SQL, DROP_SQL),
    ]
