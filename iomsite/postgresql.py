"""For migrations: SQL that only PostgreSQL runs (triggers, text-search and trigram indexes).
SQLite has none of these: its search reads the text fields instead."""


def run_on_postgresql(sql):
    """A RunPython function that executes `sql` on PostgreSQL and does nothing elsewhere."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run
