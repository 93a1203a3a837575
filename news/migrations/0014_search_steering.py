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
# news_search_most_recent(), as migration news 0012 wrote it, but reading the dates' histogram
# only when it slices (0.5-1 ms otherwise spent on every search), and without JIT: with its
# scans switched off, a plan's cost can pass jit_above_cost, and compiling takes 50-100 ms.
# Going back keeps this body, which finds the same documents.
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

CREATE OR REPLACE FUNCTION news_search_most_recent(
    words tsquery, moment timestamptz, after timestamptz, before timestamptz, wanted integer
) RETURNS TABLE (release_id bigint, publish_at timestamptz, document tsvector, filters text)
LANGUAGE plpgsql
SET enable_seqscan = off SET enable_indexscan = off SET enable_bitmapscan = on
AS $$
#variable_conflict use_column
DECLARE
    walk_share constant float :=
        coalesce(nullif(current_setting('news.search_walk_share', true), ''), '0.1');
    index_rows constant float :=
        coalesce(nullif(current_setting('news.search_index_rows', true), ''), (8 * wanted)::text);
    live constant text := ' ($2 IS NULL OR publish_at <= $2 AND (unpublish_at IS NULL OR unpublish_at > $2))
        AND publish_at >= coalesce($3, ''-infinity'') AND publish_at < coalesce($4, ''infinity'')';
    newest constant text := ' ORDER BY publish_at DESC, release_id DESC';
    documents float := greatest(1, (
        SELECT reltuples FROM pg_class WHERE oid = 'news_searchdocument'::regclass
    ));
    dates timestamptz[];
    plan json;
    expected float;
    slice_start timestamptz;
    newest_date integer;
    ids bigint[];
    matches bigint;
    boundary record;
    found integer;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM news_searchdocument WHERE document @@ $1 AND'
        || live USING words, moment, after, before INTO plan;
    expected := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float;
    WHILE expected < walk_share * documents LOOP
        slice_start := NULL;
        IF expected > index_rows AND dates IS NULL THEN
            dates := (SELECT histogram_bounds::text::timestamptz[] FROM pg_stats
                WHERE schemaname = current_schema() AND tablename = 'news_searchdocument'
                    AND attname = 'publish_at');
        END IF;
        IF expected > index_rows AND dates IS NOT NULL THEN
            -- The dates' histogram splits the documents in equal parts: the slice starts as
            -- many parts before the newest date searched as hold 2 * wanted matches.
            newest_date := (SELECT count(*) FROM unnest(dates) date
                WHERE date < least(moment, before, 'infinity'));
            slice_start := dates[greatest(1, newest_date
                - ceil(2 * wanted / expected * (array_length(dates, 1) - 1))::integer)];
            IF slice_start <= after THEN
                slice_start := NULL;
            END IF;
        END IF;
        EXECUTE 'SELECT array_agg(release_id' || newest || '), count(*) FROM (
            SELECT release_id, publish_at FROM news_searchdocument WHERE document @@ $1 AND'
            || live || ' AND publish_at >= $5 LIMIT $6) found'
            USING words, moment, after, before, coalesce(slice_start, '-infinity'),
                index_rows + 1
            INTO ids, matches;
        IF matches <= index_rows THEN
            RETURN QUERY SELECT found.release_id, found.publish_at, found.document, found.filters
            FROM news_searchdocument found WHERE found.release_id = ANY(ids[1:wanted]);
            IF matches < wanted AND slice_start IS NOT NULL THEN
                RETURN QUERY EXECUTE 'SELECT release_id, publish_at, document, filters
                    FROM news_searchdocument WHERE release_id = ANY(ARRAY(
                        SELECT release_id FROM news_searchdocument WHERE document @@ $1 AND'
                    || live || ' AND publish_at < $5' || newest || ' LIMIT $6))'
                    USING words, moment, after, before, slice_start, wanted - matches;
            END IF;
            RETURN;
        END IF;
        EXIT WHEN expected > index_rows AND slice_start IS NULL;  -- no slice to narrow: walk
        expected := 4 * greatest(expected, index_rows);
    END LOOP;
    PERFORM set_config('enable_bitmapscan', 'off', true);
    PERFORM set_config('enable_indexscan', 'on', true);
    EXECUTE 'SELECT publish_at, release_id FROM news_searchdocument
        WHERE publish_at <= coalesce($1, ''infinity'') AND publish_at >= coalesce($2, ''-infinity'')
            AND publish_at < coalesce($3, ''infinity'')' || newest || ' OFFSET $4 LIMIT 1'
        USING moment, after, before, ceil(2 * wanted / greatest(walk_share, 1e-9))::bigint
        INTO boundary;
    RETURN QUERY EXECUTE 'SELECT release_id, publish_at, document, filters
        FROM news_searchdocument WHERE document @@ $1 AND' || live
        || ' AND (publish_at, release_id) > ($5, $6)' || newest || ' LIMIT $7'
        USING words, moment, after, before, coalesce(boundary.publish_at, '-infinity'),
            coalesce(boundary.release_id, 0), wanted;
    GET DIAGNOSTICS found = ROW_COUNT;
    IF found < wanted AND boundary.publish_at IS NOT NULL THEN
        PERFORM set_config('enable_bitmapscan', 'on', true);
        PERFORM set_config('enable_indexscan', 'off', true);
        RETURN QUERY EXECUTE 'SELECT release_id, publish_at, document, filters
            FROM news_searchdocument WHERE release_id = ANY(ARRAY(
                SELECT release_id FROM news_searchdocument WHERE document @@ $1 AND' || live
            || ' AND (publish_at, release_id) <= ($5, $6)' || newest || ' LIMIT $7))'
            USING words, moment, after, before, boundary.publish_at, boundary.release_id,
                wanted - found;
    END IF;
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
