"""The admin's autocomplete fields, hardened against forged ids.

Only a forged request sends an id that is not a number, or one too large for the database,
but Django answers some of them with a 500: its autocomplete widgets look the submitted ids
up to show an invalid form again, and its many-to-many field lets SQLite's OverflowError
through. Here such ids are a form error like any other.
"""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.forms import ModelMultipleChoiceField


class CheckedValuesMixin:
    def optgroups(self, name, value, attr=None):
        opts = self.field.remote_field.model._meta
        to_field_name = getattr(self.field.remote_field, "field_name", None)  # None: many-to-many
        to_field = opts.get_field(to_field_name) if to_field_name else opts.pk
        return super().optgroups(name, [item for item in value if fits(to_field, item)], attr)


def fits(field, value):
    try:
        field.run_validators(field.to_python(value))
    except (ValidationError, TypeError, ValueError):
        return False
    return True


class CheckedModelMultipleChoiceField(ModelMultipleChoiceField):
    def _check_values(self, value):
        opts = self.queryset.model._meta
        to_field = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for item in value:
            if not fits(to_field, item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)


class CheckedAutocompleteSelect(CheckedValuesMixin, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(CheckedValuesMixin, AutocompleteSelectMultiple):
    pass


class CheckedAutocompleteAdmin:
    """For ModelAdmin and inline classes: relation fields use the checked fields and widgets."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                CheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                CheckedAutocompleteSelectMultiple(
                    db_field, self.admin_site, using=kwargs.get("using")
                ),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
