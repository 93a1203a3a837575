"""Every ISO 3166 country from pycountry, grouped in regions by their time zones' continents
(CLDR data shipped with babel). Editors rename and regroup them in the admin."""

import pycountry
from babel.core import get_global
from django.db import migrations
from django.utils.text import slugify

# Time-zone continent -> (region, order); listed from the least to the most preferred.
REGIONS = {
    "Antarctica": ("Antarctica", 5),
    "Atlantic": ("Europe", 4),
    "Indian": ("Asia and the Pacific", 3),
    "Pacific": ("Asia and the Pacific", 3),
    "Australia": ("Asia and the Pacific", 3),
    "Africa": ("Africa", 1),
    "Asia": ("Asia and the Pacific", 3),
    "America": ("Americas", 2),
    "Europe": ("Europe", 4),
}


def country_name(country):
    """"Viet Nam" -> "Vietnam", "Congo, The Democratic Republic of the" -> the official name."""
    if hasattr(country, "common_name"):
        return country.common_name
    if ", " in country.name and hasattr(country, "official_name"):
        return country.official_name.removeprefix("the ")
    return country.name


# Ties go to the first of these, e.g. Spain (Madrid, Canary Islands, Ceuta) to Europe.
CONTINENT_PREFERENCE = list(REGIONS)
# Russia has more time zones in Asia, but the organization counts it in Europe.
OVERRIDES = {"RU": "Europe"}


def continent_by_country():
    """The continent most of a country's time zones are in."""
    zones_by_country = {}
    for zone, territory in get_global("zone_territories").items():
        continent = zone.split("/")[0]
        if continent in REGIONS:
            zones_by_country.setdefault(territory, []).append(continent)
    continents = {
        code: max(set(zones), key=lambda c: (zones.count(c), CONTINENT_PREFERENCE.index(c)))
        for code, zones in zones_by_country.items()
    }
    return continents | OVERRIDES


def load_countries(apps, schema_editor):
    Region = apps.get_model("contacts", "Region")
    Country = apps.get_model("contacts", "Country")
    regions = {}
    for name, order in set(REGIONS.values()):
        regions[name] = Region.objects.get_or_create(
            name=name, defaults={"slug": slugify(name), "sort_order": order}
        )[0]
    continents = continent_by_country()
    existing = set(Country.objects.values_list("code", flat=True))
    Country.objects.bulk_create(
        Country(
            code=country.alpha_2,
            name=country_name(country),
            slug=slugify(country_name(country)),
            region=regions[REGIONS[continents[country.alpha_2]][0]]
            if country.alpha_2 in continents
            else None,
        )
        for country in pycountry.countries
        if country.alpha_2 not in existing
    )


def unload_countries(apps, schema_editor):
    """Remove what load_countries added; records still pointing at a country stop it (PROTECT)."""
    Country = apps.get_model("contacts", "Country")
    Region = apps.get_model("contacts", "Region")
    Country.objects.filter(code__in=[country.alpha_2 for country in pycountry.countries]).delete()
    Region.objects.filter(name__in={name for name, _ in REGIONS.values()}, countries=None).delete()


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_initial")]

    operations = [migrations.RunPython(load_countries, unload_countries)]
