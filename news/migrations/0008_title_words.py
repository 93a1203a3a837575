from django.db import migrations, models

from iomsite.postgresql import postgresql_sql

# Each INSERT or UPDATE statement adds the words of the titles it wrote, once per statement
# (bulk inserts included). Words of three letters or more: shorter ones have too few
# trigrams to be told apart.
CREATE_SQL = """
CREATE OR REPLACE FUNCTION news_release_title_words() RETURNS trigger AS $$
BEGIN
    INSERT INTO news_titleword (word)
    SELECT DISTINCT word
    FROM written, regexp_split_to_table(lower(written.title), '[^[:alpha:]]+') AS word
    WHERE length(word) >= 3
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER news_release_title_words_insert
    AFTER INSERT ON news_release REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION news_release_title_words();
CREATE TRIGGER news_release_title_words_update
    AFTER UPDATE ON news_release REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION news_release_title_words();

CREATE INDEX news_titleword_trgm_idx ON news_titleword USING gin (word gin_trgm_ops);

INSERT INTO news_titleword (word)
SELECT DISTINCT word
FROM news_release, regexp_split_to_table(lower(news_release.title), '[^[:alpha:]]+') AS word
WHERE length(word) >= 3
ON CONFLICT DO NOTHING;
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS news_release_title_words_update ON news_release;
DROP TRIGGER IF EXISTS news_release_title_words_insert ON news_release;
DROP FUNCTION IF EXISTS news_release_title_words();
"""


class Migration(migrations.Migration):

    dependencies = [
        ("news", "0007_release_tag_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="TitleWord",
            fields=[
                ("word", models.CharField(max_length=255, primary_key=True, serialize=False)),
            ],
        ),
        postgresql_sql(CREATE_SQL, DROP_SQL),
    ]
