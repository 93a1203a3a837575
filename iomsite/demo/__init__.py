"""The seed site (the captured page the project was created from), as demo content."""

from pathlib import Path

MENU = [
    {
        "title": "Who we are",
        "slug": "who-we-are",
        "summary": (
            "The International Organization for Migration (IOM) is part of the United Nations "
            "System as the leading inter-governmental organization promoting since 1951 humane "
            "and orderly migration for the benefit of all, with 175 member states and a presence "
            "in 171 countries."
        ),
        "children": [],
    },
    {
        "title": "Our Work",
        "slug": "our-work",
        "summary": (
            "As the leading inter-governmental organization promoting since 1951 humane and "
            "orderly migration, IOM plays a key role to support the achievement of the 2030 "
            "Agenda through different areas of intervention that connect both humanitarian "
            "assistance and sustainable development."
        ),
        "children": [
            {"title": "What We Do", "slug": "what-we-do"},
            {"title": "Partnerships", "slug": "partnerships"},
            {"title": "Highlights", "slug": "highlights"},
        ],
    },
    {"title": "Where we work", "slug": "where-we-work", "children": []},
    {
        "title": "Take Action",
        "slug": "take-action",
        "children": [
            {"title": "Work with us", "slug": "work-with-us"},
            {"title": "Get involved", "slug": "get-involved"},
        ],
    },
    {"title": "Data and Research", "slug": "data-and-research", "children": []},
    {"title": "2030 Agenda", "slug": "2030-agenda", "children": []},
]

# The seed's press release, exactly as captured; load_demo imports it like any old release.
SEED_RELEASE = Path(__file__).with_name("seed_release.txt")
# Its French version, written for the demo as a French capture that names its original.
SEED_RELEASE_FRENCH = Path(__file__).with_name("seed_release.fr.txt")
SEED_RELEASE_TAGS = ["Migration governance", "Counter-trafficking", "European Union"]

OFFICES = [
    {"name": "IOM Headquarters", "kind": "headquarters", "country": "CH", "city": "Geneva"},
    {"name": "IOM Beijing", "kind": "liaison", "country": "CN", "city": "Beijing"},
]
# Member state since: China joined in 2016, Switzerland is a founding member.
MEMBERS = {"CN": 2016, "CH": 1951}
