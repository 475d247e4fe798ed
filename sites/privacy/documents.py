"""Documents that name their author: the editor is warned when one is uploaded.

A report exported from Word keeps who wrote it and who last changed it in its properties, and
its comments and tracked changes keep their reviewers' names; a PDF keeps its author in its
Info dictionary and XMP. When the author is a caseworker, or a survivor wrote her own story, the
published file names her. A photo pasted into a document keeps its GPS location as well.

Lantern does not change documents (a PDF cannot be cleaned without rewriting it): it warns. When
a PDF, Word, Excel, PowerPoint, OpenDocument or RTF file is uploaded in the admin, a warning
(django.contrib.messages) names what was found: "This file (report.pdf) names its author:
'Jane Doe' (Author). Remove it before publishing…". The upload goes ahead; nothing found is
stored or logged.

Wagtail 8 has no hook after a document is created or edited (there are such hooks for pages and
snippets only), and a model signal does not know the request. So the pre_save receivers below
(connected in sites.privacy.apps) find the details, and the request comes from a context variable that
Wagtail's document admin views set: `remember_requests_in_document_views` wraps them, the way
Wagtail itself wraps every admin view in `require_admin_access`. A document saved outside those
views (in code, by the API) warns no one.

The readers are bounded: pypdf (which limits every stream it inflates) over a bounded number of
objects, zipfile with per-part size limits, and defusedxml for every XML part.

A PDF keeps what an incremental save replaced: the new Info dictionary is appended, the old one
stays. pypdf reads a file's latest revision, so each revision is read on its own: the file up to
each %%EOF is the PDF as it was saved then. The whole file is read once more the way pypdf
reads a damaged file, by every object's header, to find what no cross-reference lists (a
comment or a picture left behind, an Info dictionary named only by a cross-reference stream).
An encrypted PDF is read if it opens without a password. XMP packets are also looked for in
the file's bytes, as XMP's packet wrapper means them to be found: XMP that an encrypted file
keeps unencrypted is found too.
"""

import logging
import re
import zipfile
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from functools import wraps
from html import unescape
from io import BytesIO
from typing import TYPE_CHECKING

from defusedxml import ElementTree

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType

from wagtail import hooks
from wagtail.documents import get_document_model

from sites.privacy.media import new_upload

if TYPE_CHECKING:
    from pypdf import PdfReader

logger = logging.getLogger(__name__)
# pypdf logs each repair it makes to a file; a damaged upload is not an error of Lantern's.
logging.getLogger("pypdf").setLevel(logging.ERROR)

MAX_DOCUMENT = 64 * 1024 * 1024  # read no more of a file than this (uploads are 10 MB at most)
MAX_PART = 32 * 1024 * 1024  # of one zip part once inflated, of an RTF file
MAX_INFLATED = 64 * 1024 * 1024  # of all a file's inflated parts or metadata streams together
MAX_OBJECTS = 100_000  # PDF objects pypdf may parse (it parses them all to repair a file)

AUTHOR = "Author"
LAST_MODIFIED_BY = "Last modified by"
MANAGER = "Manager"
CONTRIBUTOR = "Contributor"
COMMENT_AUTHOR = "Comment author"
CHANGES_BY = "Tracked changes by"
PRINTED_BY = "Printed by"
LOCATION = "location"  # a picture inside records where it was taken
ENCRYPTED = "encrypted"  # a PDF whose properties cannot be read


# --- The warning ---------------------------------------------------------------------------

_request: ContextVar = ContextVar("lantern_document_request", default=None)


@contextmanager
def remembered(request):
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def remembering_request(view):
    """A view that makes its request known to the receivers below while it runs."""

    @wraps(view)
    def remembering(request, *args, **kwargs):
        with remembered(request):
            return view(request, *args, **kwargs)

    remembering.remembers_request = True
    return remembering


class RemembersRequest:
    """For class-based views: the same, around dispatch()."""

    def dispatch(self, request, *args, **kwargs):
        with remembered(request):
            return super().dispatch(request, *args, **kwargs)


@hooks.register("register_admin_urls", order=-1)
def remember_requests_in_document_views():
    """Before the admin's URLs are assembled: let Wagtail's document views (add, edit, multiple
    upload, and the chooser's upload) make their request known. Adds no URL."""
    from wagtail.documents import admin_urls
    from wagtail.documents.views.chooser import viewset as chooser

    for pattern in admin_urls.urlpatterns:
        if not getattr(pattern.callback, "remembers_request", False):
            pattern.callback = remembering_request(pattern.callback)
    if not issubclass(chooser.create_view_class, RemembersRequest):
        chooser.create_view_class = type(
            chooser.create_view_class.__name__,
            (RemembersRequest, chooser.create_view_class),
            {"__module__": __name__},
        )
    return []


def warn_of_authors(sender, instance, raw=False, **kwargs):
    """pre_save on the document model: warn the editor uploading a file that names its author."""
    if not raw:
        _warn(instance.file, instance.title)


def warn_of_authors_in_upload(sender, instance, raw=False, **kwargs):
    """pre_save on wagtail.models.UploadedFile: the multiple uploader parks a document there when
    its form is incomplete, and later copies it into the document without saving it anew."""
    if raw or instance.for_content_type_id is None:
        return
    if instance.for_content_type_id == ContentType.objects.get_for_model(get_document_model()).pk:
        _warn(instance.file, None)


def _warn(field_file, title):
    request = _request.get()
    if request is None or not new_upload(field_file):
        return  # no one to tell, or no new file (an edit of the title or tags)
    try:
        field_file.open("rb")
        field_file.seek(0)
        data = field_file.read(MAX_DOCUMENT)
        field_file.seek(0)
        found = examine(data)
    except Exception:
        # The warning is a courtesy: a file it cannot read is still uploaded.
        logger.exception("Could not check an uploaded document for author details.")
        return
    if found:
        name = field_file.name.rsplit("/", 1)[-1]
        messages.warning(request, warning(found, name or title or "this file"), fail_silently=True)


def warning(found: list[tuple[str, str]], name: str) -> str:
    """What the editor reads: each name found, with where it was found."""
    people: dict[str, list[str]] = {}
    for label, value in found:
        if label not in (LOCATION, ENCRYPTED):
            people.setdefault(value, [])
            if label not in people[value]:
                people[value].append(label)
    pictures = sum(1 for label, _ in found if label == LOCATION)
    sentences = []
    if people:
        named = [f"'{value}' ({', '.join(labels)})" for value, labels in list(people.items())[:6]]
        if len(people) > 6:
            named.append(f"and {len(people) - 6} more")
        sentences.append(f"This file ({name}) names its author: {', '.join(named)}.")
    if pictures:
        holds = "It also holds" if people else f"This file ({name}) holds"
        what = (
            "a picture that records where it was"
            if pictures == 1
            else f"{pictures} pictures that record where they were"
        )
        sentences.append(f"{holds} {what} taken (GPS location).")
    if sentences:
        remove = "Remove it" if not pictures else "Remove them"
        sentences.append(
            f"{remove} before publishing: save a copy without its document properties,"
            " comments, tracked changes and picture details (in Word: File > Info > Check for"
            " Issues > Inspect Document; in Acrobat: Remove Hidden Information), then upload"
            " that copy in its place."
        )
    elif any(label == ENCRYPTED for label, _ in found):
        sentences.append(
            f"This PDF ({name}) is encrypted: Lantern could not check whether it names its"
            " author. Check its properties before publishing."
        )
    return " ".join(sentences)


# --- What a file says about who made it ----------------------------------------------------


def examine(data: bytes) -> list[tuple[str, str]]:
    """(label, value) for each author-like detail in a PDF, office or RTF file: the people it
    names, plus (LOCATION, …) for each picture inside with a GPS position and (ENCRYPTED, "")
    for a PDF whose properties cannot be read."""
    if b"%PDF-" in data[:1024]:
        found = pdf_details(data)
    elif data[:4] == b"PK\x03\x04":
        found = zip_details(data)
    elif data.lstrip()[:5] == b"{\\rtf":
        found = rtf_details(data)
    else:
        return []
    unique = []
    for label, value in found:
        value = " ".join(value.split())[:120] if label != ENCRYPTED else value
        if (value or label == ENCRYPTED) and (label, value) not in unique:
            unique.append((label, value))
    return unique


# Office Open XML (.docx, .xlsx, .pptx) and OpenDocument (.odt, .ods, .odp) parts, by name.
NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
}


def local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def elements(root, tag: str, label: str):
    """The text of every element named `tag` (a Clark name)."""
    return [(label, element.text or "") for element in root.iter(tag)]


def attributes(root, attribute: str, label: str):
    """Every value of an attribute by its local name (w:author, name, displayName...)."""
    return [
        (label, value)
        for element in root.iter()
        for key, value in element.attrib.items()
        if local(key) == attribute
    ]


def odf_creators(root):
    """dc:creator in OpenDocument content: of a comment (office:annotation) or of a change."""
    found = []
    for element in root.iter():
        kind = local(element.tag)
        if kind in ("annotation", "change-info"):
            label = COMMENT_AUTHOR if kind == "annotation" else CHANGES_BY
            found += elements(element, f"{{{NS['dc']}}}creator", label)
    return found


ZIP_PARTS = [
    (r"docProps/core\.xml", lambda root: (
        elements(root, f"{{{NS['dc']}}}creator", AUTHOR)
        + elements(root, f"{{{NS['cp']}}}lastModifiedBy", LAST_MODIFIED_BY)
    )),
    (r"docProps/app\.xml", lambda root: elements(root, f"{{{NS['ep']}}}Manager", MANAGER)),
    (r"word/comments\.xml", lambda root: attributes(root, "author", COMMENT_AUTHOR)),
    (r"word/people\.xml", lambda root: attributes(root, "author", COMMENT_AUTHOR)),
    (r"xl/comments\d*\.xml", lambda root: [
        (COMMENT_AUTHOR, element.text or "") for element in root.iter() if local(element.tag) == "author"
    ]),
    (r"xl/persons/person\.xml", lambda root: attributes(root, "displayName", COMMENT_AUTHOR)),
    (r"ppt/(commentAuthors|authors)\.xml", lambda root: attributes(root, "name", COMMENT_AUTHOR)),
    (r"meta\.xml", lambda root: (
        elements(root, f"{{{NS['meta']}}}initial-creator", AUTHOR)
        + elements(root, f"{{{NS['dc']}}}creator", LAST_MODIFIED_BY)
        + elements(root, f"{{{NS['meta']}}}printed-by", PRINTED_BY)
    )),
    (r"(content|styles)\.xml", odf_creators),
]  # fmt: skip
PICTURE = re.compile(r"(word|xl|ppt)/media/.+|Pictures/.+", re.IGNORECASE)
PICTURE_HEAD = 1024 * 1024
TRACKED = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
CHANGE_AUTHOR = re.compile(rb'\sw:author="([^"<]*)"')


def zip_details(data: bytes) -> list[tuple[str, str]]:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return []
    found, budget = [], MAX_INFLATED
    with archive:
        for info in archive.infolist():
            if budget <= 0:
                break
            if info.is_dir():
                continue
            if PICTURE.fullmatch(info.filename):
                # Pictures keep EXIF and XMP near their start: read no more than the head.
                head = read_part(archive, info, min(PICTURE_HEAD, budget))
                budget -= len(head)
                if picture_location(head):
                    found.append((LOCATION, info.filename))
                continue
            if TRACKED.fullmatch(info.filename):
                # The text itself, perhaps large: its tracked changes' authors, without a tree.
                part = read_part(archive, info, min(MAX_PART, budget))
                budget -= len(part)
                found += [
                    (CHANGES_BY, unescape(value.decode("utf-8", "replace")))
                    for value in dict.fromkeys(CHANGE_AUTHOR.findall(part))
                ]
                continue
            for pattern, read in ZIP_PARTS:
                if re.fullmatch(pattern, info.filename):
                    part = read_part(archive, info, min(MAX_PART, budget))
                    budget -= len(part)
                    root = parse_xml(part)
                    if root is not None:
                        found += read(root)
                    break
    return found


def read_part(archive, info, limit: int) -> bytes:
    """At most `limit` bytes of a zip part, whatever its header claims."""
    try:
        with archive.open(info) as part:
            data = part.read(limit + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        return b""  # damaged, or encrypted (RuntimeError)
    return data if len(data) <= limit or PICTURE.fullmatch(info.filename) else b""


def parse_xml(data: bytes):
    if not data:
        return None
    try:
        return ElementTree.fromstring(data)
    except Exception:  # ParseError, or defusedxml refusing a DTD or an entity
        return None


def picture_location(data: bytes) -> bool:
    """Whether a picture file records where it was taken: EXIF GPS, or GPS in its XMP."""
    from PIL import Image as PILImage

    if not data:
        return False
    try:
        with PILImage.open(BytesIO(data)) as picture:
            gps = picture.getexif().get_ifd(0x8825)
            if gps.get(2) or gps.get(4):  # GPSLatitude, GPSLongitude
                return True
            xmp = picture.info.get("xmp") or picture.info.get("XML:com.adobe.xmp") or b""
            return b"GPSLatitude" in (xmp if isinstance(xmp, bytes) else xmp.encode())
    except Exception:
        return False


# RTF: {\info {\author Jane Doe}{\operator Jane Doe}{\manager ...}}
RTF_FIELDS = {b"author": AUTHOR, b"operator": LAST_MODIFIED_BY, b"manager": MANAGER}
RTF_FIELD = re.compile(rb"\{\\(author|operator|manager)\b ?((?:[^{}\\]|\\.)*)\}", re.DOTALL)
RTF_ESCAPE = re.compile(
    rb"\\'([0-9a-fA-F]{2})"  # a byte in the document's code page
    rb"|\\u(-?\d+) ?(?:\\'[0-9a-fA-F]{2}|[^\\{}])?"  # a Unicode character, and its fallback
    rb"|\\[a-zA-Z]+-?\d* ?"  # any other control word: dropped
    rb"|\\(.)",  # a control symbol: \\ \{ \} kept, \~ a space
    re.DOTALL,
)


def rtf_details(data: bytes) -> list[tuple[str, str]]:
    return [
        (RTF_FIELDS[match[1]], rtf_text(match[2])) for match in RTF_FIELD.finditer(data[:MAX_PART])
    ]


def rtf_text(raw: bytes) -> str:
    def character(match):
        if match[1]:
            return bytes.fromhex(match[1].decode()).decode("cp1252", "replace")
        if match[2]:
            return chr(int(match[2]) % 65536)
        if match[3] is None:
            return ""
        return (
            match[3].decode("latin-1") if match[3] in b"\\{}" else " " if match[3] == b"~" else ""
        )

    parts, pos = [], 0
    for match in RTF_ESCAPE.finditer(raw):
        parts.append(raw[pos : match.start()].decode("cp1252", "replace"))
        parts.append(character(match))
        pos = match.end()
    parts.append(raw[pos:].decode("cp1252", "replace"))
    return "".join(parts)


# --- PDF -----------------------------------------------------------------------------------
# pypdf is imported by the functions that read a PDF, when an editor first uploads one: loaded
# with this module, it made every worker that serves readers 13 MB larger.

EOF_MARKER = re.compile(rb"%%EOF")
# Appended to a file, a cross-reference that points nowhere: pypdf then reads the file as a
# damaged one, by every object's header.
POINTS_NOWHERE = b"\nstartxref\n0\n%%EOF\n"
XMP_PACKET = re.compile(rb"<(?:\w+:)?x[am]pmeta\b.*?</(?:\w+:)?x[am]pmeta\s*>", re.DOTALL)
# Info dictionary keys that name a person (/Creator and /Producer name programs).
INFO_PEOPLE = {"/Author": AUTHOR, "/LastModifiedBy": LAST_MODIFIED_BY, "/Manager": MANAGER}
# Annotation types that are comments, whose /T is the commenter's name.
COMMENTS = {"/Text", "/FreeText", "/Highlight", "/Underline", "/StrikeOut", "/Squiggly", "/Ink",
            "/Square", "/Circle", "/Line", "/Polygon", "/PolyLine", "/Stamp", "/Caret",
            "/FileAttachment", "/Sound", "/Redact"}  # fmt: skip


def pdf_readings(data: bytes):
    """(reader, whole) for each revision pypdf can open, oldest first, then for the whole file
    read by its objects' headers (`whole`). pypdf parses every object of a file it repairs: the
    revisions read are those that hold MAX_OBJECTS objects together, and the whole file is read
    if it holds no more."""
    ends, held, budget = [], 0, MAX_OBJECTS
    for match in EOF_MARKER.finditer(data):
        held += data.count(b" obj", ends[-1] if ends else 0, match.end())
        budget -= held
        if budget < 0:
            break
        ends.append(match.end())
    if data.count(b" obj") <= MAX_OBJECTS:
        ends.append(None)
    from pypdf import PdfReader

    for end in ends:
        reader = None
        with suppress(Exception):  # pypdf raises many kinds of error on a damaged file
            reader = PdfReader(BytesIO(data[:end] if end else data + POINTS_NOWHERE))
        if reader is not None:
            yield reader, end is None


def pdf_objects(reader: "PdfReader", every: bool) -> list:
    """Getters of the reader's Info dictionary and document metadata stream and, if `every`,
    of each object the reader holds."""
    from pypdf.generic import IndirectObject

    getters = [lambda: reader.metadata, lambda: reader.trailer["/Root"].get("/Metadata")]
    if every:
        refs = [IndirectObject(n, g, reader) for g, numbers in reader.xref.items() for n in numbers]
        refs += [IndirectObject(n, 0, reader) for n in reader.xref_objStm]
        getters += [ref.get_object for ref in refs]
    return getters


def unlocked(reader: "PdfReader") -> bool:
    """Whether the file is not encrypted, or opens without a password."""
    try:
        return not reader.is_encrypted or bool(reader.decrypt(""))
    except Exception:
        return False


def text(value) -> str:
    """A PDF string as text (pypdf decodes UTF-16 and PDFDocEncoding); anything else, none."""
    from pypdf.generic import ByteStringObject, TextStringObject

    if isinstance(value, ByteStringObject):  # not valid PDFDocEncoding
        return bytes(value).decode("latin-1")
    return str(value) if isinstance(value, TextStringObject) else ""


def info_people(info) -> list[tuple[str, str]]:
    return [(label, text(info[key])) for key, label in INFO_PEOPLE.items() if key in info]


def pdf_details(data: bytes) -> list[tuple[str, str]]:
    from pypdf import DocumentInformation
    from pypdf.generic import DictionaryObject, StreamObject

    found, packets, budget = [], XMP_PACKET.findall(data), MAX_INFLATED
    opened = locked = False
    for reader, whole in pdf_readings(data):
        opened = True
        if not unlocked(reader):
            locked = True
            continue
        # An encrypted file's objects are not decrypted one by one: its Info and XMP only.
        for get in pdf_objects(reader, every=whole and not reader.is_encrypted):
            try:
                obj = get()
                obj = obj.get_object() if obj is not None else None
                if not isinstance(obj, DictionaryObject):
                    continue
                if isinstance(obj, DocumentInformation):
                    found += info_people(obj)
                elif obj.get("/Type") == "/XRef" and "/Info" in obj:
                    # A cross-reference stream is a trailer too (pypdf 6 reads no stray one's).
                    found += info_people(obj["/Info"])
                elif obj.get("/Subtype") in COMMENTS and "/T" in obj:
                    found.append((COMMENT_AUTHOR, text(obj["/T"])))
                elif isinstance(obj, StreamObject) and obj.get("/Type") == "/Metadata":
                    if budget > 0:
                        body = obj.get_data()
                        budget -= len(body)
                        packets += XMP_PACKET.findall(body)
                elif isinstance(obj, StreamObject) and obj.get("/Subtype") == "/Image":
                    # A JPEG inside a PDF is the JPEG file, EXIF and all.
                    filters = obj.get("/Filter")
                    jpeg = "/DCTDecode" in (filters if isinstance(filters, list) else [filters])
                    if jpeg and picture_location(obj.get_data()):
                        found.append((LOCATION, f"picture {obj.indirect_reference.idnum}"))
            except Exception:
                # Damaged; or encrypted with a cipher pypdf cannot undo here (AES needs the
                # cryptography package), when nothing more of it can be read.
                if reader.is_encrypted:
                    locked = True
                    break
    for packet in dict.fromkeys(packets):
        found += xmp_details(packet)
    # pypdf does not open a file whose encryption dictionary it cannot read.
    locked = locked or (not opened and b"/Encrypt" in data)
    if locked and not found:
        found.append((ENCRYPTED, ""))
    return found


def xmp_details(packet: bytes) -> list[tuple[str, str]]:
    root = parse_xml(packet)
    if root is None:
        return []
    found = []
    for tag, label in (
        (f"{{{NS['dc']}}}creator", AUTHOR),
        (f"{{{NS['dc']}}}contributor", CONTRIBUTOR),
    ):
        for element in root.iter(tag):
            items = [item.text or "" for item in element.iter() if local(item.tag) == "li"]
            found += [(label, value) for value in items or [element.text or ""]]
    if b"GPSLatitude" in packet or b"GPSLongitude" in packet:
        found.append((LOCATION, "XMP"))
    return found
