from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


class PublishableAdminForm(forms.ModelForm):
    """The admin form of pages and releases. It refuses two things whatever the browser sent:
    saving over changes someone else saved since the form was opened, and changing
    publishing fields the user may not change (`locked_fields`, set by the admin)."""

    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)
    locked_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.updated_at:
            self.fields["opened_version"].initial = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned_data = super().clean()
        self._refuse_locked_fields()
        self._refuse_stale_edit()
        return cleaned_data

    def _refuse_locked_fields(self):
        # Locked fields are read-only in the form, so a browser never sends them.
        forged = [
            name
            for name in self.locked_fields
            if any(key == name or key.startswith(f"{name}_") for key in self.data)
        ]
        if forged:
            raise ValidationError(
                _(
                    "You may not change %(fields)s: publishing, unpublishing and scheduling "
                    "need the publisher role. Nothing was saved."
                )
                % {"fields": ", ".join(forged)},
                code="publish_permission",
            )

    def _refuse_stale_edit(self):
        opened = self.cleaned_data.get("opened_version")
        if not (self.instance.pk and opened):
            return
        model = type(self.instance)
        # Locked until this save ends, so two saves cannot both pass the check.
        saved = (
            model._default_manager.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        if saved is None or saved.isoformat() == opened:
            return
        raise ValidationError(
            _(
                "Someone else saved this %(kind)s at %(time)s since you opened it; copy your "
                "changes, reload, and apply them again."
            )
            % {
                "kind": model._meta.verbose_name,
                "time": timezone.localtime(saved).strftime("%H:%M %Z"),
            },
            code="stale",
        )
