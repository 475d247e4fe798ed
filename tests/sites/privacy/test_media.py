"""Photos lose their location, camera and other metadata on upload (sites.privacy.media).

Every test builds a real file with a GPS position, a camera, XMP and text metadata, uploads it
the way an editor or a developer does (the admin's upload form, its multiple uploader, the
chooser's upload tab, Image.objects.create), then reads what storage holds: the original and
its renditions, byte for byte.
"""

import hashlib
import io
import json
from pathlib import Path

import pytest
from PIL import Image as PILImage
from PIL import PngImagePlugin

from django.core.files import File
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.images.models import Filter, Image, Rendition
from wagtail.models import Collection, UploadedFile

from sites.privacy import media

pytestmark = pytest.mark.django_db

SIZE = (240, 160)  # landscape as stored; the camera was turned: Orientation 6
MARKER = (255, 0, 0)  # a red square in the stored top-left corner
MAKE, MODEL = "LanternTestCam", "Survivor Phone 9"
LATITUDE = (40.0, 26.0, 46.302)
XMP = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'exif:GPSLatitude="40,26.7717N" exif:GPSLongitude="79,58.9333W">'
    "<dc:creator><rdf:Seq><rdf:li>Jane Survivor</rdf:li></rdf:Seq></dc:creator>"
    '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)
# Bytes that must not be anywhere in storage once a dirty file has been uploaded.
TELLTALES = [
    MAKE.encode(),
    MODEL.encode(),
    b"GPSLatitude",
    b"Jane Survivor",
    b"Exif\x00\x00",
    b"http://ns.adobe.com/xap/1.0/",
    b"adobe:ns:meta",
    b"Kitchen at the shelter",
]


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    """Each test's own MEDIA_ROOT, so "nothing in storage" means this test's storage."""
    settings.MEDIA_ROOT = str(tmp_path)
    Rendition.cache_backend.clear()
    return tmp_path


def exif(orientation=6) -> PILImage.Exif:
    data = PILImage.Exif()
    data[0x010F] = MAKE  # Make
    data[0x0110] = MODEL  # Model
    data[0x0112] = orientation
    gps = data.get_ifd(0x8825)  # GPSInfo
    gps[1], gps[2], gps[3], gps[4] = "N", LATITUDE, "W", (79.0, 58.0, 56.0)
    data.get_ifd(0x8769)[0x9286] = b"ASCII\0\0\0Kitchen at the shelter"  # UserComment
    return data


def picture(mode="RGB") -> PILImage.Image:
    image = PILImage.new(mode, SIZE, (255, 255, 255) if mode == "RGB" else (255, 255, 255, 255))
    image.paste(MARKER if mode == "RGB" else (*MARKER, 255), (0, 0, 40, 40))
    return image


def dirty_jpeg(orientation=6) -> bytes:
    out = io.BytesIO()
    picture().save(
        out,
        "JPEG",
        quality=92,
        exif=exif(orientation),
        xmp=XMP.encode(),
        comment=b"Kitchen at the shelter",
    )
    return out.getvalue()


def dirty_png(orientation=6) -> bytes:
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "Kitchen at the shelter")
    text.add_itxt("XML:com.adobe.xmp", XMP)
    out = io.BytesIO()
    picture("RGBA").save(out, "PNG", exif=exif(orientation), pnginfo=text)
    return out.getvalue()


def dirty_webp(orientation=6, lossless=False) -> bytes:
    out = io.BytesIO()
    picture().save(
        out, "WEBP", exif=exif(orientation), xmp=XMP.encode(), lossless=lossless, quality=95
    )
    return out.getvalue()


def dirty_avif() -> bytes:
    out = io.BytesIO()
    picture().save(out, "AVIF", exif=exif(1), xmp=XMP.encode(), quality=90)
    return out.getvalue()


def dirty_gif() -> bytes:
    """An animated GIF with a comment and an XMP application extension."""
    frames = [PILImage.new("RGB", (30, 20), colour) for colour in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(
        out,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=[100, 200, 300],
        loop=0,
        comment=b"Kitchen at the shelter",
    )
    data = out.getvalue()
    packet = XMP.encode()
    blocks = b"".join(
        bytes([len(packet[i : i + 255])]) + packet[i : i + 255] for i in range(0, len(packet), 255)
    )
    xmp = b"\x21\xff\x0bXMP DataXMP" + blocks + b"\x00"
    first_frame = data.index(b"\x21\xf9")  # before the first frame's graphic control
    return data[:first_frame] + xmp + data[first_frame:]


DIRTY = {
    "jpeg": (dirty_jpeg, "JPEG", ".jpg", "image/jpeg"),
    "png": (dirty_png, "PNG", ".png", "image/png"),
    "webp": (dirty_webp, "WEBP", ".webp", "image/webp"),
}


def metadata_in(data: bytes) -> list[str]:
    """Everything in `data` that is metadata, as Pillow reads it and as bytes."""
    found = [repr(telltale) for telltale in TELLTALES if telltale in data]
    with PILImage.open(io.BytesIO(data)) as image:
        image.load()
        if len(image.getexif()):
            found.append(f"EXIF {dict(image.getexif())}")
        for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop"):
            if image.info.get(key):
                found.append(f"info[{key!r}]")
        if image.format == "PNG" and image.text:
            found.append(f"PNG text {list(image.text)}")
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        for chunk in (b"eXIf", b"tEXt", b"iTXt", b"zTXt"):
            if chunk in data:
                found.append(chunk.decode())
    return found


def assert_upright(data: bytes, fmt: str):
    """Orientation 6 applied: portrait now, the red square moved to the top-right corner."""
    with PILImage.open(io.BytesIO(data)) as image:
        assert image.format == fmt
        assert image.size == (SIZE[1], SIZE[0])
        rgb = image.convert("RGB")
        red, green, blue = rgb.getpixel((image.width - 8, 8))
        assert red > 200 and green < 60 and blue < 60, "the marker is not top-right"
        assert rgb.getpixel((8, 8)) > (200, 200, 200), "the top-left corner is not white"


def stored(image: Image) -> bytes:
    with image.file.storage.open(image.file.name, "rb") as file:
        return file.read()


def assert_fields_match_the_file(image: Image):
    image.refresh_from_db()
    data = stored(image)
    with PILImage.open(io.BytesIO(data)) as picture_:
        assert (image.width, image.height) == picture_.size
    assert image.get_file_size() == len(data) == image.file.storage.size(image.file.name)
    assert image.get_file_hash() == hashlib.sha1(data).hexdigest()  # noqa: S324


def assert_nothing_in_storage(root: Path):
    """No file anywhere in storage (originals, renditions, uploads) holds the metadata."""
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            leaked = [telltale for telltale in TELLTALES if telltale in data]
            assert not leaked, f"{path.relative_to(root)} holds {leaked}"


def assert_clean_renditions(image: Image, upright=True):
    specs = ["width-400|format-webp", "width-100|format-jpeg", "width-100|format-png", "width-90"]
    renditions = [image.get_rendition(spec) for spec in specs]
    # Several at once: Wagtail makes these in threads and bulk-creates the rows.
    renditions += image.get_renditions("width-80|format-jpeg", "width-70|format-png").values()
    for rendition in renditions:
        with rendition.file.storage.open(rendition.file.name, "rb") as file:
            data = file.read()
        assert metadata_in(data) == [], rendition.filter_spec
        with PILImage.open(io.BytesIO(data)) as picture_:
            portrait = picture_.height > picture_.width
        assert portrait == upright, rendition.filter_spec


def root_collection():
    return Collection.get_first_root_node()


def upload(name, data, content_type):
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- The files are what they claim: dirty before -------------------------------------------


@pytest.mark.parametrize("kind", DIRTY)
def test_the_test_files_carry_gps_camera_and_xmp(kind):
    make, fmt, _, _ = DIRTY[kind]
    data = make()
    with PILImage.open(io.BytesIO(data)) as image:
        assert image.format == fmt
        assert image.getexif().get_ifd(0x8825)[2] == LATITUDE
        assert image.getexif()[0x010F] == MAKE
        assert image.getexif()[0x0112] == 6
        assert image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")


def test_wagtail_copies_a_photos_exif_into_jpeg_and_png_renditions():
    """What Lantern guards against: Willow writes the original's EXIF, GPS included, into JPEG
    and PNG renditions (WebP and AVIF renditions get none). So originals must be clean."""
    unsaved = Image(title="Not saved", width=SIZE[0], height=SIZE[1])
    for spec in ("width-100|format-jpeg", "width-100|format-png"):
        output = Filter(spec=spec).run(
            unsaved, io.BytesIO(), source=File(io.BytesIO(dirty_jpeg()), name="dirty.jpg")
        )
        output.f.seek(0)
        with PILImage.open(output.f) as rendition:
            assert rendition.getexif().get_ifd(0x8825)[2] == LATITUDE, spec


# --- Through the admin ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", DIRTY)
def test_admin_upload_stores_a_clean_upright_original(admin_client, storage, kind):
    make, fmt, extension, content_type = DIRTY[kind]
    response = admin_client.post(
        reverse("wagtailimages:add"),
        {
            "title": f"Shelter kitchen {kind}",
            "file": upload(f"kitchen{extension}", make(), content_type),
            "collection": root_collection().pk,
        },
    )
    assert response.status_code == 302
    image = Image.objects.get(title=f"Shelter kitchen {kind}")
    data = stored(image)
    assert metadata_in(data) == []
    assert_upright(data, fmt)
    assert image.file.name.endswith(extension)
    assert_fields_match_the_file(image)
    assert_clean_renditions(image)
    assert_nothing_in_storage(storage)


@pytest.mark.parametrize("kind", DIRTY)
def test_multiple_upload_stores_a_clean_upright_original(admin_client, storage, kind):
    make, fmt, extension, content_type = DIRTY[kind]
    response = admin_client.post(
        reverse("wagtailimages:add_multiple"),
        {
            "files[]": upload(f"many{extension}", make(), content_type),
            "collection": root_collection().pk,
        },
    )
    result = json.loads(response.content)
    assert result["success"], result
    image = Image.objects.get(pk=result["image_id"])
    data = stored(image)
    assert metadata_in(data) == []
    assert_upright(data, fmt)
    assert_fields_match_the_file(image)
    assert_clean_renditions(image)
    assert_nothing_in_storage(storage)


def test_a_file_parked_by_the_multiple_uploader_is_clean_too(admin_client, storage):
    """When the upload form fails on another field, Wagtail parks the file as an UploadedFile,
    then copies it byte for byte into the image: it must be clean when parked."""
    response = admin_client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": upload("parked.jpg", dirty_jpeg(), "image/jpeg"), "collection": "999999"},
    )
    result = json.loads(response.content)
    parked = UploadedFile.objects.get(pk=result["uploaded_file_id"])
    with parked.file.open("rb") as file:
        assert metadata_in(file.read()) == []
    response = admin_client.post(
        reverse("wagtailimages:create_multiple_from_uploaded_image", args=[parked.pk]),
        {
            f"uploaded-image-{parked.pk}-title": "Parked",
            f"uploaded-image-{parked.pk}-collection": root_collection().pk,
        },
    )
    assert json.loads(response.content)["success"]
    image = Image.objects.get(title="Parked")
    assert metadata_in(stored(image)) == []
    assert_upright(stored(image), "JPEG")
    assert_fields_match_the_file(image)
    assert_nothing_in_storage(storage)


def test_chooser_upload_stores_a_clean_original(admin_client, storage):
    response = admin_client.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-title": "From the chooser",
            "image-chooser-upload-file": upload("chosen.webp", dirty_webp(), "image/webp"),
            "image-chooser-upload-collection": root_collection().pk,
        },
    )
    assert response.status_code == 200
    image = Image.objects.get(title="From the chooser")
    assert metadata_in(stored(image)) == []
    assert_upright(stored(image), "WEBP")
    assert_fields_match_the_file(image)
    assert_nothing_in_storage(storage)


def test_replacing_an_images_file_cleans_the_new_one(admin_client, storage):
    image = Image.objects.create(
        title="Replaced",
        file=ImageFile(io.BytesIO(dirty_png(orientation=1)), name="first.png"),
        collection=root_collection(),
    )
    response = admin_client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {
            "title": "Replaced",
            "file": upload("second.jpg", dirty_jpeg(), "image/jpeg"),
            "collection": root_collection().pk,
        },
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.file.name.endswith(".jpg")
    assert metadata_in(stored(image)) == []
    assert_upright(stored(image), "JPEG")
    assert_fields_match_the_file(image)
    assert_nothing_in_storage(storage)


def test_an_unreadable_image_is_refused_by_wagtail_not_a_500(admin_client, storage):
    response = admin_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Broken",
            "file": upload("broken.jpg", b"not a photo at all", "image/jpeg"),
            "collection": root_collection().pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Image.objects.filter(title="Broken").exists()
    assert not [path for path in storage.rglob("*") if path.is_file()]
    with pytest.raises(media.Unreadable):
        media.scrub(b"\xff\xd8\xff not a photo at all")


def test_a_file_that_only_starts_like_a_jpeg_is_refused_not_a_500(admin_client):
    """Wagtail 8.0.1 alone answers this with a 500 (Pillow's error in its pixel-size check)."""
    admin_client.raise_request_exception = True
    response = admin_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Broken",
            "file": upload("broken.jpg", b"\xff\xd8\xff not a photo at all", "image/jpeg"),
            "collection": root_collection().pk,
        },
    )
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not Image.objects.filter(title="Broken").exists()


# --- In code -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", DIRTY)
def test_image_created_in_code_is_clean(storage, kind):
    make, fmt, extension, _ = DIRTY[kind]
    image = Image.objects.create(
        title=f"In code {kind}",
        file=ImageFile(io.BytesIO(make()), name=f"code{extension}"),
        collection=root_collection(),
    )
    data = stored(image)
    assert metadata_in(data) == []
    assert_upright(data, fmt)
    assert (image.width, image.height) == (SIZE[1], SIZE[0])  # the instance, before any reload
    assert_fields_match_the_file(image)
    assert_clean_renditions(image)
    assert_nothing_in_storage(storage)


def test_a_photo_taken_upright_is_not_rotated(storage):
    image = Image.objects.create(
        title="Upright",
        file=ImageFile(io.BytesIO(dirty_jpeg(orientation=1)), name="upright.jpg"),
        collection=root_collection(),
    )
    data = stored(image)
    assert metadata_in(data) == []
    with PILImage.open(io.BytesIO(data)) as picture_:
        assert picture_.size == SIZE
        assert picture_.convert("RGB").getpixel((8, 8))[0] > 200  # the marker stayed top-left
    assert_clean_renditions(image, upright=False)


def test_cleaning_a_jpeg_without_rotation_keeps_its_picture_data_byte_for_byte():
    """No re-encoding when only metadata goes: the compressed picture is the same bytes."""
    dirty = dirty_jpeg(orientation=1)
    clean, size = media.scrub(dirty)
    assert size == SIZE
    scan = dirty.index(b"\xff\xda")
    assert dirty[scan:] in clean  # from the start of the scan to the end: unchanged
    assert len(clean) < len(dirty)


def test_a_rotated_jpeg_keeps_its_own_quality():
    dirty = dirty_jpeg()
    clean, _ = media.scrub(dirty)
    with PILImage.open(io.BytesIO(dirty)) as before, PILImage.open(io.BytesIO(clean)) as after:
        assert after.quantization == before.quantization


def test_a_lossless_webp_stays_lossless():
    clean, _ = media.scrub(dirty_webp(lossless=True))
    assert b"VP8L" in clean and b"VP8 " not in clean
    with PILImage.open(io.BytesIO(clean)) as image:
        assert image.convert("RGB").getpixel((SIZE[1] - 1, 0)) == MARKER  # exact, not near


def test_a_clean_file_is_stored_as_it_came():
    out = io.BytesIO()
    picture().save(out, "JPEG", quality=90)
    assert media.scrub(out.getvalue())[0] == out.getvalue()
    out = io.BytesIO()
    picture().save(out, "PNG")
    assert media.scrub(out.getvalue())[0] == out.getvalue()


def test_the_colour_profile_is_kept():
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    picture().save(out, "JPEG", exif=exif(), icc_profile=profile)
    clean, _ = media.scrub(out.getvalue())
    with PILImage.open(io.BytesIO(clean)) as image:
        assert image.info["icc_profile"] == profile
    assert metadata_in(clean) == []


def test_an_animated_gif_keeps_its_frames_and_loses_its_comment_and_xmp(storage):
    dirty = dirty_gif()
    with PILImage.open(io.BytesIO(dirty)) as image:
        assert image.n_frames == 3
        assert image.info.get("comment") and b"XMP DataXMP" in dirty  # Pillow reads no GIF XMP
    image = Image.objects.create(
        title="Animated", file=ImageFile(io.BytesIO(dirty), name="anim.gif")
    )
    data = stored(image)
    assert metadata_in(data) == []
    with PILImage.open(io.BytesIO(data)) as gif:
        assert gif.format == "GIF" and gif.n_frames == 3 and gif.info["loop"] == 0
        durations = []
        for frame in range(gif.n_frames):
            gif.seek(frame)
            durations.append(gif.info["duration"])
        assert durations == [100, 200, 300]
    assert_fields_match_the_file(image)
    assert_nothing_in_storage(storage)


def test_an_avif_with_gps_is_saved_again_without_it(storage):
    image = Image.objects.create(
        title="Avif", file=ImageFile(io.BytesIO(dirty_avif()), name="photo.avif")
    )
    data = stored(image)
    assert metadata_in(data) == []
    with PILImage.open(io.BytesIO(data)) as avif:
        assert avif.format == "AVIF" and avif.size == SIZE
    assert_fields_match_the_file(image)
    assert_nothing_in_storage(storage)


def test_editing_an_images_title_does_not_touch_its_file(storage):
    image = Image.objects.create(
        title="Before", file=ImageFile(io.BytesIO(dirty_jpeg()), name="kept.jpg")
    )
    name, data = image.file.name, stored(image)
    image.title = "After"
    image.save()
    image.refresh_from_db()
    assert image.file.name == name and stored(image) == data
