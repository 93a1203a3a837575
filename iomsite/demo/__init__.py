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
        "fr": {
            "title": "Qui sommes-nous",
            "summary": (
                "L’Organisation internationale pour les migrations (OIM) fait partie du système "
                "des Nations Unies ; elle est la principale organisation intergouvernementale "
                "qui promeut depuis 1951 des migrations humaines et ordonnées dans l’intérêt de "
                "tous, avec 175 États membres et une présence dans 171 pays."
            ),
        },
        "es": {
            "title": "Quiénes somos",
            "summary": (
                "La Organización Internacional para las Migraciones (OIM) forma parte del "
                "Sistema de las Naciones Unidas como la principal organización "
                "intergubernamental que promueve desde 1951 una migración humana y ordenada en "
                "beneficio de todos, con 175 Estados Miembros y presencia en 171 países."
            ),
        },
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
        "fr": {
            "title": "Notre action",
            "summary": (
                "Principale organisation intergouvernementale promouvant depuis 1951 des "
                "migrations humaines et ordonnées, l’OIM joue un rôle clé dans la réalisation "
                "du Programme 2030 par différents domaines d’intervention qui relient "
                "l’assistance humanitaire et le développement durable."
            ),
        },
        "es": {
            "title": "Nuestro trabajo",
            "summary": (
                "Como principal organización intergubernamental que promueve desde 1951 una "
                "migración humana y ordenada, la OIM desempeña un papel clave en el logro de la "
                "Agenda 2030 mediante distintas esferas de intervención que vinculan la "
                "asistencia humanitaria y el desarrollo sostenible."
            ),
        },
        "children": [
            {
                "title": "What We Do",
                "slug": "what-we-do",
                "fr": {"title": "Ce que nous faisons"},
                "es": {"title": "Lo que hacemos"},
            },
            {
                "title": "Partnerships",
                "slug": "partnerships",
                "fr": {"title": "Partenariats"},
                "es": {"title": "Alianzas"},
            },
            {
                "title": "Highlights",
                "slug": "highlights",
                "fr": {"title": "Temps forts"},
                "es": {"title": "Destacados"},
            },
        ],
    },
    {
        "title": "Where we work",
        "slug": "where-we-work",
        "fr": {"title": "Où nous travaillons"},
        "es": {"title": "Dónde trabajamos"},
        "children": [],
    },
    {
        "title": "Take Action",
        "slug": "take-action",
        "fr": {"title": "Agir"},
        "es": {"title": "Actúe"},
        "children": [
            {
                "title": "Work with us",
                "slug": "work-with-us",
                "fr": {"title": "Travailler avec nous"},
                "es": {"title": "Trabaje con nosotros"},
            },
            {
                "title": "Get involved",
                "slug": "get-involved",
                "fr": {"title": "S’engager"},
                "es": {"title": "Participe"},
            },
        ],
    },
    {
        "title": "Data and Research",
        "slug": "data-and-research",
        "fr": {"title": "Données et recherche"},
        "es": {"title": "Datos e investigación"},
        "children": [],
    },
    {
        "title": "2030 Agenda",
        "slug": "2030-agenda",
        "fr": {"title": "Programme 2030"},
        "es": {"title": "Agenda 2030"},
        "children": [],
    },
]
# The menu pages' French and Spanish versions above are the project's translations of the
# seed's English text.

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
