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
(connected in sites.apps) find the details, and the request comes from a context variable that
Wagtail's document admin views set: `remember_requests_in_document_views` wraps them, the way
Wagtail itself wraps every admin view in `require_admin_access`. A document saved outside those
views (in code, by the API) warns no one.

The readers are small and bounded: a PDF tokenizer that reads object dictionaries and inflates
only object streams and metadata streams (a size budget guards against zip bombs), zipfile
with per-part size limits, and defusedxml for every XML part.
"""

import itertools
import logging
import re
import zipfile
import zlib
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from html import unescape
from io import BytesIO

from defusedxml import ElementTree

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType

from wagtail import hooks
from wagtail.documents import get_document_model

logger = logging.getLogger(__name__)

MAX_DOCUMENT = 64 * 1024 * 1024  # read no more of a file than this (uploads are 10 MB at most)
MAX_PART = 32 * 1024 * 1024  # of one zip part, one PDF stream, once inflated
MAX_INFLATED = 64 * 1024 * 1024  # of all a PDF's inflated streams together
MAX_OBJECTS = 200_000  # PDF objects read

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
    if request is None or not field_file or field_file._committed:
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


class Name(str):
    """A PDF name (/Author), as opposed to a string."""


class Ref(tuple):
    """An indirect reference: (object number, generation)."""


class PDFError(ValueError):
    pass


SPACE = re.compile(rb"(?:[\x00\t\n\x0c\r ]+|%[^\r\n]*)*")
REGULAR = re.compile(rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]+")
REFERENCE = re.compile(rb"\s*(\d+)\s+R(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])")
OBJECT = re.compile(rb"(?<![0-9])(\d+)\s+(\d+)\s+obj\b")
STREAM = re.compile(rb">>\s*stream\b")
INFO = re.compile(rb"/Info\s*(\d+)\s+(\d+)\s+R")
ROOT = re.compile(rb"/Root\s*(\d+)\s+(\d+)\s+R")
ENCRYPT = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")
XMP_PACKET = re.compile(rb"<(?:\w+:)?x[am]pmeta\b.*?</(?:\w+:)?x[am]pmeta\s*>", re.DOTALL)
ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
# Info dictionary keys that name a person (/Creator and /Producer name programs).
INFO_PEOPLE = {"Author": AUTHOR, "LastModifiedBy": LAST_MODIFIED_BY, "Manager": MANAGER}
# Annotation types that are comments, whose /T is the commenter's name.
COMMENTS = {"Text", "FreeText", "Highlight", "Underline", "StrikeOut", "Squiggly", "Ink",
            "Square", "Circle", "Line", "Polygon", "PolyLine", "Stamp", "Caret", "FileAttachment",
            "Sound", "Redact"}  # fmt: skip


def skip_space(data: bytes, pos: int) -> int:
    """The position after any whitespace and % comments."""
    return SPACE.match(data, pos).end()


def parse(data: bytes, pos: int, depth: int = 0):
    """The PDF object at `pos`, and the position after it."""
    if depth > 64:
        raise PDFError("nested too deeply")
    pos = skip_space(data, pos)
    if pos >= len(data):
        raise PDFError("ends in an object")
    char = data[pos]
    if data.startswith(b"<<", pos):
        result, pos = {}, pos + 2
        while True:
            pos = skip_space(data, pos)
            if data.startswith(b">>", pos):
                return result, pos + 2
            key, pos = parse(data, pos, depth + 1)
            value, pos = parse(data, pos, depth + 1)
            if isinstance(key, Name):
                result[str(key)] = value
    if char == 0x3C:  # <hex string>
        end = data.find(b">", pos)
        if end < 0:
            raise PDFError("unterminated hex string")
        digits = re.sub(rb"[^0-9A-Fa-f]", b"", data[pos + 1 : end])
        return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode()), end + 1
    if char == 0x28:  # (literal string)
        return literal_string(data, pos + 1)
    if char == 0x5B:  # [array]
        result, pos = [], pos + 1
        while True:
            pos = skip_space(data, pos)
            if data.startswith(b"]", pos):
                return result, pos + 1
            value, pos = parse(data, pos, depth + 1)
            result.append(value)
    if char == 0x2F:  # /Name
        match = REGULAR.match(data, pos + 1)
        raw = match.group() if match else b""
        name = raw
        if b"#" in raw:
            name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes.fromhex(m[1].decode()), raw)
        return Name(name.decode("latin-1")), pos + 1 + len(raw)
    match = REGULAR.match(data, pos)
    if not match:
        raise PDFError(f"unexpected {chr(char)!r}")
    token, pos = match.group(), match.end()
    if token.isdigit():
        reference = REFERENCE.match(data, pos)
        if reference:
            return Ref((int(token), int(reference[1]))), reference.end()
        return int(token), pos
    try:
        return float(token), pos
    except ValueError:
        return token.decode("latin-1"), pos  # true, false, null, obj, stream...


def literal_string(data: bytes, pos: int):
    out, depth = bytearray(), 1
    while pos < len(data):
        char = data[pos]
        if char == 0x5C and pos + 1 < len(data):  # backslash
            following = data[pos + 1]
            if following in ESCAPES:
                out += ESCAPES[following]
                pos += 2
            elif 0x30 <= following <= 0x37:
                octal = re.match(rb"[0-7]{1,3}", data[pos + 1 : pos + 4]).group()
                out.append(int(octal, 8) & 0xFF)
                pos += 1 + len(octal)
            elif following in b"\r\n":  # a line continued
                pos += 3 if data[pos + 1 : pos + 3] == b"\r\n" else 2
            else:
                out.append(following)
                pos += 2
            continue
        if char == 0x28:
            depth += 1
        elif char == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), pos + 1
        out.append(char)
        pos += 1
    raise PDFError("unterminated string")


def text(value) -> str:
    """A PDF text string: UTF-16 with a byte-order mark, UTF-8 with one, else PDFDocEncoding
    (Latin-1 in all but a few punctuation marks)."""
    if not isinstance(value, bytes):
        return ""
    if value[:2] == b"\xfe\xff":
        return value[2:].decode("utf-16-be", "replace")
    if value[:2] == b"\xff\xfe":
        return value[2:].decode("utf-16-le", "replace")
    if value[:3] == b"\xef\xbb\xbf":
        return value[3:].decode("utf-8", "replace")
    return value.decode("latin-1")


class PDF:
    """Just enough of a PDF reader to find who made it: objects by number, in every revision.

    Objects are found by their "N G obj" headers rather than through the cross-reference table,
    so that earlier revisions are found too, and parsed only when their dictionary mentions
    what is looked for.
    """

    def __init__(self, data: bytes, *, unpack: bool = True):
        self.data = data
        self.inflated = 0
        # (number, source, start, end): where each object's text is; `source` is the file or
        # the inflated body of an object stream.
        self.entries: list[tuple[int, bytes, int, int]] = []
        self.index: dict[int, list[tuple[bytes, int]]] = {}
        self.values: dict[tuple[int, int], object] = {}
        matches = OBJECT.finditer(data)
        for match in itertools.islice(matches, MAX_OBJECTS):
            end = data.find(b"endobj", match.end())
            self.add(int(match[1]), data, match.end(), end if end >= 0 else len(data))
        if unpack:  # objects kept compressed in object streams (PDF 1.5 and later)
            for _, source, start, _ in self.having(rb"/ObjStm\b"):
                header = self.value(source, start)
                if isinstance(header, dict) and header.get("Type") == "ObjStm":
                    self.unpack(header, start)

    def add(self, number: int, source: bytes, start: int, end: int):
        self.entries.append((number, source, start, end))
        self.index.setdefault(number, []).append((source, start))

    def having(self, pattern: bytes):
        """The objects whose text (up to any stream data) matches `pattern`."""
        found = re.compile(pattern)
        for entry in list(self.entries):
            _, source, start, end = entry
            stream = STREAM.search(source, start, end)
            if found.search(source, start, stream.start() if stream else end):
                yield entry

    def value(self, source: bytes, start: int):
        key = (id(source), start)
        if key not in self.values:
            try:
                self.values[key] = parse(source, start)[0]
            except (PDFError, ValueError, IndexError, RecursionError):
                self.values[key] = None
        return self.values[key]

    def unpack(self, header: dict, start: int):
        body = self.stream(header, start)
        first, count = header.get("First"), header.get("N")
        if body is None or not isinstance(first, int) or not isinstance(count, int):
            return
        numbers = [int(n) for n in re.findall(rb"\d+", body[:first])][: count * 2]
        pairs = list(zip(numbers[0::2], numbers[1::2], strict=False))
        for i, (number, offset) in enumerate(pairs):
            end = first + pairs[i + 1][1] if i + 1 < len(pairs) else len(body)
            if len(self.entries) < MAX_OBJECTS:
                self.add(number, body, first + offset, end)

    def revisions(self, number: int) -> list:
        """Every version of an object the file holds, oldest first."""
        values = [self.value(source, start) for source, start in self.index.get(number, [])]
        return [value for value in values if value is not None]

    def resolve(self, value, depth=0):
        if isinstance(value, Ref) and depth < 8:
            versions = self.revisions(value[0])
            return self.resolve(versions[-1], depth + 1) if versions else None
        return value

    def stream(self, header: dict, start: int, *, decode: bool = True) -> bytes | None:
        """The data of the stream whose dictionary starts at `start`: as stored, or decoded if
        it is plain or FlateDecode and fits the budget."""
        try:
            _, pos = parse(self.data, start)
        except (PDFError, ValueError, IndexError, RecursionError):
            return None
        pos = skip_space(self.data, pos)
        if not self.data.startswith(b"stream", pos):
            return None
        pos += 6
        pos += 2 if self.data[pos : pos + 2] == b"\r\n" else 1
        length = self.resolve(header.get("Length"))
        if not isinstance(length, int) or length < 0 or pos + length > len(self.data):
            end = self.data.find(b"endstream", pos)
            length = (end if end >= 0 else len(self.data)) - pos
        raw = self.data[pos : pos + min(length, MAX_PART)]
        filters = header.get("Filter")
        filters = filters if isinstance(filters, list) else [filters] if filters else []
        if not decode or not filters:
            return raw
        if filters != ["FlateDecode"]:
            return None
        budget = min(MAX_PART, MAX_INFLATED - self.inflated)
        if budget <= 0:
            return None
        try:
            inflated = zlib.decompressobj().decompress(raw, budget)
        except zlib.error:
            return None
        self.inflated += len(inflated)
        return inflated


def pdf_details(data: bytes) -> list[tuple[str, str]]:
    # An encrypted file's strings and compressed streams are ciphertext: only XMP stored as
    # plain text (and pictures) can be read.
    encrypted = bool(ENCRYPT.search(data))
    pdf = PDF(data, unpack=not encrypted)
    found = []
    if not encrypted:
        # The Info dictionary, in every revision: an author "removed" by an incremental save
        # is still in the file.
        for number in sorted({int(match[1]) for match in INFO.finditer(data)}):
            for info in pdf.revisions(number):
                if isinstance(info, dict):
                    for key, label in INFO_PEOPLE.items():
                        found.append((label, text(pdf.resolve(info.get(key)))))
        # Comments: each annotation's /T is its author's name.
        for _, source, start, _ in pdf.having(rb"/T[\s(<]"):
            value = pdf.value(source, start)
            if isinstance(value, dict) and value.get("Subtype") in COMMENTS and "T" in value:
                found.append((COMMENT_AUTHOR, text(pdf.resolve(value["T"]))))
    # XMP: packets stored as they are, and metadata streams stored compressed.
    packets = XMP_PACKET.findall(data)
    for _, source, start, _ in pdf.having(rb"/Metadata\b|/Image\b"):
        value = pdf.value(source, start)
        if not isinstance(value, dict) or source is not data or encrypted:
            continue  # (streams are never packed; an encrypted file's are ciphertext)
        if value.get("Type") == "Metadata" and value.get("Filter"):
            body = pdf.stream(value, start)
            if body and b"xmpmeta" in body:
                packets += XMP_PACKET.findall(body)
        elif (
            # A JPEG inside a PDF is the JPEG file, EXIF and all.
            value.get("Subtype") == "Image"
            and value.get("Filter") in ("DCTDecode", ["DCTDecode"])
            and picture_location(pdf.stream(value, start, decode=False))
        ):
            found.append((LOCATION, f"picture at byte {start}"))
    for packet in packets:
        found += xmp_details(packet)
    if encrypted and not found:
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
