from django.db import migrations

from iomsite.postgresql import function_rewrite

# A word that ANALYZE does not list among the documents' most common words (10,000 of them) is
# estimated at half the frequency of the rarest one listed, however rare it is. At 1,000,000
# releases that is 2,439 documents, above the 1,600 up to which news_search_most_recent()
# (migrations news 0012-0020) reads the text index alone: "rojanoa", in 6 documents, was
# searched in the slice of the newest documents that should hold 400 of its matches, 164,000
# documents, whose bitmap of dates was read whole, then in older slices: 136 ms.
#
# A query estimated at no more than the same query made of unlisted words (its filter tokens,
# 'kind:news', kept) holds only words that rare: each is in fewer documents than the rarest
# listed one, twice the estimate. Its matches are read from the text index first, up to twice
# the estimate, so that only a misestimate costs a read before the slices. "rojanoa" at
# 1,000,000 releases: 1.0 ms. A query estimated above 0.5 % of the documents a node of it
# (a lexeme or an operator), the most PostgreSQL estimates an unlisted word at
# (DEFAULT_TS_MATCH_SEL), is not planned again: planning a text-search condition takes 0.3 ms.
MOST_RECENT = "news_search_most_recent(tsquery, timestamptz, timestamptz, timestamptz, integer)"
UNLISTED_WORDS_FROM_THE_INDEX = [
    (
        """    index_rows constant float :=""",
        """    index_rows float :=""",
    ),
    (
        """    matching text := ' document @@ $1';
""",
        """    matching text := ' document @@ $1';
    unlisted tsquery;
""",
    ),
    (
        """    searched := documents;
""",
        """    -- PostgreSQL estimates an unlisted word at 0.5 % of the documents at most: a query
    -- estimated above that for each of its nodes holds a listed word, and needs no plan.
    IF expected > index_rows AND expected <= 0.005 * documents * numnode(words) THEN
        -- The query, its words (lexemes without a colon) made one that no document holds.
        unlisted := (SELECT string_agg(CASE WHEN strpos(part[1], ':') = 0
                THEN '''unlisted word''' ELSE coalesce(part[1], part[2]) END, '' ORDER BY n)
            FROM regexp_matches(words::text, $re$('(?:[^']|'')*')|([^']+)$re$, 'g')
                WITH ORDINALITY AS token (part, n))::tsquery;
        EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM news_searchdocument WHERE document @@ $1 AND'
            || live USING unlisted, moment, after, before INTO plan;
        IF expected <= (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float THEN
            index_rows := 2 * expected;
        END IF;
    END IF;
    searched := documents;
""",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0020_search_phrase_pairs"),
    ]

    operations = [
        function_rewrite(MOST_RECENT, UNLISTED_WORDS_FROM_THE_INDEX),
    ]
