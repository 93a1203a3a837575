from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class CheckedDatesChangeList(ChangeList):
    """Django's admin list, where a date drill-down out of range (?publish_at__year=9999 or
    a 30-digit year) is a bad lookup, shown as the admin's "?e=1" list, instead of a 500:
    Django lets OverflowError and the year-10000 ValueError through."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error
