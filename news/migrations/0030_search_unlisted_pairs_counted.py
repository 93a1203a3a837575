from django.db import migrations

from iomsite.postgresql import function_rewrite

# A phrase whose adjacent words are unlisted in the statistics is estimated at the most they
# estimate a missing pair (migration news 0022): about 4,900 documents a pair at 1,000,000
# releases, three pairs for a phrase read in three languages. When that was still fewer than
# the text index's estimate for its words, news_search_most_recent() took it, above the
# 1,600 it reads from an index at once, and read the phrase slice by slice, an older slice
# sized from the few matches of the newest, its documents read from the date index:
# "governance labe" at a million releases, 1,201 documents holding its pairs, 576 matches,
# a slice of 408,000 dates (62 ms of 324); "tebeity migrants", 1,650 documents, one of
# 390,000 (68 ms of 140). Such a phrase's pairs are now counted too, up to twice those 1,600,
# and all read at once when fewer: 16 and 6 ms. At most 3,200 documents are counted for
# nothing when the pairs are that common.
MOST_RECENT = "news_search_most_recent(tsquery, timestamptz, timestamptz, timestamptz, integer)"
UNLISTED_PAIRS_COUNTED = [
    ("    pairs_counted bigint;\n", "    pairs_counted bigint;\n    pairs_counted_up_to float;\n"),
    (
        "        IF pairs_expected >= expected AND expected < walk_share * documents THEN\n",
        "        IF pairs_expected >= expected AND expected < walk_share * documents\n"
        "                OR pairs_expected < expected AND pairs_expected > index_rows THEN\n",
    ),
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
        ("news", "0029_search_closest_words_levels_by_trigrams"),
    ]

    operations = [
        function_rewrite(MOST_RECENT, UNLISTED_PAIRS_COUNTED),
    ]
