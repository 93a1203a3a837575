from django.db import migrations

from iomsite.postgresql import function_rewrite, postgresql_sql

# A phrase's matches from an index of adjacent words. PostgreSQL's text index holds no word
# positions: for a phrase it gives every document holding all of its words, and each must be
# read to check that they stand side by side. "health border" at 100,000 releases: 20,569
# documents hold both words, 136 the phrase, 85-150 ms.
#
# news_search_adjacent_pairs(document): every two words at adjacent positions of a document,
# each pair as a token of news_search_pair(): a hash of the two words in one of 2^20 values,
# so that the index holds a million keys at most (930 MB as text pairs at 100,000 releases,
# 170 MB hashed; a document holds a colliding pair with a chance of about 1 in 4,000). An
# expression index, not a column: the documents stay as narrow.
#
# news_search_phrase_pairs(query): what a document matching the query must hold of those
# tokens, as a query on them, or NULL when nothing: for each `a <-> b` of plain words, the
# pair (a, b); AND and OR kept, what is under NOT dropped. Read from the query's text in
# postfix order. A phrase with a gap ('end' <3> 'year', its stop words left out) needs no
# pair of its own: other words may stand in the gap.
#
# news_search_most_recent() (migrations news 0012-0019) reads the matches of a query with
# phrases from the pairs' index when it expects fewer documents there than in the text index,
# then checks each with ts_match_vq(), the function behind @@: the planner does not combine
# it with the text index, whose rows of a phrase must be checked again, which would compute
# each document's pairs again (0.3 ms each). The walk in publishing order is unchanged. The
# setting news.search_phrase_pairs ('on', 'off') forces the choice, for the tests.
#
# ANALYZE computes the pairs of each sampled document for the index's statistics: 38 s instead
# of 4 at 100,000 releases. hashtext() is PostgreSQL's own hash of text, unchanged since 8.4;
# an upgrade that changed it would need REINDEX INDEX news_searchdocument_pairs_idx.
CREATE_SQL = r"""
CREATE FUNCTION news_search_pair(first text, second text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_hex(hashtext(first || ' ' || second) & 1048575)
$$;

CREATE FUNCTION news_search_adjacent_pairs(document tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_to_tsvector(coalesce(array_agg(news_search_pair(here.lexeme, next.lexeme)), '{}'))
    FROM (SELECT lexeme, unnest(positions) AS position FROM unnest(document)) here
    JOIN (SELECT lexeme, unnest(positions) AS position FROM unnest(document)) next
        ON next.position = here.position + 1
$$;

CREATE FUNCTION news_search_phrase_pairs(query tsquery) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    precedence constant jsonb := '{"|": 1, "&": 2, "<": 3, "!": 4}';
    token text;
    lexeme text;
    operators text[] := '{}';
    postfix text[] := '{}';
    -- For each operand and each result: what a match holds of the pairs (NULL: nothing
    -- known), and its first and last word when it is a phrase of plain words.
    conditions text[] := '{}';
    firsts text[] := '{}';
    lasts text[] := '{}';
    depth integer;
    condition text;
BEGIN
    IF strpos(query::text, '<') = 0 THEN
        RETURN NULL;  -- no phrase: 0.3 ms saved for six words
    END IF;
    -- Words ('it''s', 'aid':*), operators (<->, <3>, &, |, !) and parentheses, in postfix
    -- order (shunting-yard).
    FOR token IN SELECT match[1] FROM regexp_matches(query::text,
        $re$('(?:[^']|'')*'(?::[*A-D]+)?|<\d+>|<->|[!&|()])$re$, 'g') AS match
    LOOP
        IF left(token, 1) = '''' THEN
            postfix := postfix || token;
        ELSIF token IN ('(', '!') THEN
            operators := operators || token;
        ELSIF token = ')' THEN
            WHILE operators[cardinality(operators)] <> '(' LOOP
                postfix := postfix || operators[cardinality(operators)];
                operators := trim_array(operators, 1);
            END LOOP;
            operators := trim_array(operators, 1);
        ELSE
            WHILE cardinality(operators) > 0 AND operators[cardinality(operators)] <> '('
                AND (precedence ->> left(operators[cardinality(operators)], 1))::integer
                    >= (precedence ->> left(token, 1))::integer
            LOOP
                postfix := postfix || operators[cardinality(operators)];
                operators := trim_array(operators, 1);
            END LOOP;
            operators := operators || token;
        END IF;
    END LOOP;
    postfix := postfix || ARRAY(
        SELECT operator FROM unnest(operators) WITH ORDINALITY AS stacked (operator, place)
        ORDER BY place DESC
    );
    FOREACH token IN ARRAY postfix LOOP
        IF left(token, 1) = '''' THEN
            -- A plain word, unquoted; none for a prefix or a weight ('aid':*).
            lexeme := CASE WHEN right(token, 1) = '''' THEN regexp_replace(
                replace(substr(token, 2, length(token) - 2), '''''', ''''), '\\(.)', '\1', 'g') END;
            conditions := conditions || NULL::text;
            firsts := firsts || lexeme;
            lasts := lasts || lexeme;
        ELSIF token = '!' THEN
            depth := cardinality(conditions);
            conditions[depth] := NULL;
            firsts[depth] := NULL;
            lasts[depth] := NULL;
        ELSE
            depth := cardinality(conditions);
            IF token = '|' THEN
                condition := '(' || conditions[depth - 1] || ') | (' || conditions[depth] || ')';
            ELSE
                condition := concat_ws(' & ', conditions[depth - 1], conditions[depth]);
                IF token = '<->' AND lasts[depth - 1] IS NOT NULL AND firsts[depth] IS NOT NULL THEN
                    condition := concat_ws(' & ', nullif(condition, ''),
                        news_search_pair(lasts[depth - 1], firsts[depth]));
                END IF;
            END IF;
            conditions[depth - 1] := nullif(condition, '');
            IF left(token, 1) = '<' THEN
                lasts[depth - 1] := lasts[depth];
            ELSE
                firsts[depth - 1] := NULL;
                lasts[depth - 1] := NULL;
            END IF;
            conditions := trim_array(conditions, 1);
            firsts := trim_array(firsts, 1);
            lasts := trim_array(lasts, 1);
        END IF;
    END LOOP;
    RETURN conditions[1]::tsquery;
END
$$;

CREATE INDEX news_searchdocument_pairs_idx ON news_searchdocument
    USING gin (news_search_adjacent_pairs(document));
ANALYZE news_searchdocument;
"""

DROP_SQL = """
DROP INDEX news_searchdocument_pairs_idx;
DROP FUNCTION news_search_phrase_pairs(tsquery);
DROP FUNCTION news_search_adjacent_pairs(tsvector);
DROP FUNCTION news_search_pair(text, text);
"""

MOST_RECENT = "news_search_most_recent(tsquery, timestamptz, timestamptz, timestamptz, integer)"
PHRASES_FROM_PAIRS = [
    (
        """    until_id bigint;
""",
        """    until_id bigint;
    pairs constant tsquery := news_search_phrase_pairs(words);
    pairs_use constant text := current_setting('news.search_phrase_pairs', true);
    pairs_expected float;
    matching text := ' document @@ $1';
""",
    ),
    (
        """    expected := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float;
""",
        """    expected := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float;
    IF pairs IS NOT NULL AND pairs_use IS DISTINCT FROM 'off' THEN
        EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM news_searchdocument
            WHERE news_search_adjacent_pairs(document) @@ $1 AND' || live
            USING pairs, moment, after, before INTO plan;
        pairs_expected := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float;
        IF pairs_expected < expected OR pairs_use = 'on' THEN
            expected := least(expected, pairs_expected);
            matching := ' news_search_adjacent_pairs(document) @@ '
                || quote_literal(pairs::text) || '::tsquery AND ts_match_vq(document, $1)';
        END IF;
    END IF;
""",
    ),
    (
        """            SELECT release_id, publish_at FROM news_searchdocument WHERE document @@ $1 AND'
""",
        """            SELECT release_id, publish_at FROM news_searchdocument WHERE' || matching || ' AND'
""",
    ),
    (
        """                SELECT release_id FROM news_searchdocument WHERE document @@ $1 AND' || live
            || ' AND (publish_at, release_id) < ($5, $6) AND publish_at >= $7' || newest""",
        """                SELECT release_id FROM news_searchdocument WHERE' || matching || ' AND' || live
            || ' AND (publish_at, release_id) < ($5, $6) AND publish_at >= $7' || newest""",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0019_search_older_matches_in_slices"),
    ]

    operations = [
        postgresql_sql(CREATE_SQL, DROP_SQL),
        function_rewrite(MOST_RECENT, PHRASES_FROM_PAIRS),
    ]
