from django.db import migrations, models

from iomsite.postgresql import postgresql_sql

# The filter values of a search document also in a column of their own ("kind:news
# language:fr country:chad region:africa tag:health"): search counts its facets from the rows
# it has found, with no query per facet, and reading them out of the document took 17 ms.
#
# Within a transaction that sets news.search_refresh to 'deferred', the triggers leave the
# documents alone: a bulk writer (generate_content) then writes each document once, after its
# releases, countries and topics, instead of once per INSERT statement.
TOKENS_SQL = """
CREATE OR REPLACE FUNCTION news_search_filter_tokens(release_id bigint, kind text, language text)
RETURNS text[] AS $$
    SELECT ARRAY(
        SELECT 'kind:' || kind
        UNION SELECT 'language:' || language
        UNION SELECT 'country:' || country.slug
        FROM news_release_countries link
        JOIN contacts_country country ON country.id = link.country_id
        WHERE link.release_id = news_search_filter_tokens.release_id
        UNION SELECT 'region:' || region.slug
        FROM news_release_countries link
        JOIN contacts_country country ON country.id = link.country_id
        JOIN contacts_region region ON region.id = country.region_id
        WHERE link.release_id = news_search_filter_tokens.release_id
        UNION SELECT 'tag:' || tag.slug
        FROM taggit_taggeditem item
        JOIN taggit_tag tag ON tag.id = item.tag_id
        JOIN django_content_type type ON type.id = item.content_type_id
        WHERE type.app_label = 'news' AND type.model = 'release'
            AND CAST(item.object_id AS bigint) = news_search_filter_tokens.release_id
    )
$$ LANGUAGE sql STABLE;
"""

CREATE_SQL = (
    TOKENS_SQL
    + """
CREATE OR REPLACE FUNCTION news_search_refresh(ids bigint[]) RETURNS void AS $$
    DELETE FROM news_searchdocument WHERE release_id = ANY(ids);
    INSERT INTO news_searchdocument (release_id, publish_at, unpublish_at, filters, document)
    SELECT release.id, release.publish_at, release.unpublish_at,
        array_to_string(tokens, ' '),
        coalesce(release.search_vector, '') || array_to_tsvector(tokens)
    FROM news_release release,
        news_search_filter_tokens(release.id, release.kind, release.language) AS tokens
    WHERE release.id = ANY(ids) AND release.status = 'published' AND release.publish_at IS NOT NULL;
$$ LANGUAGE sql;

CREATE OR REPLACE FUNCTION news_search_refresh_written() RETURNS trigger AS $$
BEGIN
    IF current_setting('news.search_refresh', true) = 'deferred' THEN
        RETURN NULL;
    END IF;
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

UPDATE news_searchdocument document
SET filters = array_to_string(news_search_filter_tokens(release.id, release.kind, release.language), ' ')
FROM news_release release
WHERE release.id = document.release_id;
"""
)

# Back to documents without the filters column (the tokens function and the deferring stay).
DROP_SQL = """
CREATE OR REPLACE FUNCTION news_search_refresh(ids bigint[]) RETURNS void AS $$
    DELETE FROM news_searchdocument WHERE release_id = ANY(ids);
    INSERT INTO news_searchdocument (release_id, publish_at, unpublish_at, document)
    SELECT release.id, release.publish_at, release.unpublish_at,
        coalesce(release.search_vector, '') || array_to_tsvector(
            news_search_filter_tokens(release.id, release.kind, release.language)
        )
    FROM news_release release
    WHERE release.id = ANY(ids) AND release.status = 'published' AND release.publish_at IS NOT NULL;
$$ LANGUAGE sql;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0009_search_documents"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="filters",
            field=models.TextField(default=""),
        ),
        postgresql_sql(CREATE_SQL, DROP_SQL),
    ]
