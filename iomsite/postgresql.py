"""For migrations: SQL that only PostgreSQL runs (triggers, text-search and trigram indexes).
SQLite has none of these: its search reads the text fields instead."""


def run_on_postgresql(sql):
    """A RunPython function that executes `sql` on PostgreSQL and does nothing elsewhere."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


def rewrite_function(signature, changes):
    """A RunPython function that makes each (old, new) change to the definition of the
    PostgreSQL function `signature`, e.g. "f(text, integer)", where old must occur once:
    a migration then writes what changes, not the whole body again."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_functiondef(%s::regprocedure)", [signature])
            definition = cursor.fetchone()[0]
            for old, new in changes:
                if definition.count(old) != 1:
                    raise ValueError(f"{signature} does not hold once: {old}")
                definition = definition.replace(old, new)
            cursor.execute(definition)

    return run
