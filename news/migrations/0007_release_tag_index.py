from django.db import migrations

# Release tags are joined on taggit's integer object_id cast to the release's bigint id; an
# index on the cast lets the search's topic counts read only the tags of the releases they
# count. The same SQL works on PostgreSQL and SQLite.
CREATE_SQL = (
    "CREATE INDEX taggit_taggeditem_object_bigint_idx "
    "ON taggit_taggeditem (content_type_id, CAST(object_id AS bigint))"
)
DROP_SQL = "DROP INDEX taggit_taggeditem_object_bigint_idx"


class Migration(migrations.Migration):

    dependencies = [
        ("news", "0006_scale_indexes"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunSQL(CREATE_SQL, DROP_SQL)]
