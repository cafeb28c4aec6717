"""Share cards (#25): a meta description and OpenGraph/Twitter tags on every event page."""

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from chalicelib.public.bundle import Event, EventBundle, Picture, Session, Speaker
from chalicelib.settings import settings
from chalicelib.site.render import render_event
from chalicelib.site.share import DESCRIPTION_LIMIT, short_description
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.unit

BASE_URL = "https://events.example.org/"
HOSTILE = 'He said "hi" & left\n<script>alert(1)</script>\'x\''
START = datetime(2030, 5, 1, 8, tzinfo=UTC)


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "meta" and (found.get("property") or found.get("name")):
            self.meta.setdefault(found.get("property") or found.get("name"), []).append(found.get("content"))


def _meta(page: bytes) -> dict[str, str]:
    parser = _Head()
    parser.feed(page.decode())
    assert all(len(values) == 1 for values in parser.meta.values()), parser.meta  # no tag twice
    return {name: values[0] for name, values in parser.meta.items()}


def _photo(name: str) -> Picture:
    uploads = settings().uploads_base_url
    return Picture(((f"{uploads}files/{name}/thumb-100x100.webp", 100, 100), (f"{uploads}files/{name}/thumb-500x500.webp", 500, 500)))


@pytest.fixture(scope="module")
def hostile_site():
    event = Event(
        id="e-share", slug="share-2030", name=f"Conf {HOSTILE}", starts_at=START, ends_at=START + timedelta(days=1),
        timezone="UTC", location_name="Hall", description=f"<p>The <b>best</b> {HOSTILE} event.</p>" + " word" * 80,
        banner_file=Picture((("/banner/thumb-1300x500.webp", 1300, 500),)),
    )  # fmt: skip
    speakers = (
        Speaker(id="sp1", name=f"Ada {HOSTILE}", short_biography=f"Bio {HOSTILE}", photo_file=_photo("ada")),
        Speaker(id="sp2", name="Bo", position="Engineer", organisation="Acme"),
    )
    sessions = (
        Session(id="t1", title=f"Talk {HOSTILE}", starts_at=START, ends_at=START + timedelta(minutes=45),
                state="accepted", short_abstract=f"Abstract {HOSTILE}", speaker_ids=("sp1",)),
        Session(id="t2", title="Quiet", starts_at=START, ends_at=START + timedelta(minutes=30), state="accepted",
                speaker_ids=("sp2",)),
    )  # fmt: skip
    return render_event(EventBundle(event=event, speakers=speakers, sessions=sessions), base_url=BASE_URL)


def _clean(text: str) -> str:
    """What a one-line field keeps of HOSTILE (safe_values: line breaks become spaces)."""
    return text.replace("\n", " ")


def test_share_tags_on_event_session_and_speaker_pages_hold_the_escaped_values(hostile_site):
    home = _meta(hostile_site["e/share-2030/index.html"])
    talk = _meta(hostile_site["e/share-2030/sessions/t1/index.html"])
    ada = _meta(hostile_site["e/share-2030/speakers/sp1/index.html"])
    uploads = settings().uploads_base_url

    assert home["og:title"] == _clean(f"Conf {HOSTILE}")
    assert home["og:type"] == "website" and home["og:url"] == "https://events.example.org/e/share-2030/"
    assert home["og:image"] == "https://events.example.org/banner/thumb-1300x500.webp"  # site paths made absolute
    # Tags (and a script's content) dropped, the text kept on one line, cut at a word.
    assert home["description"].startswith('The best He said "hi" & left \'x\' event. word word')
    assert home["description"].endswith("word…")
    assert talk["og:title"] == talk["twitter:title"] == _clean(f"Talk {HOSTILE}")
    assert talk["og:type"] == "article" and talk["og:url"] == "https://events.example.org/e/share-2030/sessions/t1/"
    assert talk["description"] == talk["og:description"] == 'Abstract He said "hi" & left \'x\''
    assert talk["og:image"] == talk["twitter:image"] == f"{uploads}files/ada/thumb-500x500.webp"  # its speaker's photo
    assert talk["twitter:card"] == "summary_large_image"
    assert ada["og:title"] == _clean(f"Ada {HOSTILE}") and ada["og:type"] == "profile"
    assert ada["og:url"] == "https://events.example.org/e/share-2030/speakers/sp1/"
    assert ada["og:image"] == f"{uploads}files/ada/thumb-500x500.webp"
    for page in (home, talk, ada):
        assert len(page["description"]) <= DESCRIPTION_LIMIT and "\n" not in page["description"]


def test_share_tags_fall_back_to_the_event_picture_and_a_description_of_the_page(hostile_site):
    quiet = _meta(hostile_site["e/share-2030/sessions/t2/index.html"])
    bo = _meta(hostile_site["e/share-2030/speakers/sp2/index.html"])
    day = _meta(hostile_site["e/share-2030/schedule/2030-05-01/index.html"])

    assert quiet["og:image"] == "https://events.example.org/banner/thumb-1300x500.webp"  # no photo: the event's
    assert quiet["description"] == _clean(f"Conf {HOSTILE}, 1 May 2030 in Hall.")
    assert bo["description"] == "Engineer, Acme"
    assert day["og:url"] == "https://events.example.org/e/share-2030/schedule/2030-05-01/"
    assert day["og:title"] == _clean(f"Schedule Wednesday 1 May 2030 · Conf {HOSTILE}")


def test_share_tags_on_every_event_page(hostile_site):
    pages = [path for path in hostile_site if path.endswith(".html")]

    wanted = {"description", "og:title", "og:description", "og:url", "og:type"}
    missing = {path: sorted(wanted - set(_meta(hostile_site[path]))) for path in pages}

    assert len(pages) > 8 and missing == {path: [] for path in pages}


def test_share_tags_raw_markup_never_reaches_the_head(hostile_site):
    head = hostile_site["e/share-2030/sessions/t1/index.html"].split(b"</head>")[0]

    assert b"<script>alert" not in head and b'content="Talk He said "hi"' not in head


@given(st.text(max_size=600))
def test_short_description_is_one_line_within_the_limit(text):
    described = short_description(text)

    # Plain text: the page's escaping (Jinja) makes it safe in the attribute, as the page tests show.
    assert len(described) <= DESCRIPTION_LIMIT and "\n" not in described and described == described.strip()


def test_share_site_index_has_a_meta_description():
    from chalicelib.site.render import render_index

    files = render_index([], base_url=BASE_URL, now=START)

    assert _meta(files["index.html"])["description"] == "Upcoming and past events: schedules, sessions and speakers."
