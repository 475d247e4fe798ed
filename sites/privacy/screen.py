"""The privacy screen: what in a draft could expose a survivor, found before anyone publishes it.

It reads every text field and every StreamField block of a page (in whatever language the page
is written) and flags: phone numbers that are not a known hotline's or service's, e-mail
addresses, street addresses, a personal name next to an age or a school, links to personal
social-media profiles, images whose files carry location or camera metadata, and a story
about a survivor without "names have been changed". Each finding says where it is and why.

It is a screen, not a judge: it errs towards flagging, and a moderator may override a finding
with a written reason (sites.privacy.workflow).
"""

import re
from dataclasses import asdict, dataclass
from html import unescape

from django.db import models
from django.utils.html import strip_tags

from wagtail import blocks
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageBlock, ImageChooserBlock
from wagtail.images.models import AbstractImage

from blocks.phone import digits
from sites.privacy.consent import ended_on


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KINDS
    where: str  # e.g. "Body > block 2 (Text)"
    excerpt: str  # the words found, as written
    why: str

    def as_dict(self) -> dict:
        return asdict(self)


KINDS = {
    "phone": "Phone number",
    "email": "E-mail address",
    "address": "Street address",
    "name_age": "Name with an age or school",
    "social": "Social-media profile",
    "image_metadata": "Image metadata",
    "names_changed": "Names not marked as changed",
    "consent": "Consent not recorded",
    "consent_ended": "Consent ended",
}

# Page fields that are not content a reader sees.
SKIPPED_FIELDS = {"slug", "url_path", "draft_title", "live_revision", "latest_revision"}

PHONE = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])(?:\d{3}|[A-Z]{3})[\s.-](?:\d{4}|[A-Z]{4})(?![\w-])"
    r"|(?<![\w+])1[\s.-]8\d\d[\s.-][A-Z0-9]{3}[\s.-]?[A-Z0-9]{4}(?![\w-])"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
STREET_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|"
    r"Terrace|Ter|Circle|Cir|Highway|Hwy|Parkway|Pkwy|Trail|Trl|Square|Sq)"
)
ADDRESS = re.compile(
    # 1423 W Maple Street, 77 Elm St., the 1200 block of Maple Avenue
    rf"\b\d{{1,5}}\s+(?:block\s+of\s+)?(?:[NSEW]\.?\s+)?(?:[A-Z][\w'-]*\s+){{1,3}}{STREET_SUFFIX}\b\.?"
    # Calle Olivo 123, Avenida de la Paz #45
    r"|\b(?:Calle|Avenida|Av\.|Camino|Calzada|Paseo|Carretera)\s+(?:de\s+(?:la\s+|los\s+|las\s+)?)?"
    r"[A-ZÁÉÍÓÚÑ][\wáéíóúñ'-]*(?:\s+[A-ZÁÉÍÓÚÑ][\wáéíóúñ'-]*){0,2}\s*(?:#|No\.?|n\.?º|número)?\s*\d{1,5}\b"
    # Apartment numbers and post office boxes
    r"|\b(?:Apt|Apartment|Unit|Suite|Apto|Departamento)\.?\s*#?\s*\d+[A-Z]?\b"
    r"|\bP\.?\s?O\.?\s+Box\s+\d+"
)
NAME = r"(?P<name>[A-ZÁÉÍÓÚÑ][a-záéíóúñ'-]+(?:\s+[A-ZÁÉÍÓÚÑ][a-záéíóúñ'-]+)?)"
AGE = r"\d{1,2}"
SCHOOL = (
    r"(?:[A-Z][\w.'-]*\s+){1,3}(?:High|Middle|Elementary|Junior\s+High|Intermediate|Primary)"
    r"(?:\s+School)?|(?:[A-Z][\w.'-]*\s+){1,3}(?:Academy|School)"
    r"|(?:escuela|colegio|preparatoria|secundaria|primaria)\s+(?:[A-ZÁÉÍÓÚÑ][\wáéíóúñ.'-]*\s*){1,3}"
)
NAME_WITH_AGE_OR_SCHOOL = [
    re.compile(p)
    for p in (
        rf"{NAME},\s*(?:age\s+|aged\s+)?{AGE}\s*,",  # Maya, 17, …  Maya, age 17,
        rf"{NAME}\s*\(\s*(?:age\s+)?{AGE}\s*\)",  # Maya (17)
        rf"\b{AGE}[- ]year[- ]old\s+(?:(?:girl|boy|woman|man|teen|student|survivor)\s+)?(?:named\s+)?{NAME}",
        rf"{NAME},?\s+(?:who\s+is|who\s+was|is|was|aged|age)\s+{AGE}\b(?!\s*(?:percent|%|minutes|hours|miles))",
        rf"{NAME},\s*(?:una?\s+(?:joven|niña|niño|chica|chico|muchacha|muchacho)\s+)?de\s+{AGE}\s+años",
        rf"{NAME}\s+(?:tiene|tenía)\s+{AGE}\s+años",
        rf"{NAME},?\s+(?:\w+\s+){{0,6}}(?:at|attends|attended|from|en|de|del)\s+(?:the\s+|la\s+|el\s+)?(?:{SCHOOL})",
    )
]
# Capitalised words that begin sentences or name places and things, not people.
NOT_NAMES = set(
    """A An The This That These Those It Its He She They We You I Our Their His Her My Your
    When Where While After Before During Since Because If As At In On Of For From With By To
    And But Or So Then Now Today Yesterday Each Every One Two Three Four Five Six Seven Eight
    Nine Ten Some Many Most All Both No Not Officers Police Children Girls Boys Families Teens
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December Christmas Easter Spring Summer Fall
    Winter County City State Street Avenue Road School High Middle Elementary
    La El Los Las Un Una Cuando Donde Después Antes Hoy Ayer Cada Todos Todas Ella Él Ellos
    Nuestra Nuestro Su Sus Esta Este Esa Ese Niños Niñas Jóvenes Lunes Martes Miércoles Jueves
    Viernes Sábado Domingo Enero Febrero Marzo Abril Mayo Junio Julio Agosto Septiembre Octubre
    Noviembre Diciembre""".split()  # noqa: SIM905 - a word list reads best as words
)
SOCIAL = re.compile(
    r"(?:https?://)?(?:www\.|m\.|mobile\.)?"
    r"(?:facebook\.com|fb\.com|instagram\.com|tiktok\.com/@|twitter\.com|x\.com|snapchat\.com/add"
    r"|linkedin\.com/in|threads\.net/@|youtube\.com/@|onlyfans\.com|reddit\.com/u(?:ser)?)"
    r"/?(?P<handle>[A-Za-z0-9_.-]{2,})"
)
# Share buttons and the like: not someone's profile.
NOT_PROFILES = {"sharer", "share", "sharer.php", "intent", "dialog", "plugins", "hashtag"}
SURVIVOR_WORDS = re.compile(
    r"\b(?:survivor|victim|rescued|freed|escaped|sobreviviente|víctima|rescatad[ao]s?|liberad[ao]s?)\b",
    re.IGNORECASE,
)
SURVIVOR_KINDS = {"rescue_update", "community_story"}
GPS, MAKE, MODEL, XMP_KEYS = 0x8825, 0x010F, 0x0110, ("xmp", "XML:com.adobe.xmp")


def screen(page, known_numbers: set[str] | None = None, known_emails: set[str] | None = None):
    """Every finding in `page` (a specific page instance, e.g. a revision's), in reading order."""
    known_numbers = known_numbers if known_numbers is not None else known_contact_numbers()
    known_emails = known_emails if known_emails is not None else known_contact_emails()
    findings: list[Finding] = []
    images: list[tuple[str, AbstractImage]] = []
    all_text = []
    for where, text, image in page_contents(page):
        if image is not None:
            images.append((where, image))
            continue
        all_text.append(text)
        findings += screen_text(where, text, known_numbers, known_emails)
    for where, image in images:
        findings += screen_image(where, image)
    if hasattr(page, "names_changed") and not page.names_changed:
        about_survivor = getattr(page, "kind", None) in SURVIVOR_KINDS or any(
            SURVIVOR_WORDS.search(text) for text in all_text
        )
        if about_survivor:
            findings.append(
                Finding(
                    "names_changed",
                    "Names have been changed",
                    "",
                    "This story is about a survivor, but 'names have been changed' is not ticked. "
                    "Change every name and tick it, or say why no survivor can be identified.",
                )
            )
    if hasattr(page, "consent_given_on"):
        about_survivor = getattr(page, "kind", None) in SURVIVOR_KINDS or any(
            SURVIVOR_WORDS.search(text) for text in all_text
        )
        if about_survivor and not page.consent_given_on:
            findings.append(
                Finding(
                    "consent",
                    "Consent",
                    "",
                    "No consent is recorded for this story about a survivor: record who gave "
                    "it, when, and when it ends.",
                )
            )
        if ended := ended_on(page):
            findings.append(
                Finding(
                    "consent_ended",
                    "Consent",
                    ended.isoformat(),
                    f"Consent for this story ended on {ended.isoformat()}: it cannot be "
                    "published unless consent is given again.",
                )
            )
    return findings


def labelled(findings: list[dict]) -> list[dict]:
    """Findings (as stored) with the name of their kind, for the admin to show."""
    return [finding | {"label": KINDS.get(finding["kind"], "")} for finding in findings]


def screen_text(where: str, text: str, known_numbers: set[str], known_emails: set[str]):
    found = []
    for match in PHONE.finditer(text):
        number = normalised(match.group())
        if number not in known_numbers:
            found.append(
                Finding(
                    "phone",
                    where,
                    match.group(),
                    "A phone number that is not one of the network's hotlines or services: it may be "
                    "someone's own number.",
                )
            )
    for match in EMAIL.finditer(text):
        if match.group().lower() not in known_emails:
            found.append(
                Finding("email", where, match.group(), "An e-mail address may identify a person.")
            )
    for match in ADDRESS.finditer(text):
        found.append(
            Finding(
                "address",
                where,
                match.group().strip(),
                "A street address can lead someone to a door.",
            )
        )
    seen = set()
    for pattern in NAME_WITH_AGE_OR_SCHOOL:
        for match in pattern.finditer(text):
            name = match.group("name")
            if name.split()[0] in NOT_NAMES or match.span() in seen:
                continue
            seen.add(match.span())
            found.append(
                Finding(
                    "name_age",
                    where,
                    match.group().strip(),
                    f"'{name}' appears with an age or a school: together they can identify a young person.",
                )
            )
    for match in SOCIAL.finditer(text):
        if match.group("handle").lower().strip("/.") not in NOT_PROFILES:
            found.append(
                Finding(
                    "social",
                    where,
                    match.group(),
                    "A link to a social-media profile can show who and where someone is.",
                )
            )
    return found


def screen_image(where: str, image: AbstractImage) -> list[Finding]:
    """Location or camera details in the image's stored file."""
    from PIL import Image as PILImage

    try:
        with image.open_file() as file, PILImage.open(file) as picture:
            exif = picture.getexif()
            kept = []
            if exif.get(GPS) or exif.get_ifd(GPS):
                kept.append("location (GPS)")
            if exif.get(MAKE) or exif.get(MODEL):
                kept.append("camera")
            if any(picture.info.get(key) for key in XMP_KEYS):
                kept.append("XMP")
    except (OSError, ValueError):
        return []
    if not kept:
        return []
    return [
        Finding(
            "image_metadata",
            where,
            image.title,
            f"The image file carries {', '.join(kept)} details. Upload it again: Lantern removes them.",
        )
    ]


def normalised(number: str) -> str:
    """The digits a phone dials, without the North American country code."""
    dialled = digits(number)
    return dialled[1:] if len(dialled) == 11 and dialled.startswith("1") else dialled


def known_contact_numbers() -> set[str]:
    """Numbers readers are meant to call: every hotline's and help resource's."""
    from blocks.hotline import Hotline
    from sites.help.resources import HelpResource

    numbers = set()
    for model in (Hotline, HelpResource):
        for row in model.objects.values_list("phone", "sms_number", "tty"):
            numbers |= {normalised(value) for value in row if value}
    return numbers


def known_contact_emails() -> set[str]:
    from sites.help.resources import HelpResource

    return {
        e.lower() for e in HelpResource.objects.exclude(email="").values_list("email", flat=True)
    }


def page_contents(page):
    """(where, text, None) for each text a reader sees, and (where, None, image) for each image."""
    for field in type(page)._meta.get_fields():
        if not isinstance(field, models.Field) or field.name in SKIPPED_FIELDS:
            continue
        label = str(field.verbose_name).capitalize()
        value = getattr(page, field.name, None)
        if isinstance(field, StreamField):
            yield from stream_contents(value, label)
        elif isinstance(field, RichTextField):
            yield label, rich_text(value or ""), None
        elif isinstance(field, models.ForeignKey) and issubclass(
            field.related_model, AbstractImage
        ):
            if value is not None:
                yield label, None, value
        elif isinstance(field, models.CharField | models.TextField) and not field.choices and value:
            yield label, str(value), None


def stream_contents(stream, where):
    for number, child in enumerate(stream or [], 1):
        yield from block_contents(
            child.block, child.value, f"{where} > block {number} ({child.block.label})"
        )


def block_contents(block, value, where):
    if value is None:
        return
    if isinstance(block, blocks.StreamBlock):
        yield from stream_contents(value, where)
    elif isinstance(block, ImageBlock | ImageChooserBlock):
        yield where, None, value
    elif isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            yield from block_contents(child, value.get(name), f"{where} > {child.label}")
    elif isinstance(block, blocks.ListBlock):
        for number, item in enumerate(value, 1):
            yield from block_contents(block.child_block, item, f"{where} > {number}")
    elif isinstance(block, blocks.RichTextBlock):
        yield where, rich_text(value.source), None
    elif isinstance(block, blocks.FieldBlock) and isinstance(value, str) and value:
        yield where, value, None


def rich_text(html: str) -> str:
    """The words of rich text, with each link's address after it (profiles hide in links)."""
    with_links = re.sub(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', r"\2 (\1)", html, flags=re.S)
    spaced = re.sub(r"</(p|h\d|li)>|<br\s*/?>", "\n", with_links)
    return unescape(strip_tags(spaced))
