from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class CheckedLookupsChangeList(ChangeList):
    """Django's admin list, where a value out of range in the query string (a date drill-down
    to ?publish_at__year=9999, a 30-digit year in any date lookup, a 40-digit id in a related
    filter on SQLite) is a bad lookup, shown as the admin's "?e=1" list: Django lets these
    OverflowErrors and ValueErrors through as 500s.
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        # Year lookups turn into dates only when the query is compiled, here.
        try:
            return super().get_results(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error
