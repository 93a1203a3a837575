from django.db import migrations

from iomsite.postgresql import function_rewrite

# A common word is searched by walking the documents newest first (the plan is fixed: the
# function turns bitmap scans off for it), yet planning the walk estimated its words again,
# from the 10,000 most common lexemes that ANALYZE keeps of the documents (statistics target
# 1000, migration news 0009), unpacked at each plan: 0.58 ms of planning against 0.08-0.14
# when the words come from a subquery, which the planner cannot look into. The estimate
# that steers the search is still made once, by the EXPLAIN at the start.
#
# The dates' histogram is not read for a query that is walked whatever the calendar window
# (expected in a tenth of all documents or more): 0.35 ms to turn its 1,001 dates from text.
MOST_RECENT = "news_search_most_recent(tsquery, timestamptz, timestamptz, timestamptz, integer)"
WALK_PLANNED_WITHOUT_STATISTICS = [
    (
        "        IF expected > index_rows AND dates IS NULL THEN\n",
        "        IF expected > index_rows AND dates IS NULL AND expected < walk_share * documents"
        " THEN\n",
    ),
    (
        """        RETURN QUERY EXECUTE 'SELECT release_id, publish_at, document, filters
            FROM news_searchdocument WHERE document @@ $1 AND' || live""",
        """        RETURN QUERY EXECUTE 'SELECT release_id, publish_at, document, filters
            FROM news_searchdocument WHERE document @@ (SELECT $1) AND' || live""",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0025_search_nothing_older_read_once"),
    ]

    operations = [
        function_rewrite(MOST_RECENT, WALK_PLANNED_WITHOUT_STATISTICS),
    ]
