from django.db import migrations

from iomsite.postgresql import run_on_postgresql

# news_search_most_recent(): the `wanted` most recent documents live at `moment` (any document
# without it) that match `words`, in the calendar window [after, before) when given, each with
# its document and filter tokens.
#
# Two ways to find them, and their costs differ a hundredfold with the number of matches:
# - the text index gives every match at a cost per match (a bitmap of the index, then a row
#   read for its date), then the most recent are sorted out: cheap when matches are few;
# - walking the documents in publishing order tests each document until `wanted` match: cheap
#   when most documents match, and it reads every document when none does.
# Left to choose, the planner walked the whole table for a word that no release holds. So the
# function decides from the planner's own estimate of the matches (the text statistics of the
# documents, ANALYZE's most common words and their frequencies), and each way runs with the
# other switched off. Each is bounded whatever the estimate was:
# - the text index reads at most 2 * threshold matches; with more, the walk is short;
# - the walk reads at most `walk` documents (those from the boundary on); the matches it did
#   not find there are older, and rarer than thought: the text index gives those.
# threshold = sqrt(ratio * wanted * documents) is where both cost the same when a walked
# document costs `ratio` times a match read from the index (about as much, as measured; the setting
# news.search_walk_cost changes it); `walk` is twice what the walk reads for a query with
# `threshold` matches.
CREATE_SQL = """
-- The admin's search reads released releases from the search documents, and drafts (without a
-- document) from this index: a few per cent of the releases.
CREATE INDEX news_release_draft_search_idx ON news_release USING gin (search_vector)
    WHERE status = 'draft' OR publish_at IS NULL;

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
SET enable_seqscan = off SET enable_indexscan = on SET enable_bitmapscan = on
AS $$
#variable_conflict use_column
DECLARE
    ratio constant float := coalesce(nullif(current_setting('news.search_walk_cost', true), ''), '1');
    live constant text := ' ($2 IS NULL OR publish_at <= $2 AND (unpublish_at IS NULL OR unpublish_at > $2))
        AND publish_at >= coalesce($3, ''-infinity'') AND publish_at < coalesce($4, ''infinity'')';
    newest constant text := ' ORDER BY publish_at DESC, release_id DESC';
    documents float := greatest(1, (
        SELECT reltuples FROM pg_class WHERE oid = 'news_searchdocument'::regclass
    ));
    threshold float := sqrt(ratio * wanted * documents);
    walk integer := ceil(2 * wanted * documents / threshold);
    plan json;
    ids bigint[];
    matches bigint;
    boundary record;
    found integer;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM news_searchdocument WHERE document @@ $1 AND'
        || live USING words, moment, after, before INTO plan;
    IF (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float <= threshold THEN
        PERFORM set_config('enable_indexscan', 'off', true);
        EXECUTE 'SELECT array_agg(release_id' || newest || '), count(*) FROM (
            SELECT release_id, publish_at FROM news_searchdocument WHERE document @@ $1 AND'
            || live || ' LIMIT $5) found'
            USING words, moment, after, before, ceil(2 * threshold)::integer + 1 INTO ids, matches;
        IF matches <= 2 * threshold THEN
            RETURN QUERY SELECT found.release_id, found.publish_at, found.document, found.filters
            FROM news_searchdocument found
            WHERE found.release_id = ANY(ids[1:wanted]);
            RETURN;
        END IF;
        PERFORM set_config('enable_indexscan', 'on', true);
    END IF;
    PERFORM set_config('enable_bitmapscan', 'off', true);
    EXECUTE 'SELECT publish_at, release_id FROM news_searchdocument
        WHERE publish_at <= coalesce($1, ''infinity'') AND publish_at >= coalesce($2, ''-infinity'')
            AND publish_at < coalesce($3, ''infinity'')' || newest || ' OFFSET $4 LIMIT 1'
        USING moment, after, before, walk INTO boundary;
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
DROP INDEX news_release_draft_search_idx;
DROP FUNCTION news_search_words(text);
DROP FUNCTION news_search_most_recent(tsquery, timestamptz, timestamptz, timestamptz, integer);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0011_calendar_statistics"),
    ]

    operations = [
        migrations.RunPython(run_on_postgresql(CREATE_SQL), run_on_postgresql(DROP_SQL)),
    ]
