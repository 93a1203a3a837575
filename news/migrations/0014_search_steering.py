from django.db import migrations

from iomsite.postgresql import run_on_postgresql

# news_search_closest_words(words, lowest): each word replaced by the title word most similar
# to it (trigrams; the greatest word in code point order among equals), or kept when none is
# `lowest` similar. pg_trgm's % operator reads, through the trigram index, every title word
# sharing enough trigrams with the word: at 0.3 a long word with a common ending ("-ness",
# "-tion") shares enough with 16,000 of 215,000 title words at 100,000 releases, 45 ms to
# check. Asked first at higher similarities, which a one-letter typo of a long word reaches,
# it reads a few dozen; only a word with no close title word goes down to `lowest`. The most
# similar word is the same: the first level that finds any word finds every word as similar.
#
# news_search_most_recent() (migration news 0012) reads the dates' histogram only when it
# slices (0.5-1 ms otherwise spent on every search), and runs without JIT: with its scans
# switched off, a plan's cost can pass jit_above_cost, and compiling takes 50-100 ms.
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


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0013_alerts"),
    ]

    operations = [
        migrations.RunPython(run_on_postgresql(CREATE_SQL), run_on_postgresql(DROP_SQL)),
    ]
