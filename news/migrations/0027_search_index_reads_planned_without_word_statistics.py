from django.db import migrations

from iomsite.postgresql import function_rewrite

# As the walk (migration news 0026): a query expected in no more documents than the text
# index alone should give is read from it whole, with no date to narrow it to, and that
# plan is fixed too (bitmap scans only, and no range of dates to AND with the words). Its
# words come from a subquery, so that planning it does not unpack the 10,000 most common
# lexemes again: they steered the search already, in the EXPLAIN at its start. A slice keeps
# them: the planner weighs the words against the slice's dates to AND their indexes or not.
MOST_RECENT = "news_search_most_recent(tsquery, timestamptz, timestamptz, timestamptz, integer)"
INDEX_READS_PLANNED_WITHOUT_STATISTICS = [
    (
        """            SELECT release_id, publish_at FROM news_searchdocument WHERE' || matching || ' AND'
            || live || ' AND publish_at >= $5 LIMIT $6) found'""",
        """            SELECT release_id, publish_at FROM news_searchdocument WHERE'
            || CASE WHEN slice_start IS NULL AND matching = ' document @@ $1'
                THEN ' document @@ (SELECT $1)' ELSE matching END
            || ' AND' || live || ' AND publish_at >= $5 LIMIT $6) found'""",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0026_search_walk_planned_without_word_statistics"),
    ]

    operations = [
        function_rewrite(MOST_RECENT, INDEX_READS_PLANNED_WITHOUT_STATISTICS),
    ]
