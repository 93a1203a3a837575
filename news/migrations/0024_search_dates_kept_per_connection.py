from django.db import migrations

from iomsite.postgresql import postgresql_sql

# news_search_dates(), the dates' histogram that news_search_most_recent() slices the documents
# by, read pg_stats on every call: 1,000 dates written out as text and parsed back, about
# 1 ms of the 3-6 ms that the function takes for a common word at 100,000 releases. Kept now
# in the connection, as seconds since the epoch (parsed back in a tenth of the time), until
# the documents are analysed again. Where the time of that analysis is unknown (statistics
# reset, a standby), the histogram is read on every call, as before. Stale dates could only
# slice less evenly: the slices partition the documents whatever the dates.
# The histogram as news_search_dates() read it every time, and news_search_date_bounds() now.
HISTOGRAM = """\
    SELECT histogram_bounds::text::timestamptz[] FROM pg_stats
    WHERE schemaname = current_schema() AND tablename = 'news_searchdocument'
        AND attname = 'publish_at'
"""
DATES_SQL = f"""
CREATE FUNCTION news_search_date_bounds() RETURNS timestamptz[] LANGUAGE sql STABLE AS $$
{HISTOGRAM}$$;
CREATE OR REPLACE FUNCTION news_search_dates() RETURNS timestamptz[] LANGUAGE plpgsql STABLE
AS $$
DECLARE
    analysed constant text := (SELECT greatest(pg_stat_get_last_analyze_time(oid),
        pg_stat_get_last_autoanalyze_time(oid)) FROM pg_class
        WHERE oid = 'news_searchdocument'::regclass)::text;
    seconds float8[];
BEGIN
    IF analysed = current_setting('news.search_dates_analysed', true) THEN
        seconds := current_setting('news.search_dates')::float8[];
    ELSE
        seconds := ARRAY(SELECT extract(epoch FROM date) FROM unnest(news_search_date_bounds()) date);
        PERFORM set_config('news.search_dates', seconds::text, false),
            set_config('news.search_dates_analysed', analysed, false);
    END IF;
    RETURN ARRAY(SELECT to_timestamp(second) FROM unnest(seconds) second);
END
$$;
"""
READ_EVERY_TIME_SQL = f"""
CREATE OR REPLACE FUNCTION news_search_dates() RETURNS timestamptz[] LANGUAGE sql STABLE AS $$
{HISTOGRAM}$$;
DROP FUNCTION news_search_date_bounds();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0023_search_exact_pair_bitmaps"),
    ]

    operations = [
        postgresql_sql(DATES_SQL, READ_EVERY_TIME_SQL),
    ]
