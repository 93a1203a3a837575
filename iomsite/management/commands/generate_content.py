"""Large synthetic content for benchmarks and load tests, made in bulk and in chunks.

Everything it makes is marked so it is never confused with real content: slugs start
with `synthetic-`, releases carry the `synthetic` tag, contacts write from
`@synthetic.invalid`, offices and images are named "Synthetic …", and pages sit under
an unlisted `/synthetic-pages/` section. `--delete` removes exactly that.
"""

import random
from array import array
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from io import BytesIO

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw
from taggit.models import Tag, TaggedItem

from contacts.models import Country, Office, PressContact
from news.models import Release, ReleaseContact, search_documents_written_once
from pages.models import Image, Page
from pages.publishing import Status

SYNTHETIC = "synthetic"
SLUG_PREFIX = "synthetic-"
EMAIL_DOMAIN = "synthetic.invalid"
PAGES_SECTION = "synthetic-pages"
BATCH_SIZE = 2000
YEARS = 10

TOPICS = [
    "Labour migration", "Climate and environment", "Displacement", "Health", "Return and "
    "reintegration", "Counter-trafficking", "Emergency response", "Data and research",
    "Migrant protection", "Border management", "Remittances", "Diaspora", "Integration",
    "Resettlement", "Shelter", "Water and sanitation", "Mental health", "Gender",
    "Children on the move", "Missing migrants", "Regular pathways", "Skills", "Peacebuilding",
    "Disaster risk reduction", "Urban migration", "Legal identity", "Family reunification",
    "Cash assistance", "Camp coordination", "Livelihoods",
]  # fmt: skip
KINDS = [
    (Release.Kind.PRESS_RELEASE, 45),
    (Release.Kind.NEWS, 25),
    (Release.Kind.STORY, 15),
    (Release.Kind.STATEMENT, 10),
    (Release.Kind.BRIEFING_NOTE, 5),
]
LANGUAGES = [("en", 80), ("fr", 12), ("es", 8)]
# Of the French and Spanish releases, this share are versions of an English one (the rest are
# originals), as briefing notes go out in all three languages.
TRANSLATED_SHARE = 0.5
# The text: words drawn by Zipf's law, the n-th most frequent word about 1/n as often as the
# first, as in real archives, where a few words are in most releases and most words in few.
# Each language ranks its common words first, then words made of its syllables, as many as a
# real archive's vocabulary grows with its size: rare words exist at 10,000 releases as at a
# million. Place and person names are drawn the same way. The organization's own words come
# first: they are in nearly every release, as in its real archive.
COMMON_WORDS = {
    "en": """migrants assistance families the of and to in a for on with by is that as from
    at are has have will be migration people displaced support health communities
    government partners response emergency humanitarian children women return border
    displacement protection shelter programme country region local national water food
    services funding data workers labour climate floods drought crisis camps host refugees
    international organization director general mission office staff teams access safe
    regular pathways integration dialogue training officials capacity reintegration
    trafficking victims health care clinics vaccination disease outbreak cholera rainy
    season earthquake storm cyclone recovery livelihoods cash transfers remittances
    diaspora youth skills employment policy governance cooperation plan appeal donors
    million thousand year month week new first last more most many other""".split(),
    "fr": """le la les de des du et en un une pour sur avec par dans est sont a ont au aux
    migrants migration personnes déplacées familles assistance soutien santé communautés
    gouvernement partenaires réponse urgence humanitaire enfants femmes retour frontière
    frontières déplacement protection abri programme pays région local national eau
    nourriture services financement travailleurs climat inondations sécheresse crise
    camps réfugiés organisation internationale directeur mission bureau équipes accès
    dialogue formation réintégration traite victimes soins vaccination maladie choléra
    saison séisme reconstruction moyens subsistance transferts jeunes emploi politique
    coopération plan appel donateurs million mille année mois nouveau premier""".split(),
    "es": """el la los las de del y en un una para con por es son ha han al se que
    migrantes migración personas desplazadas familias asistencia apoyo salud comunidades
    gobierno socios respuesta emergencia humanitaria niños mujeres retorno frontera
    fronteras desplazamiento protección refugio programa país región local nacional agua
    alimentos servicios financiación trabajadores clima inundaciones sequía crisis
    campamentos refugiados organización internacional director misión oficina equipos
    acceso diálogo capacitación reintegración trata víctimas atención vacunación
    enfermedad cólera temporada terremoto recuperación medios vida transferencias
    jóvenes empleo política cooperación plan llamamiento donantes millón mil año mes""".split(),
}
SYLLABLES = {
    "en": "ba be bi bo da de di do fa fe fi ga go ha he ka ke ki ko la le li lo lu ma me mi "
    "mo mu na ne ni no pa pe pi po ra re ri ro ru sa se si so ta te ti to tu va ve vi wa "
    "wi ya zo",
    "fr": "ba be bi bo ca ce ci co da de di do fa fe fi ga ge gi la le li lo lu ma me mi mo "
    "na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi vo cha che chi "
    "ou eau",
    "es": "ba be bi bo ca ce ci co da de di do fa fe fi ga ge go ja je jo la le li lo lu "
    "ma me mi mo na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi ña "
    "llo rra",
}
ENDINGS = {
    "en": ["", "s", "ed", "ing", "er", "tion", "ment", "ness", "ity", "al"],
    "fr": ["", "s", "é", "er", "ement", "eur", "ité", "ique", "ais", "tion"],
    "es": ["", "s", "o", "a", "ado", "ción", "idad", "mente", "ero", "al"],
}
# Words per release drawn for each part; each language's vocabulary grows with the archive.
WORDS_PER_RELEASE_VOCABULARY = 20
TITLE_WORDS = (4, 9)
SENTENCE_WORDS = (8, 20)
FIRST_NAMES = [
    "Amina", "Ellen", "Joe", "Mohammed", "Safa", "Paul", "Yuki", "Olga", "Carlos", "Fatou",
    "Priya", "Jorge", "Leila", "Tomás", "Grace", "Ivan", "Aisha", "Lucas", "Mei", "Kwame",
    "Nadia", "Omar", "Sofía", "Jean", "Marie", "Ahmed", "Ana", "Pierre", "Lucía", "Tariq",
]  # fmt: skip
LAST_NAMES = [
    "Wong", "Millman", "Nero", "Ali", "Diallo", "Silva", "Kim", "Petrova", "Mensah", "Haddad",
    "Garcia", "Okafor", "Rossi", "Nguyen", "Kaur", "Schmidt", "Tanaka", "Mwangi", "Haque",
]  # fmt: skip
JOB_TITLES = [
    "Media and Communications Officer", "Spokesperson", "Senior Communications Officer",
    "Public Information Officer", "Regional Media Officer",
]  # fmt: skip
PAGE_TOPICS = [
    "Our approach", "Programmes", "Partnerships", "Funding", "Publications", "Careers",
    "Governance", "Projects", "Events", "Campaigns", "Research", "Field offices",
]  # fmt: skip
IMAGE_COLOURS = [
    ((12, 61, 122), (98, 167, 222)), ((158, 70, 36), (243, 196, 120)),
    ((25, 95, 60), (150, 210, 140)), ((70, 40, 110), (200, 160, 220)),
    ((90, 90, 90), (220, 220, 210)), ((120, 20, 40), (240, 140, 120)),
]  # fmt: skip


class Vocabulary:
    """The words of one language by rank, drawn by Zipf's law over `size` ranks: its common
    words first, then words of two or more of its syllables with one of its endings, shorter
    ones more frequent. Made on demand, the most frequent kept: there are millions."""

    KEPT = 100_000

    def __init__(self, common, syllables, endings, size, capitalized=False):
        self.common, self.syllables, self.endings = common, syllables.split(), endings
        self.size, self.capitalized = size, capitalized
        self.kept = [self.word(rank) for rank in range(min(size, self.KEPT))]

    def word(self, rank):
        if rank < len(self.common):
            return self.common[rank]
        rank -= len(self.common)
        rank, ending = divmod(rank, len(self.endings))
        parts = []
        rank += len(self.syllables)  # two syllables at least
        while rank:
            rank, syllable = divmod(rank, len(self.syllables))
            parts.append(self.syllables[syllable])
        word = "".join(parts) + self.endings[ending]
        return word.capitalize() if self.capitalized else word

    def draw(self, rng, count):
        """`count` words: rank r with a probability about 1/r (size ** uniform is such a rank)."""
        words, kept, size, random = [], self.kept, self.size, rng.random
        for _ in range(count):
            rank = int(size ** random()) - 1
            words.append(kept[rank] if rank < len(kept) else self.word(rank))
        return words


def weighted(rng, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights)[0]


def insert_rows(model, columns, rows):
    """Many-to-many and tag links in multi-row INSERTs: there are several per release, and
    building a model instance for each costs more than the insert itself."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per_statement = 900 // len(columns)  # SQLite allows 999 parameters a statement
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([placeholders] * len(chunk))}",
                [value for row in chunk for value in row],
            )


# The tables whose GIN indexes (words, adjacent words, title trigrams) a batch writes to.
INDEXED_TABLES = ["news_release", "news_searchdocument", "news_titleword"]
MERGE_PENDING_ENTRIES = """
SELECT gin_clean_pending_list(pg_index.indexrelid) FROM pg_index
JOIN pg_class ON pg_class.oid = pg_index.indexrelid JOIN pg_am ON pg_am.oid = pg_class.relam
WHERE pg_am.amname = 'gin' AND pg_index.indrelid = ANY(%s::regclass[])
"""


# Batches whose GIN index entries wait in the pending lists before they are merged.
MERGE_EVERY = 5


@contextmanager
def index_entries_merged_in_bulk():
    """Yields merge(): until it is called, the GIN index entries of the releases written
    wait in the indexes' pending lists, which hold many batches, and it merges them into the
    indexes in one sorted pass (with as much memory as it needs: gin_clean_pending_list()
    sorts in maintenance_work_mem). At a million releases a batch takes 4 s and a merge of
    five about 20 s; 30,000 releases onto 100,000 took 112.6 s merged every batch, 91.2 s
    every five. A merge runs on a connection of its own, in a thread, while the next batches
    are written: the database works on both at once, on a machine's two cores (a call while
    one runs is left to the next). What is pending at the end is merged: every search would
    read it."""
    if connection.vendor != "postgresql":
        yield lambda: None
        return
    with connection.cursor() as cursor:
        cursor.execute("SET gin_pending_list_limit = '2GB'")
    running = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="merge") as merger:

        def merge():
            nonlocal running
            if running is None or running.done():
                if running is not None:
                    running.result()  # its error, if it failed
                running = merger.submit(merge_pending_entries)

        try:
            yield merge
        finally:
            if running is not None:
                running.result()
            merger.submit(merge_pending_entries).result()
            with connection.cursor() as cursor:
                cursor.execute("RESET gin_pending_list_limit")


def merge_pending_entries():
    """Merge the pending lists of INDEXED_TABLES' GIN indexes, on this thread's connection,
    closed after: a merge runs beside the connection that writes."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute(MERGE_PENDING_ENTRIES, [INDEXED_TABLES])
    finally:
        connection.close()


def batches(total, size=BATCH_SIZE):
    for start in range(0, total, size):
        yield start, min(size, total - start)


class Command(BaseCommand):
    help = "Make large synthetic content (marked `synthetic`) in bulk for benchmarks; "
    help += "--delete removes it and nothing else."

    def add_arguments(self, parser):
        parser.add_argument("--releases", type=int, default=1000, help="How many releases.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same content.")
        parser.add_argument("--pages", type=int, help="Default: one per 500 releases, 10 at least.")
        parser.add_argument("--contacts", type=int, help="Default: one per 500 releases, 5+.")
        parser.add_argument("--images", type=int, default=6, help="Generated images, reused.")
        parser.add_argument("--tags", type=int, default=len(TOPICS), help="Topics to use.")
        parser.add_argument("--delete", action="store_true", help="Remove synthetic content.")

    def handle(self, *args, releases, seed, pages, contacts, images, tags, delete, **options):
        self.verbosity = options["verbosity"]
        if delete:
            self.delete_synthetic()
            return
        if min(releases, images, tags) < 0 or tags > len(TOPICS):
            raise CommandError(f"Counts must be positive and --tags at most {len(TOPICS)}.")
        prefix = f"{SLUG_PREFIX}{seed}-"
        if Release.objects.filter(slug__startswith=prefix).exists():
            raise CommandError(
                f"Synthetic content with seed {seed} exists: use another --seed, or --delete first."
            )
        self.rng = random.Random(seed)
        # Its own stream, so that linking translations leaves the rest of the content as it was.
        self.translation_rng = random.Random(f"{seed}-translations")
        self.seed, self.releases = seed, releases
        self.now = timezone.now().replace(microsecond=0)
        self.countries = list(Country.objects.order_by("code").values_list("pk", "name"))
        if not self.countries:
            raise CommandError("No countries: run `manage.py migrate` first.")
        started = timezone.now()
        with transaction.atomic():
            contact_ids = self.make_contacts(contacts or max(5, releases // 500))
            image_ids = self.make_images(images)
            tag_ids = self.make_tags(tags)
            self.make_pages(pages if pages is not None else max(10, releases // 500))
        self.ages = self.ages_oldest_first(releases)
        self.make_releases(releases, contact_ids, image_ids, tag_ids)
        seconds = (timezone.now() - started).total_seconds()
        if self.verbosity:
            rate = releases / seconds if seconds else releases
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {releases} synthetic releases in {seconds:.1f} s ({rate:.0f}/s)."
                )
            )

    # Supporting records: few, made once.

    def make_contacts(self, total):
        offices = Office.objects.bulk_create(
            Office(
                name=f"Synthetic IOM {name} {self.seed}-{n}",
                kind=Office.Kind.COUNTRY,
                country_id=country_id,
                city=name,
                email=f"office-{self.seed}-{n}@{EMAIL_DOMAIN}",
            )
            for n, (country_id, name) in enumerate(
                self.rng.sample(self.countries, min(total, len(self.countries)))
            )
        )
        created = PressContact.objects.bulk_create(
            PressContact(
                name=f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}",
                job_title=self.rng.choice(JOB_TITLES),
                office=offices[n % len(offices)],
                email=f"press-{self.seed}-{n}@{EMAIL_DOMAIN}",
                phone=f"+4122717{n % 10000:04d}",
                languages="English, French",
            )
            for n in range(total)
        )
        return [contact.pk for contact in created]

    def make_images(self, total):
        ids = []
        for n in range(total):
            dark, light = IMAGE_COLOURS[n % len(IMAGE_COLOURS)]
            picture = PILImage.new("RGB", (1600, 1067), dark)
            draw = ImageDraw.Draw(picture)
            for row in range(0, 1067, 8):  # a sky-like gradient
                mix = row / 1067
                colour = tuple(round(d + (lt - d) * mix) for d, lt in zip(dark, light, strict=True))
                draw.rectangle([0, row, 1600, row + 8], fill=colour)
            for _ in range(12):  # hills and tents
                x, y = self.rng.randrange(1600), self.rng.randrange(500, 1000)
                size = self.rng.randrange(80, 300)
                draw.polygon([(x - size, y + size), (x, y), (x + size, y + size)], fill=dark)
            buffer = BytesIO()
            picture.save(buffer, "JPEG", quality=80)
            image = Image.objects.create(
                title=f"Synthetic image {self.seed}-{n}",
                file=ContentFile(buffer.getvalue(), name=f"synthetic-{self.seed}-{n}.jpg"),
                alt_text="Synthetic illustration: hills and tents under a coloured sky",
                credit="Synthetic content",
            )
            ids.append(image.pk)
        return ids

    def make_tags(self, total):
        names = [SYNTHETIC, *TOPICS[:total]]
        existing = {tag.name.lower(): tag.pk for tag in Tag.objects.filter(name__in=names)}
        missing = [name for name in names if name.lower() not in existing]
        Tag.objects.bulk_create(Tag(name=name, slug=slugify(name)) for name in missing)
        ids = {tag.name.lower(): tag.pk for tag in Tag.objects.filter(name__in=names)}
        self.synthetic_tag_id = ids.pop(SYNTHETIC)
        return list(ids.values())

    def make_pages(self, total):
        section, _ = Page.objects.get_or_create(
            parent=None,
            slug=PAGES_SECTION,
            defaults={
                "title": "Synthetic pages",
                "summary": "Generated content for load tests.",
                "show_in_menu": False,
                "status": Status.PUBLISHED,
                "publish_at": self.now,
            },
        )
        pages = []
        for n in range(total):
            title = f"{self.rng.choice(PAGE_TOPICS)} {n}"
            slug = f"{SLUG_PREFIX}{self.seed}-{n}-{slugify(title)}"
            pages.append(
                Page(
                    parent=section,
                    slug=slug,
                    path=f"{section.path}{slug}/",
                    title=title,
                    sort_order=n,
                    show_in_menu=False,
                    summary=self.sentence(),
                    body=self.body(3),
                    status=Status.PUBLISHED,
                    publish_at=self.now - timedelta(days=self.rng.randrange(YEARS * 365)),
                )
            )
        Page.objects.bulk_create(pages, batch_size=BATCH_SIZE)

    # Releases: in chunks, each its own transaction, so memory stays flat.

    def ages_oldest_first(self, total):
        """The age in seconds of each release to write, drawn at random over the years and
        written oldest first: an archive is written as it is published, so its rows lie on disk
        in date order, which the newest-first search reads (bench/README.md: written in random
        order, the search function took 25-35 % longer). 8 bytes a release in an array."""
        return array(
            "q",
            sorted((self.rng.randrange(YEARS * 365 * 86400) for _ in range(total)), reverse=True),
        )

    def make_releases(self, total, contact_ids, image_ids, tag_ids):
        with index_entries_merged_in_bulk() as merge:
            for number, (start, size) in enumerate(batches(total), 1):
                self.make_release_batch(start, size, contact_ids, image_ids, tag_ids)
                if number % MERGE_EVERY == 0:
                    merge()
                if self.verbosity > 1:
                    self.stdout.write(f"  {start + size} releases")

    def make_release_batch(self, start, size, contact_ids, image_ids, tag_ids):
        release_type = ContentType.objects.get_for_model(Release).pk
        with transaction.atomic(), search_documents_written_once() as written:
            rows = [self.release(start + n, image_ids) for n in range(size)]
            created = Release.objects.bulk_create([release for release, _ in rows])
            self.link_translations(created)
            written += [release.pk for release in created]
            country_links, contact_links, tag_links = [], [], []
            for release, countries in zip(created, (c for _, c in rows), strict=True):
                country_links += [(release.pk, country_id) for country_id in countries]
                contacts = self.rng.sample(contact_ids, min(len(contact_ids), 1 + (release.pk % 2)))
                contact_links += [
                    (release.pk, contact_id, order) for order, contact_id in enumerate(contacts)
                ]
                topics = self.rng.sample(tag_ids, min(len(tag_ids), self.rng.randint(1, 3)))
                tag_links += [
                    (release_type, release.pk, tag_id)
                    for tag_id in [self.synthetic_tag_id, *topics]
                ]
            insert_rows(Release.countries.through, ["release_id", "country_id"], country_links)
            insert_rows(ReleaseContact, ["release_id", "contact_id", "sort_order"], contact_links)
            insert_rows(TaggedItem, ["content_type_id", "object_id", "tag_id"], tag_links)

    def link_translations(self, releases):
        """Make some French and Spanish releases versions of an English one of the same
        batch, one version per language per original."""
        originals = [release for release in releases if release.language == "en"]
        linked = set()
        translations = []
        for release in releases:
            if release.language == "en" or not originals:
                continue
            if self.translation_rng.random() >= TRANSLATED_SHARE:
                continue
            original = self.translation_rng.choice(originals)
            if (original.pk, release.language) not in linked:
                linked.add((original.pk, release.language))
                release.translation_of_id = original.pk
                translations.append(release)
        Release.objects.bulk_update(translations, ["translation_of"])

    def release(self, n, image_ids):
        rng = self.rng
        country_id, country_name = rng.choice(self.countries)
        others = {c for c, _ in rng.sample(self.countries, rng.choice((0, 0, 1, 2)))}
        language = weighted(rng, LANGUAGES)
        words = self.vocabularies[language].draw(rng, rng.randint(*TITLE_WORDS))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), self.place())
        title = f"{country_name}: {' '.join(words)}"
        publish_at = self.now - timedelta(seconds=self.ages[n])
        status, unpublish_at = Status.PUBLISHED, None
        roll = rng.random()
        if roll < 0.01:
            status = Status.DRAFT
        elif roll < 0.015:  # scheduled: an embargo in the coming month
            publish_at = self.now + timedelta(seconds=rng.randrange(1, 30 * 86400))
        elif roll < 0.02:  # an expired appeal
            unpublish_at = publish_at + timedelta(days=rng.randrange(1, 60))
            unpublish_at = min(unpublish_at, self.now - timedelta(hours=1))
        release = Release(
            kind=weighted(rng, KINDS),
            title=title,
            slug=f"{SLUG_PREFIX}{self.seed}-{n}-{slugify(title)[:80]}",
            dateline_country_id=country_id,
            summary=f"{self.sentence(language)} {self.sentence(language)}",
            body=self.body(rng.randint(4, 8), language),
            image_id=rng.choice(image_ids) if image_ids and rng.random() < 0.4 else None,
            language=language,
            featured=rng.random() < 0.01,
            status=status,
            publish_at=publish_at if status == Status.PUBLISHED else None,
            unpublish_at=unpublish_at,
        )
        return release, {country_id, *others}

    @cached_property
    def vocabularies(self):
        size = max(100_000, WORDS_PER_RELEASE_VOCABULARY * self.releases)
        return {
            language: Vocabulary(common, SYLLABLES[language], ENDINGS[language], size)
            for language, common in COMMON_WORDS.items()
        }

    @cached_property
    def places(self):
        """Countries first, then towns: a vocabulary of names."""
        names = [name for _, name in self.countries]
        return Vocabulary(names, SYLLABLES["en"], ["", "a", "o", "i", "pur", "ville", "abad"],
                          max(10_000, self.releases // 10), capitalized=True)  # fmt: skip

    @cached_property
    def surnames(self):
        return Vocabulary(LAST_NAMES, SYLLABLES["en"], ["", "son", "ez", "ov", "ini", "ou"],
                          max(5_000, self.releases // 20), capitalized=True)  # fmt: skip

    def place(self):
        return self.places.draw(self.rng, 1)[0]

    def person(self):
        return f"{self.rng.choice(FIRST_NAMES)} {self.surnames.draw(self.rng, 1)[0]}"

    def sentence(self, language="en"):
        rng = self.rng
        words = self.vocabularies[language].draw(rng, rng.randint(*SENTENCE_WORDS))
        roll = rng.random()
        if roll < 0.25:
            words.insert(rng.randrange(len(words)), self.place())
        elif roll < 0.35:
            words.insert(rng.randrange(len(words)), f"{rng.randrange(100, 250_000):,}")
        return f"{' '.join(words).capitalize()}."

    def body(self, paragraphs, language="en"):
        parts = []
        for n in range(paragraphs):
            if n == 2:
                quote = f"“{self.sentence(language)[:-1]},” said {self.person()}."
                parts.append(f"<blockquote><p>{escape(quote)}</p></blockquote>")
            text = " ".join(self.sentence(language) for _ in range(3))
            parts.append(f"<p>{escape(text)}</p>")
        return "".join(parts)

    # Removal: only what this command made.

    def delete_synthetic(self):
        releases = Release.objects.filter(slug__startswith=SLUG_PREFIX)
        removed = 0
        while ids := list(releases.values_list("pk", flat=True)[:BATCH_SIZE]):
            with transaction.atomic():
                TaggedItem.objects.filter(
                    content_type=ContentType.objects.get_for_model(Release), object_id__in=ids
                ).delete()
                removed += Release.objects.filter(pk__in=ids).delete()[1].get("news.Release", 0)
        with transaction.atomic():
            PressContact.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
            Office.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
            Page.objects.filter(path__startswith=f"{PAGES_SECTION}/").exclude(
                path=f"{PAGES_SECTION}/"
            ).delete()
            Page.objects.filter(path=f"{PAGES_SECTION}/").delete()
            Image.objects.filter(title__startswith="Synthetic image ").delete()
            Tag.objects.filter(name=SYNTHETIC).delete()
        if self.verbosity:
            self.stdout.write(self.style.SUCCESS(f"Deleted {removed} synthetic releases."))
