"""Pictures on the public site (#25): event logo and banner, speaker photos, sponsor logos, each
<img> with width and height (no layout shift), lazy below the fold only, and a real alt."""

import dataclasses
from html.parser import HTMLParser

import pytest
from chalicelib.public.bundle import Picture, Sponsor
from chalicelib.settings import settings
from chalicelib.site.render import render_event
from hypothesis import given
from hypothesis import strategies as st

BASE_URL = "http://podium.test"
pytestmark = pytest.mark.unit


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def _images(page: bytes) -> list[dict[str, str | None]]:
    parser = _Images()
    parser.feed(page.decode())
    return parser.images


def _picture(name: str, *sizes: tuple[int, int]) -> Picture:
    uploads = settings().uploads_base_url
    return Picture(tuple((f"{uploads}files/{name}/thumb-{w}x{h}.webp", w, h) for w, h in sizes))


@pytest.fixture(scope="module")
def pictured(bundle_2018):
    """FOSSASIA 2018 with a logo, a banner, a photo per speaker and a wide logo per sponsor."""
    event = dataclasses.replace(
        bundle_2018.event,
        logo_file=_picture("logo", (100, 50), (500, 250)),
        banner_file=_picture("banner", (75, 30), (500, 200), (1300, 500)),
    )
    speakers = tuple(
        dataclasses.replace(s, photo_file=_picture(f"photo-{s.id}", (50, 50), (100, 100), (500, 500)))
        for s in bundle_2018.speakers
    )
    sponsors = tuple(
        Sponsor(id=f"sp{n}", name=f"Sponsor {n}", url="https://sponsor.example", tier=tier, level=level,
                logo_file=_picture(f"sponsor-{n}", (100, 25), (400, 100)))
        for n, (tier, level) in enumerate([("Gold", 1), ("Gold", 1), ("Silver", 2)])
    )  # fmt: skip
    bundle = dataclasses.replace(bundle_2018, event=event, speakers=speakers, sponsors=sponsors)
    return bundle, render_event(bundle, base_url=BASE_URL)


def _biggest_day(files, prefix):
    days = [p for p in files if p.startswith(prefix + "schedule/20") and p.endswith("index.html")]
    return max(days, key=lambda p: len(files[p]))


def test_images_on_the_four_page_kinds_have_width_height_and_alt(pictured, event_prefix):
    bundle, files = pictured
    session = next(s for s in bundle.sessions if s.state in ("accepted", "confirmed") and s.speaker_ids)
    pages = {
        "home": event_prefix + "index.html",
        "speakers": event_prefix + "speakers/index.html",
        "session": event_prefix + f"sessions/{session.id}/index.html",
        "day": _biggest_day(files, event_prefix),
    }

    found = {kind: _images(files[path]) for kind, path in pages.items()}

    for kind, images in found.items():
        assert images, kind
        for image in images:
            assert image["width"].isdigit() and image["height"].isdigit(), (kind, image)
            assert image["alt"], (kind, image)
            assert image["src"].startswith(settings().uploads_base_url), (kind, image)
        assert "loading" not in images[0], kind  # the first visible picture (the event's logo) loads at once
    home = {image["class"]: image for image in found["home"]}
    assert (home["logo"]["width"], home["logo"]["height"]) == ("64", "32")  # 2:1 logo in a 96x32 box
    assert home["logo"]["src"].endswith("thumb-500x250.webp")  # the smallest sharp on a 2x screen
    assert (home["banner"]["width"], home["banner"]["height"]) == ("1300", "500")
    assert "loading" not in home["banner"]
    assert home["logo"]["alt"] == f"{bundle.event.name} logo"
    assert len([i for i in found["home"] if i.get("class") == "sponsor-logo"]) == len(bundle.sponsors)
    assert {(i["width"], i["height"]) for i in found["home"] if i.get("class") == "sponsor-logo"} == {("160", "40")}
    assert [i["alt"] for i in _images(files[event_prefix + "sponsors/index.html"])[1:]] == [
        "Sponsor 0 logo", "Sponsor 1 logo", "Sponsor 2 logo"
    ]  # by tier: Gold, then Silver


def test_images_speakers_index_lazy_below_the_first_rows(pictured, event_prefix):
    bundle, files = pictured

    faces = [i for i in _images(files[event_prefix + "speakers/index.html"]) if i.get("class") == "face"]

    assert len(faces) == len({s.id for s in bundle.speakers} & _public_speaker_ids(bundle))
    assert all((i["width"], i["height"]) == ("48", "48") and i["src"].endswith("thumb-100x100.webp") for i in faces)
    assert [i.get("loading") for i in faces[:8]] == [None] * 8
    assert {i.get("loading") for i in faces[8:]} == {"lazy"}


def _public_speaker_ids(bundle):
    public = [s for s in bundle.sessions if s.state in ("accepted", "confirmed")]
    return {i for s in public for i in s.speaker_ids}


def test_images_session_page_shows_each_speakers_photo(pictured, event_prefix):
    bundle, files = pictured
    speakers = {s.id: s for s in bundle.speakers}
    session = next(s for s in bundle.sessions if s.state in ("accepted", "confirmed") and len(s.speaker_ids) > 1)

    faces = [i for i in _images(files[event_prefix + f"sessions/{session.id}/index.html"]) if i.get("class") == "face"]

    assert [i["alt"] for i in faces] == [speakers[i].name for i in session.speaker_ids if i in speakers]
    assert {i.get("loading") for i in faces} == {"lazy"}


def test_images_schedule_day_shows_faces_only_in_boxes_of_half_an_hour_or_more(pictured, event_prefix):
    _, files = pictured
    page = files[_biggest_day(files, event_prefix)].decode()

    faces = [i for i in _images(page.encode()) if i.get("class") == "face"]

    assert faces and {(i["width"], i["height"], i.get("loading")) for i in faces} == {("24", "24", "lazy")}
    assert all(i["src"].endswith("thumb-50x50.webp") for i in faces)


def test_images_without_thumbnails_or_hosting_are_left_out(bundle_2018, event_prefix):
    # Imported remote URLs (not hosted) give no <img>: the site loads nothing from other origins;
    # nor does a picture without any thumbnail.
    bundle = dataclasses.replace(bundle_2018, speakers=tuple(
        dataclasses.replace(s, photo_file=Picture(())) for s in bundle_2018.speakers
    ))  # fmt: skip
    files = render_event(bundle, base_url=BASE_URL)

    assert _images(files[event_prefix + "speakers/index.html"]) == []


@given(
    sizes=st.lists(st.tuples(st.integers(1, 3000), st.integers(1, 3000)), min_size=1, max_size=4),
    box=st.tuples(st.integers(1, 2000), st.integers(1, 2000)),
)
def test_picture_shown_fits_the_box_keeps_the_aspect_and_never_enlarges(sizes, box):
    ordered = sorted(sizes, key=lambda s: s[0] * s[1])
    picture = Picture(tuple((f"/u/{w}x{h}.webp", w, h) for w, h in ordered))

    url, width, height = picture.shown(*box)

    _, file_width, file_height = next(v for v in picture.versions if v[0] == url)
    assert 1 <= width <= max(1, min(box[0], file_width)) and 1 <= height <= max(1, min(box[1], file_height))
    # Each side is off its exact scaled length by at most a pixel (rounding, at least 1 px), so the aspect holds.
    assert abs(width * file_height - height * file_width) <= file_width + file_height


def test_images_hosted_photo_without_thumbnails_is_shown_in_its_box(bundle_2018, event_prefix):
    # An upload whose thumbnails are not made yet: its URL, in the box, its aspect kept by CSS (.fit).
    speaker = next(s for s in bundle_2018.speakers if s.id in _public_speaker_ids(bundle_2018))
    hosted = dataclasses.replace(speaker, photo_url=settings().uploads_base_url + "files/speaker_photo/x/me.png")
    bundle = dataclasses.replace(bundle_2018, speakers=tuple(hosted if s is speaker else s for s in bundle_2018.speakers))

    files = render_event(bundle, base_url=BASE_URL)

    [photo] = _images(files[event_prefix + f"speakers/{speaker.id}/index.html"])
    assert photo == {"src": hosted.photo_url, "alt": speaker.name, "width": "160", "height": "160",
                     "class": "fit photo", "decoding": "async"}  # fmt: skip
