from django.db import migrations

from iomsite.postgresql import function_rewrite

# A phrase whose unlisted pairs are counted because they are estimated above the 1,600
# documents read from an index at once (migration news 0030) and hold a few more than that
# was still read slice by slice: "tebeity migrants" at a million releases, 1,650 documents
# holding its pairs, found 25 matches in the newest slice, then read an older slice of
# 390,000 documents from the date index (68 ms) for the rest. Such a phrase's pairs are now
# counted up to twice those 1,600, and all of them read at once when fewer: at most 3,200
# documents, each checked for the phrase, where a slice of the date index cost more than the
# documents it was to spare.
MOST_RECENT = "news_search_most_recent(tsquery, timestamptz, timestamptz, timestamptz, integer)"
UNLISTED_PAIRS_READ_AT_ONCE = [
    ("    pairs_counted bigint;\n", "    pairs_counted bigint;\n    pairs_counted_up_to float;\n"),
    (
        """                EXECUTE 'SELECT count(*) FROM (SELECT FROM news_searchdocument
                    WHERE news_search_adjacent_pairs(document) @@ $1 LIMIT $2) candidates'
                    USING pairs, ceil(least(expected, index_rows)) INTO pairs_counted;
                IF pairs_counted < ceil(least(expected, index_rows)) THEN
                    pairs_expected := pairs_counted;
                END IF;
""",
        """                pairs_counted_up_to := ceil(CASE WHEN pairs_expected < expected
                    THEN 2 * index_rows ELSE least(expected, index_rows) END);
                EXECUTE 'SELECT count(*) FROM (SELECT FROM news_searchdocument
                    WHERE news_search_adjacent_pairs(document) @@ $1 LIMIT $2) candidates'
                    USING pairs, pairs_counted_up_to INTO pairs_counted;
                IF pairs_counted < pairs_counted_up_to THEN
                    pairs_expected := pairs_counted;
                    index_rows := greatest(index_rows, pairs_counted);
                END IF;
""",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0030_search_unlisted_pairs_counted"),
    ]

    operations = [
        function_rewrite(MOST_RECENT, UNLISTED_PAIRS_READ_AT_ONCE),
    ]
