"""The seed site (the captured page the project was created from), as demo content."""

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

OFFICE = {"name": "IOM Beijing", "kind": "liaison", "country": "CN", "city": "Beijing"}

CONTACT = {
    "name": "Ellen Wong",
    "email": "ewong@iom.int",
    "phone": "+86 18501187152",
    "office": "IOM Beijing",
}

RELEASE = {
    "title": "Director General launches EU-China migration and mobility seminar in Beijing",
    "slug": "director-general-launches-eu-china-migration-and-mobility-seminar-beijing",
    "dateline_country": "CN",
    "countries": ["CN"],
    "tags": ["Migration governance", "Counter-trafficking", "European Union"],
    "summary": (
        "Migration flows between China and the European Union (EU) have been steadily "
        "increasing in recent years, with rising numbers of Chinese tourists, students and "
        "business people visiting EU Member States."
    ),
    "body": [
        (
            "p",
            "Migration flows between China and the European Union (EU) have been steadily "
            "increasing in recent years, with rising numbers of Chinese tourists, students and "
            "business people visiting EU Member States. Meanwhile, China is becoming an "
            "increasingly attractive country of destination for Europeans.",
        ),
        (
            "p",
            "In addition to this regular migration, the complexity of transnational human "
            "trafficking and migrant smuggling requires increased technical cooperation between "
            "the Chinese and European authorities. These issues were among those which will be "
            "discussed in Beijing this week at an EU-China Seminar on Mobility and Migration, "
            "hosted by IOM’s Liaison Office in China.",
        ),
        (
            "p",
            "Bringing together over 100 senior European and Chinese officials, the seminar "
            "provided an opportunity for in-depth dialogue between the EU Member States and "
            "Chinese authorities on migration issues.",
        ),
        (
            "blockquote",
            "At yesterday’s opening event, IOM Director General William Lacy Swing "
            "said that the seminar is “a very positive step towards technical "
            "cooperation between the EU and China, which will pave the way for "
            "enhanced dialogue between the two sides.”",
        ),
        (
            "blockquote",
            "Elvinas Jankevicius, Lithuania’s Vice Minister of Interior, representing "
            "the EU Presidency, said: “I have found this seminar very timely and hope "
            "it could lead us towards a closer dialogue on migration issues.”",
        ),
        (
            "blockquote",
            '"We would like to strengthen our cooperation with IOM and the EU, and '
            'want to encourage regular global mobility," said Zhang Ming, Assistant '
            "Minister at China’s Ministry of Foreign Affairs.",
        ),
        (
            "p",
            "The seminar is being held under the framework of IOM’s ongoing: “Capacity "
            "Building for Migration and Management in China” project, which has been funded by "
            "the European Commission since 2007.",
        ),
    ],
}
