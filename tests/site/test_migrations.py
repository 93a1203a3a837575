import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from contacts.models import Country, Region

PROJECT_APPS = ["news", "contacts", "pages"]


def leaf_nodes():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return {app: graph.leaf_nodes(app) for app in PROJECT_APPS}


def test_each_app_has_one_line_of_migrations():
    for app, leaves in leaf_nodes().items():
        assert len(leaves) == 1, f"{app} has several latest migrations: {leaves}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_migration_reverses_and_reapplies():
    tables_before = set(connection.introspection.table_names())
    for app in PROJECT_APPS:  # dependents first
        call_command("migrate", app, "zero", verbosity=0)
    remaining = set(connection.introspection.table_names())
    assert not {table for table in remaining if table.split("_")[0] in PROJECT_APPS}
    call_command("migrate", verbosity=0)
    assert set(connection.introspection.table_names()) == tables_before
    assert Country.objects.filter(code="CN").exists()
    assert Region.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_country_list_is_removed_on_the_way_back():
    call_command("migrate", "contacts", "0001", verbosity=0)
    assert not Country.objects.exists()
    assert not Region.objects.exists()
    call_command("migrate", verbosity=0)
    assert Country.objects.count() > 240
