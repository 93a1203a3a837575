"""Tests of the pure capture parser; plain pytest, no database."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from news.captures import (
    _STOP_WORD_LANGUAGES,
    _STOP_WORDS,
    Block,
    CaptureError,
    ParsedContact,
    ParsedRelease,
    country_code_for_place,
    is_quotation,
    parse_capture,
    parse_date,
)

CAPTURES = Path(__file__).resolve().parent / "captures"
REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_SEED = REPO_ROOT.parent / "shared" / "seeds" / "000_8879b2f42bfd0150.txt"
SEED_COPY = REPO_ROOT / "iomsite" / "demo" / "seed_release.txt"  # what load_demo imports

SEED_PARAGRAPH_STARTS = [
    ("p", "Migration flows between China and the European Union (EU)"),
    ("p", "In addition to this regular migration,"),
    ("p", "Bringing together over 100 senior European and Chinese officials,"),
    ("blockquote", "At yesterday’s opening event, IOM Director General William Lacy Swing"),
    ("blockquote", "Elvinas Jankevicius, Lithuania’s Vice Minister of Interior,"),
    ("blockquote", '"We would like to strengthen our cooperation with IOM and the EU,'),
    ("p", "The seminar is being held under the framework of IOM’s ongoing:"),
]


def parse_fixture(name: str) -> ParsedRelease:
    path = SEED_COPY if name == "seed" else CAPTURES / name
    return parse_capture(path.read_bytes(), path.name)


def assert_seed(release: ParsedRelease) -> None:
    assert release.title == (
        "Director General launches EU-China migration and mobility seminar in Beijing"
    )
    assert release.dateline == "China"
    assert release.country_code == "CN"
    assert len(release.blocks) == len(SEED_PARAGRAPH_STARTS)
    for block, (kind, start) in zip(release.blocks, SEED_PARAGRAPH_STARTS, strict=True):
        assert (block.kind, block.text[: len(start)]) == (kind, start)
    assert release.blocks[-1].text.endswith("funded by the European Commission since 2007.")
    for menu_text in ("WHO WE ARE", "Take Action", "Data and Research", "For more information"):
        assert menu_text not in release.body_html
    assert release.language == "en"
    assert release.published_at is None
    assert release.tags == []
    assert release.contacts == [
        ParsedContact(
            name="Ellen Wong", office="IOM Beijing", email="ewong@iom.int", phone="+8618501187152"
        )
    ]
    assert release.warnings == []


def test_seed_copy_in_the_repository():
    assert_seed(parse_fixture("seed"))


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="shared seeds are not next to the repo")
def test_seed_in_shared_folder_matches_the_copy():
    assert SHARED_SEED.read_bytes() == SEED_COPY.read_bytes()
    assert_seed(parse_capture(SHARED_SEED.read_bytes(), SHARED_SEED.name))


def test_seed_summary_and_body_html():
    release = parse_fixture("seed")
    assert release.summary == release.blocks[0].text  # 295 characters: no trimming needed
    assert release.body_html.startswith("<p>Migration flows between China")
    assert (
        '<blockquote><p>"We would like to strengthen our cooperation with IOM and the EU, and '
        'want to encourage regular global mobility," said Zhang Ming, Assistant Minister at '
        "China’s Ministry of Foreign Affairs.</p></blockquote>"
    ) in release.body_html
    assert release.body_html.count("<blockquote>") == 3


def test_en_dash_city_and_country_dateline_with_metadata_and_one_line_contacts():
    release = parse_fixture("bangladesh_endash.txt")
    assert release.title == "IOM Scales Up Monsoon Preparedness for Rohingya Refugees"
    assert release.dateline == "Cox's Bazar, Bangladesh"
    assert release.country_code == "BD"
    assert release.published_at == datetime(2019, 7, 12, tzinfo=UTC)
    assert release.tags == [
        "Rohingya Crisis",
        "Humanitarian Emergencies",
        "Disaster Risk Reduction",
    ]
    assert [block.kind for block in release.blocks] == ["p", "p", "blockquote", "p"]
    assert release.blocks[0].text.startswith("IOM teams are working around the clock")
    assert "Date Publish" not in release.body_html
    assert "WHO WE ARE" not in release.body_html
    assert release.contacts == [
        ParsedContact(
            name="Ellen Wong", office="IOM Beijing", email="ewong@iom.int", phone="+8618501187152"
        ),
        ParsedContact(
            name="Joe Lowry",
            office="IOM Geneva",
            email="jlowry@iom.int",
            phone="+41227179435",
            mobile="+41791030342",
        ),
    ]
    assert release.warnings == []


def test_french_release():
    release = parse_fixture("senegal_fr.txt")
    assert release.title == (
        "L’OIM lance une campagne de sensibilisation sur la migration irrégulière au Sénégal"
    )
    assert release.dateline == "Sénégal"
    assert release.country_code == "SN"
    assert release.language == "fr"
    assert release.published_at == datetime(2019, 7, 12, tzinfo=UTC)
    assert release.tags == ["Migration irrégulière", "Retour et réintégration"]
    assert [block.kind for block in release.blocks] == ["p", "p", "blockquote", "p"]
    assert release.blocks[2].text.startswith("« Nous voulons que chaque jeune")
    # The local number is read with the dateline country as region.
    assert release.contacts == [
        ParsedContact(
            name="Aïssatou Sy",
            job_title="Chargée de communication",
            office="OIM Dakar",
            email="asy@iom.int",
            phone="+221338696200",
            mobile="+221771234567",
        )
    ]
    assert release.warnings == []


def test_spanish_release_with_a_city_dateline():
    release = parse_fixture("guatemala_es.txt")
    assert release.title == "La OIM apoya la reintegración de migrantes retornados en Guatemala"
    assert release.dateline == "Ciudad de Guatemala"
    assert release.country_code == "GT"  # by the gazetteer's other names for Guatemala City
    assert release.language == "es"
    assert release.published_at == datetime(2019, 7, 12, tzinfo=UTC)
    assert release.tags == ["Retorno", "Reintegración"]
    assert [block.kind for block in release.blocks] == ["p", "p", "blockquote"]
    assert release.contacts == [
        ParsedContact(
            name="Alba Morales",
            job_title="Oficial de Comunicación",
            office="OIM Guatemala",
            email="amorales@iom.int",
            mobile="+50255551234",
        )
    ]
    assert release.warnings == []


def test_contacts_over_several_lines_separated_by_or_and_date_in_dateline():
    release = parse_fixture("geneva_multiline.txt")
    assert release.title == "Missing Migrants Project Records Deadliest Year in the Mediterranean"
    assert release.dateline == "GENEVA"
    assert release.country_code is None
    assert release.published_at == datetime(2019, 3, 12, tzinfo=UTC)
    assert release.blocks[0].text.startswith("At least 2,275 people died or went missing")
    assert release.contacts == [
        ParsedContact(
            name="Julia Black",
            office="Missing Migrants Project",
            email="jblack@iom.int",
            phone="+493027877822",
        ),
        ParsedContact(
            name="Leonard Doyle", job_title="Spokesperson", phone="9435", mobile="+41792857123"
        ),
    ]
    assert release.warnings == [
        'Dateline "GENEVA" is a city in several countries (CH, US); no country set',
        "Phone number kept as written for Leonard Doyle: 9435",
    ]


def test_html_article_ignores_page_chrome():
    release = parse_fixture("article.html")
    assert release.title == "Haiti: IOM Relocates Families Displaced by Floods"
    assert release.dateline == "Port-au-Prince, Haiti"
    assert release.country_code == "HT"
    assert release.language == "en"
    assert release.published_at == datetime(2019, 7, 12, 12, 30, tzinfo=UTC)
    assert release.tags == ["Haiti", "Displacement", "Shelter"]
    assert release.blocks == [
        Block("p", "IOM has relocated 1,200 families displaced by floods to safer transitional "
                   "shelters."),
        Block("blockquote", "“These families lost everything; they now have a safe roof again.”"),
        Block("p", "The operation is supported by the Central Emergency Response Fund & local "
                   "partners."),
    ]  # fmt: skip
    assert "Central Emergency Response Fund &amp; local partners" in release.body_html
    assert release.contacts == [
        ParsedContact(
            name="Marie Dupont", office="IOM Haiti", email="mdupont@iom.int", phone="+50928110000"
        )
    ]
    assert release.warnings == []


def test_html_end_marker_ends_the_body_but_not_the_contacts_after_it():
    page = (CAPTURES / "article.html").read_text()
    page = page.replace(
        "<aside>",
        "<p><strong>- ENDS -</strong></p><p>Notes to editors: IOM works in 171 countries.</p>"
        "<p>Language: French</p><aside>",
    )
    release = parse_capture(page.encode(), "article.html")
    assert len(release.blocks) == 3
    assert release.blocks[-1].text.startswith("The operation is supported by")
    assert release.language == "fr"  # metadata is read after the end too
    assert [contact.email for contact in release.contacts] == ["mdupont@iom.int"]


def test_html_title_falls_back_to_og_title_then_page_title():
    page = "<html><head><title>{title}</title>{og}</head><body><p>{body}</p></body></html>"
    body = "Geneva – IOM welcomes the new report."
    with_og = page.format(title="T | IOM", og='<meta property="og:title" content="OG">', body=body)
    assert parse_capture(with_og.encode(), "page.html").title == "OG"
    without_og = page.format(title="Report Published | IOM Site", og="", body=body)
    assert parse_capture(without_og.encode(), "page.html").title == "Report Published"


def test_html_is_sniffed_when_the_extension_says_nothing():
    page = b"<!DOCTYPE html><html lang='fr'><body><h1>Titre</h1><p>Chine - Texte.</p></body></html>"
    release = parse_capture(page, "capture")
    assert (release.title, release.dateline, release.country_code) == ("Titre", "Chine", "CN")
    assert release.language == "fr"


def test_capture_without_dateline_finds_the_headline_after_the_menu():
    release = parse_fixture("no_dateline.txt")
    assert release.title == "World Migration Report 2020 Now Available Online"
    assert release.dateline == ""
    assert release.country_code is None
    assert [block.text[:30] for block in release.blocks] == [
        "The World Migration Report 202",
        "It is available in English, wi",
    ]
    assert release.contacts == [
        ParsedContact(
            name="Paul Dillon", office="IOM Geneva", email="pdillon@iom.int", phone="+41227179111"
        )
    ]
    assert release.warnings == ["no dateline"]


def test_title_metadata_line_is_used_without_dateline():
    capture = "Title: Statement on World Refugee Day\nIOM stands with refugees everywhere today.\n"
    release = parse_capture(capture.encode(), "statement.txt")
    assert release.title == "Statement on World Refugee Day"
    assert release.blocks == [Block("p", "IOM stands with refugees everywhere today.")]
    assert release.warnings == ["no dateline", "no contacts"]


def test_cp1252_capture():
    release = parse_fixture("turkiye_cp1252.txt")
    assert release.title == "Türkiye Hosts Regional Meeting on “Safe Migration”"
    assert release.dateline == "Türkiye"
    assert release.country_code == "TR"
    assert release.contacts == [
        ParsedContact(
            name="Lale Özdemir",
            office="IOM Ankara",
            email="lozdemir@iom.int",
            phone="+903124543000",
        )
    ]


def test_headline_shown_twice_above_the_dateline():
    capture = "- Newsroom\nA Headline Here\nA Headline Here\nChina - Text.\n"
    release = parse_capture(capture.encode(), "doubled.txt")
    assert release.title == "A Headline Here"
    assert release.blocks == [Block("p", "Text.")]


def test_utf8_bom_is_removed():
    release = parse_capture("\ufeffA Headline Here\nChina - Text.".encode(), "bom.txt")
    assert release.title == "A Headline Here"


def test_empty_file():
    with pytest.raises(CaptureError, match="^empty file$"):
        parse_fixture("empty.txt")
    with pytest.raises(CaptureError, match="^empty file$"):
        parse_capture(b"", "nothing.txt")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        bytes(range(1, 32)) * 20,
    ],
)
def test_binary_file(data):
    with pytest.raises(CaptureError, match="^binary file$"):
        parse_capture(data, "photo.txt")


def test_no_title():
    with pytest.raises(CaptureError, match="^no title found$"):
        parse_capture(b"China - Text without any headline.", "untitled.txt")


def test_summary_is_trimmed_on_a_word_boundary():
    release = ParsedRelease(
        title="T",
        dateline="",
        country_code=None,
        blocks=[Block("p", "word " * 100)],
        language="en",
        published_at=None,
    )
    assert len(release.summary) <= 300
    assert release.summary.endswith("word…")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“Quoted from the start,” she said.", True),
        ('He said: "a long quotation that is most of the paragraph".', True),
        ("The «Capacity Building» project was funded by the European Commission.", False),
        ("No quotation at all.", False),
    ],
)
def test_quotation_rule(text, expected):
    assert is_quotation(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-07-12", datetime(2019, 7, 12, tzinfo=UTC)),
        ("2019-07-12T10:00:00+02:00", datetime(2019, 7, 12, 8, tzinfo=UTC)),
        ("12 July 2019", datetime(2019, 7, 12, tzinfo=UTC)),
        ("Friday, 12 July 2019", datetime(2019, 7, 12, tzinfo=UTC)),
        ("July 12, 2019", datetime(2019, 7, 12, tzinfo=UTC)),
        ("1er août 2019", datetime(2019, 8, 1, tzinfo=UTC)),
        ("12 de julio de 2019", datetime(2019, 7, 12, tzinfo=UTC)),
        ("25/12/2019", datetime(2019, 12, 25, tzinfo=UTC)),
        ("07/12/2019", None),  # ambiguous day and month
        ("31 February 2019", None),
        ("someday", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_unrecognised_date_is_a_warning():
    capture = "A Headline Here\nDate: soon\nChina - Text."
    release = parse_capture(capture.encode(), "x.txt")
    assert release.published_at is None
    assert "Unrecognised date: soon" in release.warnings


@pytest.mark.parametrize(
    ("place", "code"),
    [
        ("China", "CN"),
        ("CHINA", "CN"),
        ("People's Republic of China", "CN"),
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("DRC", "CD"),
        ("Democratic Republic of the Congo", "CD"),
        ("UK", "GB"),
        ("USA", "US"),
        ("Côte d'Ivoire", "CI"),
        ("Cote d’Ivoire", "CI"),
        ("Ivory Coast", "CI"),
        ("Republic of Korea", "KR"),
        ("Bolivia", "BO"),
        ("St. Lucia", "LC"),
        ("The Netherlands", "NL"),
        ("Chine", "CN"),
        ("Sénégal", "SN"),
        ("Senegal", "SN"),
        ("Royaume-Uni", "GB"),
        ("République démocratique du Congo", "CD"),
        ("Marruecos", "MA"),
        ("Suiza", "CH"),
        ("Estados Unidos", "US"),
        ("Cox's Bazar, Bangladesh", "BD"),
        ("Cox's Bazar", None),
        ("Geneva", None),
        ("Korea", None),  # ambiguous
        ("Atlantis", None),
    ],
)
def test_country_code_for_place(place, code):
    assert country_code_for_place(place) == code


@pytest.mark.parametrize(
    ("heading", "language"),
    [
        ("For more information, please contact", "en"),
        ("FOR FURTHER INFORMATION PLEASE CONTACT:", "en"),
        ("Pour plus d'informations, veuillez contacter :", "fr"),
        ("Pour plus d’informations, contactez", "fr"),
        ("Para más información, por favor contacte", "es"),
        ("Para más información, contactar a:", "es"),
    ],
)
def test_contacts_headings(heading, language):
    capture = f"A Headline Here\nChina - Text.\n{heading}\nEllen Wong\nEmail: ewong@iom.int"
    release = parse_capture(capture.encode(), "x.txt")
    assert release.blocks == [Block("p", "Text.")]
    assert release.language == language  # too few words to judge from the body
    assert release.contacts == [ParsedContact(name="Ellen Wong", email="ewong@iom.int")]


def test_french_city_dateline_and_contacts_joined_by_ou():
    capture = (
        "L’OIM ouvre un centre à Dakar\n"
        "Dakar – L’OIM a ouvert un centre pour les migrants de retour dans la capitale.\n"
        "Pour plus d’informations, contactez\n"
        "Aïssatou Sy, OIM Dakar, Tél. : +221 33 869 62 00, Courriel : asy@iom.int\n"
        "ou\n"
        "Florence Kim, Porte-parole, Tél: +221 78 620 62 13"
    )
    release = parse_capture(capture.encode(), "dakar.txt")
    assert (release.dateline, release.country_code, release.language) == ("Dakar", "SN", "fr")
    assert release.contacts == [
        ParsedContact(
            name="Aïssatou Sy", office="OIM Dakar", email="asy@iom.int", phone="+221338696200"
        ),
        ParsedContact(name="Florence Kim", job_title="Porte-parole", phone="+221786206213"),
    ]
    assert release.warnings == []


@pytest.mark.parametrize(
    "line",
    [
        "Ellen Wong IOM Beijing Tel: +86 185 0118 7152 Email: ewong@iom.int",
        "Ellen Wong at IOM Beijing; E-mail: EWONG@IOM.INT; Tel.: +86 185 0118 7152",
        "Ellen Wong, IOM Beijing, +86 185 0118 7152, ewong@iom.int",
    ],
)
def test_one_line_contact_variants(line):
    capture = f"A Headline Here\nChina - Text.\nFor more information, please contact {line}"
    release = parse_capture(capture.encode(), "x.txt")
    assert release.contacts == [
        ParsedContact(
            name="Ellen Wong", office="IOM Beijing", email="ewong@iom.int", phone="+8618501187152"
        )
    ]


def test_trailing_page_text_after_the_contacts_is_not_a_contact():
    capture = (
        "A Headline Here\nChina - Text.\nFor more information, please contact\n"
        "Ellen Wong\nEmail: ewong@iom.int\nDownload Photos\n"
        "Share this story with your friends and colleagues on social media and by email today"
    )
    release = parse_capture(capture.encode(), "x.txt")
    assert release.contacts == [ParsedContact(name="Ellen Wong", email="ewong@iom.int")]
    assert release.warnings == [
        "Ignored line in contacts: Share this story with your friends and colleagues on…",
        "Incomplete contact skipped: Download Photos",
    ]


def test_no_stop_word_counts_for_two_languages():
    assert len(_STOP_WORD_LANGUAGES) == sum(len(words) for words in _STOP_WORDS.values())
