"""Photos without their metadata: what a camera or phone wrote into the file is gone before the
file is stored.

A phone photo carries where it was taken (GPS), the camera, the time and often the owner's name
in its EXIF, XMP and IPTC metadata, and Wagtail keeps all of it: in the original file, and (for
JPEG and PNG renditions) in every rendition, which Willow writes with the original's EXIF. One
photo of a shelter's kitchen can lead someone to the shelter.

So every new image file is cleaned in a `pre_save` receiver (connected in sites.privacy.apps), which runs
for the admin's upload views, the chooser, the API and `Image.objects.create()` alike, after
Wagtail has validated the upload and before Django's FileField writes it to storage: the
original bytes never reach storage. Wagtail's multiple uploader may park a file as an
`UploadedFile` before it becomes an image; those are cleaned the same way.

- JPEG, PNG, WebP and GIF keep only the parts a picture needs (pixels, palette, transparency,
  animation, the ICC colour profile) and are copied otherwise byte for byte: no quality is lost,
  and a file that carries no metadata is stored unchanged.
- A photo whose EXIF says it is rotated is turned upright first (ImageOps.exif_transpose) and
  saved again in its own format: JPEG with its own quantisation tables, PNG losslessly, WebP
  losslessly if it was lossless.
- Other formats Pillow reads (AVIF, and HEIC/TIFF if ever allowed) are saved again without
  metadata if they carry any.
- A file Pillow cannot read is left alone for Wagtail's own validation to refuse; a file Pillow
  reads but that cannot be cleaned is refused (ImageMetadataError) rather than stored.
"""

import logging
import os
from io import BytesIO

from PIL import Image as PILImage
from PIL import ImageOps, ImageSequence, JpegImagePlugin

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile

from wagtail.images import get_image_model
from wagtail.images.forms import BaseImageForm
from wagtail.utils.file import hash_filelike

from sites.privacy.svg import UnsafeSvg, check_svg

logger = logging.getLogger(__name__)

ORIENTATION = 0x0112
# What each EXIF orientation asks for, as Pillow's exif_transpose does it (for animations).
TRANSPOSE = {
    2: PILImage.Transpose.FLIP_LEFT_RIGHT,
    3: PILImage.Transpose.ROTATE_180,
    4: PILImage.Transpose.FLIP_TOP_BOTTOM,
    5: PILImage.Transpose.TRANSPOSE,
    6: PILImage.Transpose.ROTATE_270,
    7: PILImage.Transpose.TRANSVERSE,
    8: PILImage.Transpose.ROTATE_90,
}
# Keys of Pillow's `info` that are metadata, for formats without a byte-level filter below.
METADATA_INFO = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "iptc")


class ImageMetadataError(ValueError):
    """Pillow reads this image, but its metadata could not be removed: it is not stored."""


class Unreadable(Exception):
    """Pillow cannot read this file: it is not an image Lantern can clean (nor serve)."""


class Malformed(Exception):
    """The file does not have the structure its format promises."""


# --- Receivers (sites.privacy.apps connects them) --------------------------------------------------


def strip_image_metadata(sender, instance, raw=False, **kwargs):
    """pre_save on the image model: clean a newly uploaded file before FileField stores it,
    and make file_size, file_hash, width and height those of the cleaned file."""
    if raw:
        return
    cleaned = _clean_new_file(instance, "file")
    if cleaned is None:
        return
    data, size = cleaned
    instance.width, instance.height = size
    instance.file_size = len(data)
    instance.file_hash = hash_filelike(BytesIO(data))


def strip_uploaded_image_metadata(sender, instance, raw=False, **kwargs):
    """pre_save on wagtail.models.UploadedFile: the multiple uploader parks a file there when
    an image's own form is incomplete, and later copies it into the image as it is."""
    if raw or instance.for_content_type_id is None:
        return
    image_type = ContentType.objects.get_for_model(get_image_model())
    if instance.for_content_type_id == image_type.pk:
        _clean_new_file(instance, "file")


def new_upload(field_file) -> bool:
    """Whether `field_file` holds a file being saved, not one already in storage: Django keeps
    a file given to a model open until it stores it, and opens a stored one only when it is
    read. A stored file that was read before the save counts as new: cleaned again, which is
    harmless."""
    return bool(field_file) and not field_file.closed


def _clean_new_file(instance, field_name):
    """Replace the instance's not-yet-stored file with a clean copy; (bytes, size) as stored,
    or None if there is no new file or Pillow cannot read it."""
    field_file = getattr(instance, field_name)
    if not new_upload(field_file):
        return None  # no file, or the one already in storage (an edit of title or tags)
    field_file.open("rb")
    field_file.seek(0)
    original = field_file.read()
    field_file.seek(0)
    try:
        data, size = scrub(original)
    except Unreadable:
        logger.info("Left %r alone: Pillow cannot read it as an image.", field_file.name)
        return None
    if data != original:
        setattr(
            instance, field_name, ImageFile(BytesIO(data), name=os.path.basename(field_file.name))
        )
    return data, size


# --- Cleaning ------------------------------------------------------------------------------


def scrub(data: bytes) -> tuple[bytes, tuple[int, int]]:
    """The image without its metadata, turned upright, and its width and height.

    Returns `data` itself when there was nothing to remove. Raises Unreadable if Pillow cannot
    read it, ImageMetadataError if it can but the metadata cannot be removed.
    """
    fmt, orientation, carries_metadata = inspect(data)
    strip = STRIPPERS.get(fmt)
    if orientation in TRANSPOSE:
        try:
            data = reencode(data, fmt, orientation)
        except Exception as error:
            if strip is None:
                raise ImageMetadataError(
                    f"Could not save this {fmt} image again: {error}"
                ) from error
            # A damaged picture Pillow cannot decode: the metadata still goes, the rotation with it.
            logger.warning(
                "Could not turn a %s image upright (%s); removing its metadata only.", fmt, error
            )
    elif strip is None and carries_metadata:
        try:
            data = reencode(data, fmt, 1)
        except Exception as error:
            raise ImageMetadataError(f"Could not save this {fmt} image again: {error}") from error
    if strip is not None:
        try:
            data = strip(data)
        except Malformed as error:
            raise ImageMetadataError(
                f"Could not read this {fmt} file's structure: {error}"
            ) from error
    # What is stored must be an image, of the same format, with nothing left to find.
    try:
        fmt_after, _, left = inspect(data)
        with PILImage.open(BytesIO(data)) as picture:
            size = picture.size
    except Unreadable as error:
        raise ImageMetadataError(f"Cleaning this {fmt} image left it unreadable.") from error
    if STRIPPERS.get(fmt_after) is not strip or left:
        raise ImageMetadataError(f"Cleaning this {fmt} image left metadata or changed its format.")
    return data, size


def inspect(data: bytes) -> tuple[str, int, bool]:
    """Pillow's name for the format, the EXIF orientation (1 if none or unreadable), and whether
    Pillow finds any metadata."""
    try:
        picture = PILImage.open(BytesIO(data))
    except Exception as error:  # UnidentifiedImageError, DecompressionBombError, a broken header
        raise Unreadable(str(error)) from error
    with picture:
        try:
            exif = picture.getexif()
        except Exception:  # a broken EXIF block: byte-level cleaning drops it anyway
            exif = {}
        try:
            orientation = int(exif.get(ORIENTATION, 1))
        except (TypeError, ValueError):
            orientation = 1
        carries = bool(len(exif)) or any(picture.info.get(key) for key in METADATA_INFO)
        if picture.format == "PNG" and not carries:
            try:
                carries = bool(picture.text)  # tEXt, zTXt and iTXt chunks, wherever they are
            except Exception:  # a damaged PNG; strip_png keeps no text chunk anyway
                carries = False
        return picture.format, orientation, carries


def reencode(data: bytes, fmt: str, orientation: int) -> bytes:
    """The picture saved again in its own format, upright, with no metadata."""
    with PILImage.open(BytesIO(data)) as picture:
        # An MPO's further pictures (a phone's depth map, a stereo pair) are not kept.
        frames = 1 if fmt == "MPO" else getattr(picture, "n_frames", 1)
        if frames == 1:
            picture.load()
            upright = ImageOps.exif_transpose(picture)
            durations = []
            images = [upright]
        else:
            method = TRANSPOSE.get(orientation)
            images, durations = [], []
            for frame in ImageSequence.Iterator(picture):
                durations.append(frame.info.get("duration", 0))
                copy = frame.copy()
                images.append(copy.transpose(method) if method is not None else copy)
        options = save_options(picture, fmt, data)
        for image in images:
            # Only what draws the picture: Pillow would write e.g. a JPEG comment from `info`.
            image.info = {k: v for k, v in image.info.items() if k == "transparency"}
        if len(images) > 1:
            options.update(
                save_all=True,
                append_images=images[1:],
                duration=durations,
                loop=picture.info.get("loop", 0),
            )
            if "background" in picture.info and fmt in ("WEBP", "GIF"):
                options["background"] = picture.info["background"]
        output = BytesIO()
        images[0].save(output, format="JPEG" if fmt == "MPO" else fmt, **options)
        return output.getvalue()


def save_options(picture, fmt: str, data: bytes) -> dict:
    """How to save `picture` again as well as it was saved: its ICC profile kept, nothing else."""
    options = {}
    if icc := picture.info.get("icc_profile"):
        options["icc_profile"] = icc
    if fmt in ("JPEG", "MPO"):
        options["optimize"] = True
        tables = getattr(picture, "quantization", None)
        sampling = JpegImagePlugin.get_sampling(picture)
        if tables and sampling != -1:
            # The original's own quantisation: as sharp as it was, and no larger.
            options.update(qtables=tables, subsampling=sampling)
        else:
            options["quality"] = 95
        if picture.info.get("progressive") or picture.info.get("progression"):
            options["progressive"] = True
    elif fmt == "WEBP":
        if webp_is_lossless(data):
            options.update(lossless=True, exact=True)
        else:
            options.update(quality=92, method=4)
    elif fmt == "AVIF":
        options["quality"] = 90
    return options


# --- Byte-level filters: keep what draws the picture, drop everything else --------------


def strip_jpeg(data: bytes) -> bytes:
    """A JPEG with only its picture segments: no APP1 (EXIF, XMP), APP13 (IPTC), COM, MPF, and
    nothing after the end of the image (where phones put second images and motion clips)."""
    if data[:2] != b"\xff\xd8":
        raise Malformed("no JPEG start-of-image marker")
    out = bytearray(b"\xff\xd8")
    pos, end, scanned = 2, len(data), False
    while True:
        if pos >= end or data[pos] != 0xFF:
            if not scanned:
                raise Malformed("no picture data")
            break  # cut short: keep what the picture had, close it
        while pos < end and data[pos] == 0xFF:
            pos += 1  # fill bytes
        if pos >= end:
            break
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # end of image; whatever follows is dropped
            break
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            out += bytes((0xFF, marker))
            continue
        if pos + 2 > end:
            break
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > end:
            if not scanned:
                raise Malformed(f"segment {marker:#04x} runs past the end")
            break
        segment = keep_jpeg_segment(marker, data[pos + 2 : pos + length])
        if segment is not None:
            out += bytes((0xFF, marker)) + (len(segment) + 2).to_bytes(2, "big") + segment
        pos += length
        if marker == 0xDA:  # start of scan: the entropy-coded data runs to the next marker
            scanned = True
            scan_end = jpeg_scan_end(data, pos)
            out += data[pos:scan_end]
            pos = scan_end
    if not scanned:
        raise Malformed("no picture data")
    out += b"\xff\xd9"
    return bytes(out)


def keep_jpeg_segment(marker: int, payload: bytes) -> bytes | None:
    """The segment's payload if it draws the picture (or holds its colour profile), else None."""
    if 0xC0 <= marker <= 0xCF and marker != 0xC8:  # frame headers, Huffman and arithmetic tables
        return payload
    if 0xDA <= marker <= 0xDF:  # scan header, quantisation tables, restart interval, DNL, ...
        return payload
    if marker == 0xE0 and payload[:5] == b"JFIF\0" and len(payload) >= 14:
        return payload[:12] + b"\0\0"  # the density, without the embedded thumbnail
    if marker == 0xE2 and payload[:12] == b"ICC_PROFILE\0":
        return payload
    if marker == 0xEE and payload[:5] == b"Adobe":  # colour transform: CMYK/YCCK decoding
        return payload
    return None


def jpeg_scan_end(data: bytes, pos: int) -> int:
    """Where the entropy-coded data starting at `pos` ends: at the first real marker."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            return len(data)
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:  # stuffed byte, restart marker
            pos += 2
            continue
        return pos


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Chunks that draw the picture or hold its colour (iCCP is the ICC profile), and APNG's.
PNG_KEEP = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB",
    b"cICP", b"mDCV", b"cLLI", b"bKGD", b"hIST", b"pHYs", b"acTL", b"fcTL", b"fdAT",
}  # fmt: skip


def strip_png(data: bytes) -> bytes:
    """A PNG without tEXt, zTXt, iTXt (XMP), eXIf, tIME or any private chunk."""
    if data[:8] != PNG_SIGNATURE:
        raise Malformed("no PNG signature")
    out = [PNG_SIGNATURE]
    pos = 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        chunk_end = pos + 12 + length
        if chunk_end > len(data):
            break  # cut short
        if kind in PNG_KEEP:
            out.append(data[pos:chunk_end])
        pos = chunk_end
        if kind == b"IEND":
            return b"".join(out)
    if len(out) == 1:
        raise Malformed("no PNG chunks")
    out.append(b"\0\0\0\0IEND\xaeB`\x82")
    return b"".join(out)


WEBP_KEEP = {b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
WEBP_FRAME_KEEP = {b"ALPH", b"VP8 ", b"VP8L"}


def riff_chunks(data: bytes, pos: int, end: int):
    """(fourcc, payload) for each whole chunk of a RIFF body."""
    while pos + 8 <= end:
        fourcc = data[pos : pos + 4]
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        if pos + 8 + size > end:
            return  # cut short
        yield fourcc, data[pos + 8 : pos + 8 + size]
        pos += 8 + size + (size & 1)


def riff_chunk(fourcc: bytes, payload: bytes) -> bytes:
    return fourcc + len(payload).to_bytes(4, "little") + payload + b"\0" * (len(payload) & 1)


def strip_webp(data: bytes) -> bytes:
    """A WebP without its EXIF and XMP chunks (or any unknown chunk), flags set to match."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise Malformed("no RIFF WEBP header")
    end = min(len(data), 8 + int.from_bytes(data[4:8], "little"))
    body = []
    for fourcc, payload in riff_chunks(data, 12, end):
        if fourcc not in WEBP_KEEP:
            continue
        if fourcc == b"VP8X":
            if len(payload) < 10:
                raise Malformed("short VP8X chunk")
            payload = bytes((payload[0] & ~0x0C,)) + payload[1:]  # no EXIF (0x08), no XMP (0x04)
        elif fourcc == b"ANMF":
            frame = payload[:16] + b"".join(
                riff_chunk(kind, part)
                for kind, part in riff_chunks(payload, 16, len(payload))
                if kind in WEBP_FRAME_KEEP
            )
            payload = frame
        body.append(riff_chunk(fourcc, payload))
    if not any(chunk[:4] in (b"VP8 ", b"VP8L", b"ANMF") for chunk in body):
        raise Malformed("no picture data")
    riff = b"WEBP" + b"".join(body)
    return b"RIFF" + len(riff).to_bytes(4, "little") + riff


def webp_is_lossless(data: bytes) -> bool:
    """Whether the WebP's first picture is lossless (VP8L), so re-encoding it must be too."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return False
    for fourcc, payload in riff_chunks(data, 12, len(data)):
        if fourcc in (b"VP8 ", b"VP8L"):
            return fourcc == b"VP8L"
        if fourcc == b"ANMF":
            kinds = [kind for kind, _ in riff_chunks(payload, 16, len(payload))]
            return b"VP8L" in kinds
    return False


GIF_KEEP_APPLICATIONS = (b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012")  # looping, ICC profile


def gif_blocks_end(data: bytes, pos: int) -> int:
    """The position after a chain of data sub-blocks starting at `pos` (past its terminator)."""
    while pos < len(data):
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos
    raise Malformed("sub-blocks run past the end")


def strip_gif(data: bytes) -> bytes:
    """A GIF without comments, plain-text blocks or application extensions (XMP lives in one),
    keeping its frames, timing, transparency and looping."""
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        raise Malformed("no GIF header")
    pos = 13
    if data[10] & 0x80:
        pos += 3 << ((data[10] & 7) + 1)  # global colour table
    out = bytearray(data[:pos])
    pictures = 0
    while pos < len(data):
        introducer = data[pos]
        if introducer == 0x3B:  # trailer
            break
        if introducer == 0x21 and pos + 1 < len(data):  # extension
            label = data[pos + 1]
            try:
                block_end = gif_blocks_end(data, pos + 2)
            except Malformed:
                break
            keep = label == 0xF9 or (
                label == 0xFF and data[pos + 3 : pos + 14] in GIF_KEEP_APPLICATIONS
            )
            if keep:
                out += data[pos:block_end]
            pos = block_end
        elif introducer == 0x2C and pos + 10 <= len(data):  # image
            packed = data[pos + 9]
            start = pos
            pos += 10
            if packed & 0x80:
                pos += 3 << ((packed & 7) + 1)  # local colour table
            pictures += 1
            try:
                pos = gif_blocks_end(data, pos + 1)  # after the LZW minimum code size
            except Malformed:
                out += data[start:] + b"\0"  # cut short: keep what there is of the picture
                break
            out += data[start:pos]
        else:
            break
    if not pictures:
        raise Malformed("no picture data")
    out += b"\x3b"
    return bytes(out)


# Pillow's format name → the filter that cleans it without decoding it.
STRIPPERS = {
    "JPEG": strip_jpeg,
    "MPO": strip_jpeg,  # a JPEG with extra pictures (MPF) appended: the first one is kept
    "PNG": strip_png,
    "WEBP": strip_webp,
    "GIF": strip_gif,
}


class ImageForm(BaseImageForm):
    """Wagtail's image form (WAGTAILIMAGES_IMAGE_FORM_BASE), refusing a file that only looks
    like an image with a form error: Wagtail 8.0.1 lets Pillow's error through as a 500 when a
    file starts like a JPEG but is not one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is None:
            return
        check = field.check_image_pixel_size

        def check_readable(upload):
            try:
                return check(upload)
            except (
                OSError,
                SyntaxError,
                ValueError,
            ) as exc:  # UnidentifiedImageError is an OSError
                raise ValidationError(
                    field.error_messages["invalid_image"], code="invalid_image"
                ) from exc

        field.check_image_pixel_size = check_readable

    def clean_file(self):
        """An SVG only if it draws and does nothing else (sites.privacy.svg): refused with what
        was found otherwise."""
        upload = self.cleaned_data.get("file")
        if (
            upload
            and getattr(upload, "image", None) is not None
            and upload.image.format_name == "svg"
        ):
            upload.seek(0)
            data = upload.read()
            upload.seek(0)
            try:
                check_svg(data)
            except UnsafeSvg as error:
                raise ValidationError(str(error), code="unsafe_svg") from error
        return upload
