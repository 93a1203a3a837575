from django.db import migrations

from iomsite.postgresql import function_rewrite, postgresql_sql

# news_search_closest_words(words, lowest): each word replaced by the title word most similar
# to it (trigrams; the greatest word in code point order among equals), or kept when none is
# `lowest` similar. pg_trgm's % operator reads, through the trigram index, every title word
# sharing enough trigrams with the word: at 0.3 a long word with a common ending ("-ness",
# "-tion") shares enough with 16,000 of 215,000 title words at 100,000 releases, 45 ms to
# check. Asked first at higher similarities, which a one-letter typo of a long word reaches,
# it reads a few dozen; only a word with no close title word goes down to `lowest`. The most
# similar word is the same: the first level that finds any word finds every word as similar.
#
# news_search_most_recent() (migration news 0012) runs without JIT: at a million releases the
# plan of a common word's matches costs more than jit_above_cost (100,000; 78,000 at 100,000
# releases), and compiling it would take longer than running it.
CREATE_SQL = """
CREATE FUNCTION news_search_closest_words(words text[], lowest real) RETURNS text[]
LANGUAGE plpgsql STABLE SET pg_trgm.similarity_threshold = 0.3
AS $$
DECLARE
    closest text[] := '{}';
    searched text;
    threshold real;
    found text;
BEGIN
    FOREACH searched IN ARRAY words LOOP
        found := NULL;
        FOREACH threshold IN ARRAY ARRAY[greatest(lowest, 0.6), greatest(lowest, 0.45), lowest] LOOP
            PERFORM set_config('pg_trgm.similarity_threshold', threshold::text, true);
            SELECT word INTO found FROM news_titleword WHERE word %% searched
                ORDER BY similarity(word, searched) DESC, word COLLATE "C" DESC LIMIT 1;
            EXIT WHEN found IS NOT NULL;
        END LOOP;
        closest := closest || coalesce(found, searched);
    END LOOP;
    RETURN closest;
END
$$;

ALTER FUNCTION news_search_most_recent(tsquery, timestamptz, timestamptz, timestamptz, integer)
    SET jit = off;
"""

DROP_SQL = """
DROP FUNCTION news_search_closest_words(text[], real);
ALTER FUNCTION news_search_most_recent(tsquery, timestamptz, timestamptz, timestamptz, integer)
    RESET jit;
"""


# news_search_most_recent() reads the dates' histogram only when it slices: reading it through
# pg_stats and parsing its thousand dates took 0.5-1 ms of every search. Written as changes
# to the function's definition, (old, new), so that its body is not written twice.
MOST_RECENT = "news_search_most_recent(tsquery, timestamptz, timestamptz, timestamptz, integer)"
READ_DATES_WHEN_SLICING = [
    (
        """    dates timestamptz[] := (
        SELECT histogram_bounds::text::timestamptz[] FROM pg_stats
        WHERE schemaname = current_schema() AND tablename = 'news_searchdocument'
            AND attname = 'publish_at'
    );""",
        "    dates timestamptz[];",
    ),
    (
        "        IF expected > index_rows AND dates IS NOT NULL THEN",
        """        IF expected > index_rows AND dates IS NULL THEN
            dates := (SELECT histogram_bounds::text::timestamptz[] FROM pg_stats
                WHERE schemaname = current_schema() AND tablename = 'news_searchdocument'
                    AND attname = 'publish_at');
        END IF;
        IF expected > index_rows AND dates IS NOT NULL THEN""",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0015_translations"),
    ]

    operations = [
        function_rewrite(MOST_RECENT, READ_DATES_WHEN_SLICING),
        postgresql_sql(CREATE_SQL, DROP_SQL),
    ]
