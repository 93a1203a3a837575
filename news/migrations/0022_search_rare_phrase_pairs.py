from django.db import migrations

from iomsite.postgresql import function_rewrite

# A phrase's adjacent words (migration news 0020) are 2^20 hashed tokens, of which ANALYZE
# lists a few hundred; any other is estimated at half the rarest listed one's frequency: 741
# documents a token at 100,000 releases, where a token that no common pair hashes to is in
# about 25 (a document holds about 250 pairs). So news_search_most_recent() read a rare
# phrase's candidates from the text index, every document holding its words: "pabition
# fabeer", 3 matches, 805 documents read to check them, where its pairs hold 90.
#
# When the pairs' estimate is no better than the text index's and the phrase's pairs are all
# unlisted, their documents are counted, as far as the text index's estimate or the 1,600
# read from it at most: the fewer are read.
MOST_RECENT = "news_search_most_recent(tsquery, timestamptz, timestamptz, timestamptz, integer)"
RARE_PAIRS_COUNTED = [
    (
        """    pairs_expected float;
""",
        """    pairs_expected float;
    pairs_counted bigint;
""",
    ),
    (
        """        pairs_expected := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float;
""",
        """        pairs_expected := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float;
        IF pairs_expected >= expected AND expected < walk_share * documents THEN
            EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM news_searchdocument
                WHERE news_search_adjacent_pairs(document) @@ $1 AND' || live
                USING regexp_replace(pairs::text, '''[^'']*''', '''unlisted pair''', 'g')::tsquery,
                    moment, after, before INTO plan;
            IF pairs_expected <= (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float THEN
                EXECUTE 'SELECT count(*) FROM (SELECT FROM news_searchdocument
                    WHERE news_search_adjacent_pairs(document) @@ $1 LIMIT $2) candidates'
                    USING pairs, ceil(least(expected, index_rows)) INTO pairs_counted;
                IF pairs_counted < ceil(least(expected, index_rows)) THEN
                    pairs_expected := pairs_counted;
                END IF;
            END IF;
        END IF;
""",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0021_search_unlisted_words"),
    ]

    operations = [
        function_rewrite(MOST_RECENT, RARE_PAIRS_COUNTED),
    ]
