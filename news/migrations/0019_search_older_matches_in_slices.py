from django.db import migrations

from iomsite.postgresql import function_rewrite, postgresql_sql

# When the walk in publishing order or the newest slice found fewer matches than wanted,
# news_search_most_recent() (migrations news 0012, 0016, 0018) read every older match from the
# text index, then kept the newest. For a word the planner overestimates that is cheap, but a
# phrase is estimated as its words together: each older document holding them all was read to
# check their positions. "bebetion migrants" at 1,000,000 releases: 107,000 documents hold both
# words, 4,292 the phrase; the walk found 18 in the newest 4,000 documents, and the rest took
# 380 ms. The older matches now come slice by slice, newest first, each slice as many documents
# as should hold twice the matches still wanted at the rate found so far (at least as many
# as searched so far), the last one reaching the oldest: the same matches in 110-146 ms. A
# phrase with fewer than `wanted` matches still has every document holding its words read.
#
# news_search_dates(): the dates' histogram, the one place that reads it.
DATES_SQL = """
CREATE FUNCTION news_search_dates() RETURNS timestamptz[] LANGUAGE sql STABLE AS $$
    SELECT histogram_bounds::text::timestamptz[] FROM pg_stats
    WHERE schemaname = current_schema() AND tablename = 'news_searchdocument'
        AND attname = 'publish_at'
$$;
"""
DROP_DATES_SQL = "DROP FUNCTION news_search_dates();"
MOST_RECENT = "news_search_most_recent(tsquery, timestamptz, timestamptz, timestamptz, integer)"
OLDER_MATCHES_IN_SLICES = [
    (
        """    found integer;
""",
        """    found integer := 0;
    more integer;
    slice_parts integer;
    covered float;
    slice_documents float;
    until_at timestamptz;
    until_id bigint;
""",
    ),
    (
        """            dates := (SELECT histogram_bounds::text::timestamptz[] FROM pg_stats
                WHERE schemaname = current_schema() AND tablename = 'news_searchdocument'
                    AND attname = 'publish_at');
""",
        """            dates := news_search_dates();
""",
    ),
    (
        """            slice_start := dates[greatest(1, newest_date
                - ceil(2 * wanted / expected * window_parts)::integer)];
""",
        """            slice_parts := ceil(2 * wanted / expected * window_parts);
            slice_start := dates[greatest(1, newest_date - slice_parts)];
""",
    ),
    (
        """            IF matches < wanted AND slice_start IS NOT NULL THEN
                RETURN QUERY EXECUTE 'SELECT release_id, publish_at, document, filters
                    FROM news_searchdocument WHERE release_id = ANY(ARRAY(
                        SELECT release_id FROM news_searchdocument WHERE document @@ $1 AND'
                    || live || ' AND publish_at < $5' || newest || ' LIMIT $6))'
                    USING words, moment, after, before, slice_start, wanted - matches;
            END IF;
            RETURN;
        END IF;
""",
        """            IF matches >= wanted OR slice_start IS NULL THEN
                RETURN;
            END IF;
            found := matches;  -- the older ones follow
            until_at := slice_start;
            until_id := 0;
            covered := searched * slice_parts / window_parts;
            EXIT;
        END IF;
""",
    ),
    (
        """    PERFORM set_config('enable_bitmapscan', 'off', true);
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
""",
        """    IF until_at IS NULL THEN  -- the walk
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
        IF found >= wanted OR boundary.publish_at IS NULL THEN
            RETURN;
        END IF;
        PERFORM set_config('enable_bitmapscan', 'on', true);
        PERFORM set_config('enable_indexscan', 'off', true);
        until_at := boundary.publish_at;  -- the older ones follow, the boundary's included
        until_id := boundary.release_id + 1;
        covered := ceil(2 * wanted / greatest(walk_share, 1e-9));
    END IF;
    -- The older matches, from the text index, newest first: slice by slice, each as many
    -- documents as should hold twice the matches still wanted at the rate found so far (at
    -- least as many as searched so far), the last one reaching the oldest. All at once, each
    -- older document holding every word of a phrase was read to check the phrase.
    dates := coalesce(dates, news_search_dates());
    LOOP
        slice_documents := greatest(covered, 2 * (wanted - found) * covered / nullif(found, 0));
        slice_start := dates[(SELECT count(*) FROM unnest(dates) date WHERE date < until_at)
            - ceil(slice_documents / documents * (array_length(dates, 1) - 1))::integer];
        IF slice_start <= after THEN
            slice_start := NULL;
        END IF;
        RETURN QUERY EXECUTE 'SELECT release_id, publish_at, document, filters
            FROM news_searchdocument WHERE release_id = ANY(ARRAY(
                SELECT release_id FROM news_searchdocument WHERE document @@ $1 AND' || live
            || ' AND (publish_at, release_id) < ($5, $6) AND publish_at >= $7' || newest
            || ' LIMIT $8))'
            USING words, moment, after, before, until_at, until_id,
                coalesce(slice_start, '-infinity'), wanted - found;
        GET DIAGNOSTICS more = ROW_COUNT;
        found := found + more;
        EXIT WHEN found >= wanted OR slice_start IS NULL;
        covered := covered + slice_documents;
        until_at := slice_start;
        until_id := 0;
    END LOOP;
""",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0018_search_calendar_windows"),
    ]

    operations = [
        postgresql_sql(DATES_SQL, DROP_DATES_SQL),
        function_rewrite(MOST_RECENT, OLDER_MATCHES_IN_SLICES),
    ]
