from django.db import migrations

from iomsite.postgresql import postgresql_sql

# news_search_words() (migration news 0012) falls back to an empty text query, whose literal
# PostgreSQL parses with a NOTICE each time it plans the function: two or three a search, each
# formatted with the function's text and sent to the client for nothing. The function keeps
# its result and says only warnings.
QUIET_SQL = "ALTER FUNCTION news_search_words(text) SET client_min_messages = warning;"
RESET_SQL = "ALTER FUNCTION news_search_words(text) RESET client_min_messages;"


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0016_search_steering"),
    ]

    operations = [
        postgresql_sql(QUIET_SQL, RESET_SQL),
    ]
