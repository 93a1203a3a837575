import django.contrib.postgres.search
from django.db import migrations

from iomsite.postgresql import postgresql_sql

# As for releases (migration news 0005), in English only: title A, summary B, body C.
CREATE_SQL = """
CREATE OR REPLACE FUNCTION pages_page_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B')
        || setweight(to_tsvector('english', coalesce(NEW.body, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER pages_page_search_vector_update
    BEFORE INSERT OR UPDATE OF title, summary, body, search_vector ON pages_page
    FOR EACH ROW EXECUTE FUNCTION pages_page_search_vector();

CREATE INDEX pages_page_search_vector_idx ON pages_page USING gin (search_vector);

UPDATE pages_page SET search_vector = NULL;  -- the trigger fills existing rows
"""

DROP_SQL = """
DROP INDEX IF EXISTS pages_page_search_vector_idx;
DROP TRIGGER IF EXISTS pages_page_search_vector_update ON pages_page;
DROP FUNCTION IF EXISTS pages_page_search_vector();
"""


class Migration(migrations.Migration):

    dependencies = [
        ("pages", "0003_slug_redirects_and_publish_permission"),
    ]

    operations = [
        migrations.AddField(
            model_name="page",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        postgresql_sql(CREATE_SQL, DROP_SQL),
    ]
