"""Editors are warned when an uploaded document names its author (sites.privacy.documents).

The files are real: PDFs written object by object (Info dictionaries, XMP, object streams, an
incremental update, a comment), and Word, Excel, PowerPoint, OpenDocument and RTF files built
the way those programs store them. They are uploaded through Wagtail's own admin views.
"""

import io
import json
import zipfile
import zlib

import pytest
from PIL import Image as PILImage

from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.documents.models import Document
from wagtail.models import Collection

from sites.privacy import documents
from sites.privacy.documents import examine

pytestmark = pytest.mark.django_db

WARNING = "names its author"


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def pdf_string(value: str) -> bytes:
    escaped = value.encode("latin-1").replace(b"\\", b"\\\\")
    return b"(" + escaped.replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def write_pdf(objects: dict[int, bytes], trailer: bytes, *, update: bytes = b"") -> bytes:
    """A PDF with a classic cross-reference table, from numbered object bodies."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (max(objects) + 1)
    for number in range(1, max(objects) + 1):
        out += b"%010d 00000 n \n" % offsets.get(number, 0)
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out) + update


def page_objects() -> dict[int, bytes]:
    content = b"BT /F1 24 Tf 72 720 Td (Annual report) Tj ET"
    return {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
        4: b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    }


def pdf(author: str | None = "Jane Doe", **info: str) -> bytes:
    """A one-page PDF whose Info dictionary names `author` (and any other `info`)."""
    objects = page_objects()
    entries = {"Title": "Annual report", "Creator": "Microsoft Word", "Producer": "Acrobat"}
    if author is not None:
        entries["Author"] = author
    entries.update(info)
    objects[5] = (
        b"<< "
        + b" ".join(b"/" + k.encode() + b" " + pdf_string(v) for k, v in entries.items())
        + b" >>"
    )
    return write_pdf(objects, b"<< /Size 6 /Root 1 0 R /Info 5 0 R >>")


XMP = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Microsoft Word">'
    "<dc:creator><rdf:Seq><rdf:li>Maria Caseworker</rdf:li></rdf:Seq></dc:creator>"
    '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
).encode()


def pdf_with_xmp(*, compressed: bool) -> bytes:
    objects = page_objects()
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R /Metadata 6 0 R >>"
    objects[5] = b"<< /Title (Annual report) /Producer (Acrobat) >>"
    body = zlib.compress(XMP) if compressed else XMP
    flate = b" /Filter /FlateDecode" if compressed else b""
    objects[6] = (
        b"<< /Type /Metadata /Subtype /XML /Length %d%s >>\nstream\n" % (len(body), flate)
        + body
        + b"\nendstream"
    )
    return write_pdf(objects, b"<< /Size 7 /Root 1 0 R /Info 5 0 R >>")


def pdf_with_packed_info() -> bytes:
    """PDF 1.5: the Info dictionary compressed in an object stream, found through the
    cross-reference stream's /Info entry."""
    objects = page_objects()
    packed = b"<< /Author <FEFF004A0061006E006500200044006F0065> /Title (Report) >>"
    header = b"5 0 "
    body = zlib.compress(header + packed)
    objects[6] = (
        b"<< /Type /ObjStm /N 1 /First %d /Length %d /Filter /FlateDecode >>\nstream\n"
        % (len(header), len(body))
        + body
        + b"\nendstream"
    )
    objects[7] = (
        b"<< /Type /XRef /Size 8 /Root 1 0 R /Info 5 0 R /W [1 2 1] /Length 0 >>\nstream\n\nendstream"
    )
    return write_pdf(objects, b"<< /Size 8 /Root 1 0 R >>")


def pdf_with_author_removed_by_an_update() -> bytes:
    """An author "removed" in an incremental save: the new Info has none, the old one is still
    in the file."""
    original = pdf("Jane Doe")
    update = (
        b"5 0 obj\n<< /Title (Annual report) >>\nendobj\n"
        b"xref\n5 1\n%010d 00000 n \ntrailer\n<< /Size 6 /Root 1 0 R /Info 5 0 R >>\n%%%%EOF\n"
        % len(original)
    )
    return original + update


def pdf_with_a_comment() -> bytes:
    objects = page_objects()
    objects[3] = objects[3].replace(b"/Contents 4 0 R", b"/Contents 4 0 R /Annots [6 0 R]")
    objects[5] = b"<< /Title (Report) >>"
    objects[6] = (
        b"<< /Type /Annot /Subtype /Text /Rect [100 100 120 120]"
        b" /T (Sam Reviewer) /Contents (Check this name) >>"
    )
    return write_pdf(objects, b"<< /Size 7 /Root 1 0 R /Info 5 0 R >>")


def ooxml(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def core(creator="Jane Doe", modified_by="John Roe") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:title>Annual report</dc:title>"
        f"<dc:creator>{creator}</dc:creator><cp:lastModifiedBy>{modified_by}</cp:lastModifiedBy>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2025-01-01T00:00:00Z</dcterms:created>'
        "</cp:coreProperties>"
    )


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx(creator="Jane Doe", modified_by="John Roe", parts=None) -> bytes:
    files = {
        "word/document.xml": f"<w:document {W}><w:body><w:p><w:r><w:t>Report</w:t></w:r></w:p></w:body></w:document>",
        "docProps/core.xml": core(creator, modified_by),
    }
    return ooxml({**files, **(parts or {})})


def odt(initial="Jane Doe", last="John Roe") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "meta.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
            ' xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta>'
            f"<meta:initial-creator>{initial}</meta:initial-creator><dc:creator>{last}</dc:creator>"
            "</office:meta></office:document-meta>",
        )
    return out.getvalue()


def photo_with_gps() -> bytes:
    exif = PILImage.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (40.0, 26.0, 46.0), "W", (79.0, 58.0, 56.0)
    out = io.BytesIO()
    PILImage.new("RGB", (20, 20), "white").save(out, "JPEG", exif=exif)
    return out.getvalue()


def collection():
    return Collection.get_first_root_node().pk


def add(client, name, data, title="Annual report", **extra):
    return client.post(
        reverse("wagtaildocs:add"),
        {
            "title": title,
            "file": SimpleUploadedFile(name, data),
            "collection": collection(),
            **extra,
        },
        follow=True,
    )


def warnings_of(response) -> list[str]:
    return [
        str(m)
        for m in get_messages(response.wsgi_request)
        if WARNING in str(m) or "encrypted" in str(m)
    ]


# --- Through the admin ---------------------------------------------------------------------


def test_a_pdf_naming_its_author_warns_the_editor(admin_client):
    response = add(admin_client, "report.pdf", pdf("Jane Doe"))
    assert response.status_code == 200
    assert Document.objects.filter(title="Annual report").exists()  # not blocked
    [warning] = [str(m) for m in response.context["messages"] if WARNING in str(m)]
    assert warning.startswith("This file (report.pdf) names its author: 'Jane Doe' (Author).")
    assert "Remove it before publishing" in warning
    assert "Microsoft Word" not in warning  # /Creator names a program, not a person
    # The admin page shows it.
    assert "This file (report.pdf) names its author: &#x27;Jane Doe&#x27; (Author)." in (
        response.content.decode()
    )


def test_a_clean_pdf_warns_no_one(admin_client):
    response = add(admin_client, "clean.pdf", pdf(None))
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert not [m for m in messages if WARNING in m]
    assert any("added" in m for m in messages)


def test_a_docx_naming_its_author_warns_the_editor(admin_client):
    response = add(admin_client, "report.docx", docx("Jane Doe", "John Roe"))
    [warning] = [str(m) for m in response.context["messages"] if WARNING in str(m)]
    assert "'Jane Doe' (Author)" in warning
    assert "'John Roe' (Last modified by)" in warning


def test_the_warning_does_not_store_what_it_found(admin_client):
    add(admin_client, "report.pdf", pdf("Jane Doe"))
    document = Document.objects.get(title="Annual report")
    stored_fields = [
        str(getattr(document, field.attname)) for field in Document._meta.concrete_fields
    ]
    assert not [value for value in stored_fields if "Jane" in value]


def test_multiple_upload_warns_the_editor(admin_client):
    response = admin_client.post(
        reverse("wagtaildocs:add_multiple"),
        {
            "files[]": SimpleUploadedFile("many.docx", docx("Jane Doe", "Jane Doe")),
            "collection": collection(),
        },
    )
    assert json.loads(response.content)["success"]
    [warning] = warnings_of(response)
    assert "'Jane Doe' (Author, Last modified by)" in warning  # one name, both places


def test_a_file_parked_by_the_multiple_uploader_warns_when_parked(admin_client):
    """When the upload form fails on another field, Wagtail parks the file as an UploadedFile
    and later copies it into the document without a new upload: the warning comes at once."""
    response = admin_client.post(
        reverse("wagtaildocs:add_multiple"),
        {"files[]": SimpleUploadedFile("parked.pdf", pdf("Jane Doe")), "collection": "999999"},
    )
    assert "uploaded_file_id" in json.loads(response.content)
    [warning] = warnings_of(response)
    assert "This file (parked.pdf) names its author: 'Jane Doe' (Author)." in warning


def test_the_choosers_upload_warns_the_editor(admin_client):
    response = admin_client.post(
        reverse("wagtaildocs_chooser:create"),
        {
            "document-chooser-upload-title": "From the chooser",
            "document-chooser-upload-file": SimpleUploadedFile("chosen.pdf", pdf("Jane Doe")),
            "document-chooser-upload-collection": collection(),
        },
    )
    assert response.status_code == 200
    assert Document.objects.filter(title="From the chooser").exists()
    [warning] = warnings_of(response)
    assert "'Jane Doe' (Author)" in warning


def test_replacing_a_documents_file_warns_the_editor(admin_client):
    document = Document.objects.create(
        title="Replaced", file=ContentFile(pdf(None), name="first.pdf")
    )
    response = admin_client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        {
            "title": "Replaced",
            "file": SimpleUploadedFile("second.pdf", pdf("Jane Doe")),
            "collection": collection(),
        },
    )
    assert response.status_code == 302
    [warning] = warnings_of(response)
    assert "This file (second.pdf)" in warning
    admin_client.get(reverse("wagtaildocs:index"))  # the editor sees it
    # Editing only the title says nothing: the file is the one already checked.
    response = admin_client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        {"title": "Renamed", "collection": collection()},
    )
    assert response.status_code == 302
    assert not warnings_of(response)


def test_an_authors_name_is_shown_as_text_not_html(admin_client):
    response = add(admin_client, "xss.pdf", pdf("<script>alert(1)</script>"))
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_document_saved_in_code_warns_no_one_and_does_not_fail():
    document = Document.objects.create(
        title="Quiet", file=ContentFile(pdf("Jane Doe"), name="q.pdf")
    )
    assert document.pk


def test_an_unreadable_file_is_still_uploaded(admin_client):
    response = add(admin_client, "broken.pdf", b"%PDF-1.4\n1 0 obj << /Author (Jane (((( \n")
    assert response.status_code == 200
    assert Document.objects.filter(title="Annual report").exists()


# --- What is found, file by file -----------------------------------------------------------


def test_pdf_info_dictionary():
    assert examine(pdf("Jane Doe")) == [("Author", "Jane Doe")]
    assert examine(pdf(None)) == []
    assert examine(pdf("Jane Doe", LastModifiedBy="John Roe")) == [
        ("Author", "Jane Doe"),
        ("Last modified by", "John Roe"),
    ]


def test_pdf_xmp_plain_and_compressed():
    assert examine(pdf_with_xmp(compressed=False)) == [("Author", "Maria Caseworker")]
    assert examine(pdf_with_xmp(compressed=True)) == [("Author", "Maria Caseworker")]


def test_pdf_info_in_an_object_stream_in_utf16():
    assert examine(pdf_with_packed_info()) == [("Author", "Jane Doe")]


def test_pdf_author_left_in_an_earlier_revision():
    assert examine(pdf_with_author_removed_by_an_update()) == [("Author", "Jane Doe")]


def test_pdf_comment_author():
    assert examine(pdf_with_a_comment()) == [("Comment author", "Sam Reviewer")]


def test_pdf_with_a_photo_that_records_where_it_was_taken():
    photo = photo_with_gps()
    objects = page_objects()
    objects[5] = b"<< /Title (Report) >>"
    objects[6] = (
        b"<< /Type /XObject /Subtype /Image /Width 20 /Height 20 /ColorSpace /DeviceRGB"
        b" /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n"
        % len(photo)
        + photo
        + b"\nendstream"
    )
    found = examine(write_pdf(objects, b"<< /Size 7 /Root 1 0 R /Info 5 0 R >>"))
    assert [label for label, _ in found] == ["location"]
    assert "holds a picture that records where it was taken" in documents.warning(found, "x.pdf")


def test_encrypted_pdf_is_said_to_be_unchecked():
    data = pdf("\x8a\x13\xff garbled").replace(
        b"/Info 5 0 R >>", b"/Info 5 0 R /Encrypt << /Filter /Standard /V 2 >> >>"
    )
    found = examine(data)
    assert found == [("encrypted", "")]
    assert "is encrypted" in documents.warning(found, "locked.pdf")


def test_docx_comments_tracked_changes_and_manager():
    data = docx(
        parts={
            "word/comments.xml": f'<w:comments {W}><w:comment w:id="0" w:author="Sam Reviewer"/></w:comments>',
            "word/document.xml": (
                f'<w:document {W}><w:body><w:p><w:ins w:id="1" w:author="Pat Editor"><w:r><w:t>x</w:t>'
                "</w:r></w:ins></w:p></w:body></w:document>"
            ),
            "docProps/app.xml": (
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                "<Manager>Lee Manager</Manager><Company>Harbor Light</Company></Properties>"
            ),
        }
    )
    assert sorted(examine(data)) == [
        ("Author", "Jane Doe"),
        ("Comment author", "Sam Reviewer"),
        ("Last modified by", "John Roe"),
        ("Manager", "Lee Manager"),
        ("Tracked changes by", "Pat Editor"),
    ]


def test_docx_with_a_photo_that_records_where_it_was_taken():
    data = ooxml({"docProps/core.xml": core("", ""), "word/media/image1.jpeg": photo_with_gps()})
    assert examine(data) == [("location", "word/media/image1.jpeg")]


def test_xlsx_and_pptx():
    xlsx = ooxml(
        {
            "docProps/core.xml": core("Jane Doe", ""),
            "xl/comments1.xml": '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            "<authors><author>Sam Reviewer</author></authors></comments>",
        }
    )
    assert examine(xlsx) == [("Author", "Jane Doe"), ("Comment author", "Sam Reviewer")]
    pptx = ooxml(
        {
            "docProps/core.xml": core("", "John Roe"),
            "ppt/commentAuthors.xml": '<p:cmAuthorLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
            '<p:cmAuthor id="1" name="Sam Reviewer" initials="SR"/></p:cmAuthorLst>',
        }
    )
    assert examine(pptx) == [("Last modified by", "John Roe"), ("Comment author", "Sam Reviewer")]


def test_odt():
    assert examine(odt("Jane Doe", "John Roe")) == [
        ("Author", "Jane Doe"),
        ("Last modified by", "John Roe"),
    ]


def test_rtf():
    data = (
        rb"{\rtf1\ansi{\info{\title Report}{\author Jos\'e9 Doe}{\operator Jane \u381?Roe}}Hello}"
    )
    assert examine(data) == [("Author", "José Doe"), ("Last modified by", "Jane ŽRoe")]


def test_xml_with_entities_is_not_expanded():
    """A "billion laughs" core.xml: defusedxml refuses it, the upload is not slowed or broken."""
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>&lol2;</dc:creator></cp:coreProperties>'
    )
    assert examine(ooxml({"docProps/core.xml": bomb})) == []


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n1 0 obj << /Author (Jane",
        b"%PDF-1.4\n1 0 obj <<" + b"[" * 5000 + b"\ntrailer << /Info 1 0 R >>",
        b"%PDF-1.4\n6 0 obj << /Type /ObjStm /N 3 /First 99 /Filter /FlateDecode /Length 5 >>\nstream\nxxxxx\nendstream",
        b"PK\x03\x04 not really a zip",
        b"{\\rtf1 {\\author ",
        b"plain text, a CSV, anything else",
    ],
)
def test_damaged_files_find_nothing_and_raise_nothing(data):
    assert examine(data) == []
