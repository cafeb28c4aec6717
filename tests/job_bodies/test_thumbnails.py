from __future__ import annotations

import io

import pytest
from PIL import Image

pytestmark = pytest.mark.unit


def _sideways_jpeg() -> bytes:
    """40×20, left half red, right half blue, with EXIF saying "rotate 90° clockwise to view",
    plus a camera make that must not survive."""
    image = Image.new("RGB", (40, 20), "blue")
    image.paste((255, 0, 0), (0, 0, 20, 20))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation
    exif[0x010F] = "SecretCam"  # make
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), quality=95)
    return buffer.getvalue()


def _open(rendered: dict, name: str) -> Image.Image:
    return Image.open(io.BytesIO(rendered[name][0]))


def test_thumbnails_apply_exif_orientation_and_strip_metadata():
    from chalicelib.job_bodies.thumbnails import THUMBNAILS, render_thumbnails

    rendered = render_thumbnails(_sideways_jpeg(), *THUMBNAILS["speaker_photo"])

    for name in ("50x50.jpeg", "50x50.webp"):
        thumb = _open(rendered, name).convert("RGB")
        red, blue = thumb.getpixel((25, 3)), thumb.getpixel((25, 46))
        assert red[0] > 200 and red[2] < 60, name  # upright: red on top
        assert blue[2] > 200 and blue[0] < 60, name
        assert dict(_open(rendered, name).getexif()) == {}
        assert b"SecretCam" not in rendered[name][0]


def test_banner_thumbnails_have_the_exact_sizes_in_webp_and_jpeg():
    from chalicelib.job_bodies.thumbnails import THUMBNAILS, render_thumbnails

    source = io.BytesIO()
    Image.new("RGB", (100, 100), "green").save(source, "PNG")

    rendered = render_thumbnails(source.getvalue(), *THUMBNAILS["event_banner"])

    sizes = {name: (_open(rendered, name).format, _open(rendered, name).size) for name in rendered}
    assert sizes == {
        f"{w}x{h}.{ext}": (fmt, (w, h))
        for w, h in ((1300, 500), (500, 200), (75, 30))
        for ext, fmt in (("webp", "WEBP"), ("jpeg", "JPEG"))
    }
    assert {content_type for _, content_type, _ in rendered.values()} == {"image/webp", "image/jpeg"}
    assert {name: thumb.size for name, thumb in rendered.items()} == {name: size for name, (_, size) in sizes.items()}


def test_transparent_logo_keeps_alpha_in_webp_and_turns_white_in_jpeg():
    from chalicelib.job_bodies.thumbnails import THUMBNAILS, render_thumbnails

    source = io.BytesIO()
    Image.new("RGBA", (20, 10), (0, 0, 0, 0)).save(source, "PNG")

    rendered = render_thumbnails(source.getvalue(), *THUMBNAILS["sponsor_logo"])

    assert _open(rendered, "100x100.webp").size == (20, 10)  # logos are never enlarged or cropped
    assert rendered["100x100.webp"].size == (20, 10)  # the real size, recorded for <img width height>
    assert _open(rendered, "100x100.webp").convert("RGBA").getpixel((0, 0))[3] == 0
    assert _open(rendered, "100x100.jpeg").getpixel((0, 0)) == (255, 255, 255)


def test_undecodable_image_raises_the_error_the_job_reports_as_skipped():
    from chalicelib.job_bodies.thumbnails import render_thumbnails

    with pytest.raises(OSError):
        render_thumbnails(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRbroken", ((50, 50),), "cover")
