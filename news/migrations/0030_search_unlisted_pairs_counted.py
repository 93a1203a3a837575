from django.db import migrations

from iomsite.postgresql import function_rewrite

# A phrase whose adjacent words are unlisted in the statistics is estimated at the most they
# estimate a missing pair (migration news 0022): about 4,900 documents a pair at 1,000,000
# releases, three pairs for a phrase read in three languages. When that was still fewer than
# the text index's estimate for its words, news_search_most_recent() took it, above the
# 1,600 it reads from an index at once, and read the phrase slice by slice, each slice's
# documents from the date index: "governance labe" at a million releases, 1,201 documents
# holding its pairs, 576 matches, had a first slice find 24, then an older slice of 408,000
# documents, 62 ms to read from the date index. Such a phrase's pairs are now counted too, up
# to those 1,600: fewer are read at once, from its pairs alone (16 ms instead of 324). At
# most 1,600 documents counted for nothing when the pairs are that common.
MOST_RECENT = "news_search_most_recent(tsquery, timestamptz, timestamptz, timestamptz, integer)"
UNLISTED_PAIRS_COUNTED = [
    (
        "        IF pairs_expected >= expected AND expected < walk_share * documents THEN\n",
        "        IF pairs_expected >= expected AND expected < walk_share * documents\n"
        "                OR pairs_expected < expected AND pairs_expected > index_rows THEN\n",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0029_search_closest_words_levels_by_trigrams"),
    ]

    operations = [
        function_rewrite(MOST_RECENT, UNLISTED_PAIRS_COUNTED),
    ]
