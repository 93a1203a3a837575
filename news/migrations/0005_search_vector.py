import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from iomsite.postgresql import postgresql_sql

# The text-search configuration of each release language; the same mapping is in
# news/search.py (SEARCH_CONFIGS). Title, summary and body weigh A, B and C. The default
# parser skips the body's HTML tags and entities.
CREATE_SQL = """
CREATE OR REPLACE FUNCTION news_release_search_vector() RETURNS trigger AS $$
DECLARE
    config regconfig := CASE NEW.language
        WHEN 'fr' THEN 'french' WHEN 'es' THEN 'spanish' ELSE 'english' END;
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector(config, coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector(config, coalesce(NEW.summary, '')), 'B')
        || setweight(to_tsvector(config, coalesce(NEW.body, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER news_release_search_vector_update
    BEFORE INSERT OR UPDATE OF title, summary, body, language, search_vector ON news_release
    FOR EACH ROW EXECUTE FUNCTION news_release_search_vector();

CREATE INDEX news_release_search_vector_idx ON news_release USING gin (search_vector);
CREATE INDEX news_release_title_trgm_idx ON news_release USING gin (title gin_trgm_ops);

UPDATE news_release SET search_vector = NULL;  -- the trigger fills existing rows
"""

DROP_SQL = """
DROP INDEX IF EXISTS news_release_title_trgm_idx;
DROP INDEX IF EXISTS news_release_search_vector_idx;
DROP TRIGGER IF EXISTS news_release_search_vector_update ON news_release;
DROP FUNCTION IF EXISTS news_release_search_vector();
"""



class Migration(migrations.Migration):

    dependencies = [
        ("news", "0004_publish_permission"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="release",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        postgresql_sql(CREATE_SQL, DROP_SQL),
    ]
