"""For migrations: SQL that only PostgreSQL runs (triggers, text-search and trigram indexes).
SQLite has none of these: its search reads the text fields instead."""

from django.db import migrations


def postgresql_sql(sql, reverse_sql):
    """An operation that executes `sql` on PostgreSQL (`reverse_sql` when unapplied) and does
    nothing elsewhere."""
    return migrations.RunPython(_executing(sql), _executing(reverse_sql))


def _executing(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


def function_rewrite(signature, changes):
    """An operation that makes each (old, new) change to the definition of the PostgreSQL
    function `signature`, e.g. "f(text, integer)", where old must occur once, and undoes them
    when unapplied: a migration then writes what changes, not the whole body again."""
    return migrations.RunPython(
        _rewriting(signature, changes),
        _rewriting(signature, [(new, old) for old, new in reversed(changes)]),
    )


def _rewriting(signature, changes):
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
