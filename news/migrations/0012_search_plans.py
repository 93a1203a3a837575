from django.db import migrations

from iomsite.postgresql import postgresql_sql

# news_search_most_recent(): the `wanted` most recent documents live at `moment` (any document
# without it) that match `words`, in the calendar window [after, before) when given, each with
# its document and filter tokens.
#
# The ways to find them cost in proportion to different things, so the function chooses from
# the number of matches the planner expects (from ANALYZE's statistics of the documents: the
# most common words and their frequencies), and runs each way with the others switched off:
# - the text index: each match costs a row read for its date, then the most recent are sorted
#   out. So it reads at most `index_rows` matches: all of them when fewer are expected, else
#   those of a slice of the newest documents that should hold twice `wanted` (its start read
#   from the dates' histogram), then the older ones if the slice held fewer than `wanted`.
#   Finding more than `index_rows`, it expects four times more and starts again (in a
#   calendar window too short to slice, it walks);
# - the walk in publishing order tests each document until `wanted` match: for words in more
#   than `walk_share` of the documents, where it stops within 2 * wanted / walk_share
#   documents. It reads at most that many; the text index finds the older matches if the walk
#   found fewer than expected.
# Left to itself, the planner walked the whole table for a word that no release holds.
# The settings news.search_walk_share and news.search_index_rows change the defaults.
CREATE_SQL = """
-- The admin's search reads released releases from the search documents, and drafts (without a
-- document) from this index: a few per cent of the releases.
CREATE INDEX news_release_draft_search_idx ON news_release USING gin (search_vector)
    WHERE status = 'draft' OR publish_at IS NULL;

-- Dates finer than the default hundredth: the slices read from them hold a thousandth.
ALTER TABLE news_searchdocument ALTER publish_at SET STATISTICS 1000;
ANALYZE news_searchdocument;

-- The query parsed in each release language (news.search.SEARCH_CONFIGS), each distinct parse
-- once: the planner takes 'aid' | 'aid' | 'aid' for three words and expects three times the
-- matches. Matches the same documents as the parses OR-ed.
CREATE FUNCTION news_search_words(query text) RETURNS tsquery LANGUAGE sql STABLE AS $$
    SELECT coalesce(string_agg(DISTINCT '(' || parsed::text || ')', ' | ')::tsquery, '')
    FROM unnest(ARRAY[
        websearch_to_tsquery('english', query),
        websearch_to_tsquery('french', query),
        websearch_to_tsquery('spanish', query)
    ]) AS parsed
    WHERE numnode(parsed) > 0
$$;

CREATE FUNCTION news_search_most_recent(
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
    dates timestamptz[] := (
        SELECT histogram_bounds::text::timestamptz[] FROM pg_stats
        WHERE schemaname = current_schema() AND tablename = 'news_searchdocument'
            AND attname = 'publish_at'
    );
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
"""

DROP_SQL = """
ALTER TABLE news_searchdocument ALTER publish_at SET STATISTICS -1;
DROP INDEX news_release_draft_search_idx;
DROP FUNCTION news_search_words(text);
DROP FUNCTION news_search_most_recent(tsquery, timestamptz, timestamptz, timestamptz, integer);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0011_calendar_statistics"),
    ]

    operations = [
        postgresql_sql(CREATE_SQL, DROP_SQL),
    ]
