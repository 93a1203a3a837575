from django.db import migrations

from iomsite.postgresql import function_rewrite

# news_search_most_recent() walks in publishing order when the query's expected matches are a
# large enough share (news.search_walk_share, a tenth) of the documents searched: those of the
# calendar window. It measured the window from the dates' histogram only when it expected
# more matches than it reads from the text index at once (1,600), so a common word in a short
# window was compared with the whole archive and read from the text index, every entry of the
# word: "camps" in one month at 100,000 releases, 27,113 entries for 234 matches in the
# month's 864 documents (5 ms; ten times that at a million). A window is now always
# measured, and such a word walked through it: 120 words in random years and months at
# 100,000 releases, p90 12.4 -> 8.4 ms, slowest 49.8 -> 21.0, the same matches.
MOST_RECENT = "news_search_most_recent(tsquery, timestamptz, timestamptz, timestamptz, integer)"
WINDOW_ALWAYS_MEASURED = [
    (
        "        IF expected > index_rows AND dates IS NULL AND expected < walk_share * documents"
        " THEN\n",
        "        IF dates IS NULL AND (expected > index_rows AND expected < walk_share * documents\n"
        "                OR after IS NOT NULL OR before IS NOT NULL) THEN\n",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0030_search_unlisted_pairs_counted"),
    ]

    operations = [
        function_rewrite(MOST_RECENT, WINDOW_ALWAYS_MEASURED),
    ]
