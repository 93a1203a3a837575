from django.db import migrations

from iomsite.postgresql import function_rewrite

# news_search_most_recent() reads older matches in slices of the documents' dates, the last
# ones half of them: at 1,000,000 releases a bitmap of 480,000 dates, more than PostgreSQL's
# default 4 MB of work_mem holds document by document. ANDed with the bitmap of a phrase's
# adjacent words (migration news 0020), such a lossy bitmap has every candidate checked again
# against the index's expression: its pairs computed again, 0.3 ms each. "funding bobes",
# 788 candidates: 282-322 ms; with 32 MB, which holds the bitmap of every document at a million,
# 96-122 ms. Only there: with 32 MB for the whole function, the admin's prefix searches took two
# to three times longer.
MOST_RECENT = "news_search_most_recent(tsquery, timestamptz, timestamptz, timestamptz, integer)"
PAIRS_SLICES_EXACT = [
    (
        """    pairs_counted bigint;
""",
        """    pairs_counted bigint;
    work_mem_before constant text := current_setting('work_mem');
""",
    ),
    (
        """    dates := coalesce(dates, news_search_dates());
    LOOP
""",
        """    dates := coalesce(dates, news_search_dates());
    IF matching <> ' document @@ $1' THEN
        PERFORM set_config('work_mem', '32MB', true);
    END IF;
    LOOP
""",
    ),
    (
        """        until_id := 0;
    END LOOP;
END
""",
        """        until_id := 0;
    END LOOP;
    PERFORM set_config('work_mem', work_mem_before, true);
END
""",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0022_search_rare_phrase_pairs"),
    ]

    operations = [
        function_rewrite(MOST_RECENT, PAIRS_SLICES_EXACT),
    ]
