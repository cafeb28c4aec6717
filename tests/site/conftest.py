import importlib.util
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from chalicelib.formats.openevent import read_export
from chalicelib.site.from_export import load_bundle
from chalicelib.site.render import render_site

# CI clones the repo with ../shared beside it.
SHARED = Path(__file__).resolve().parents[3] / "shared"
DATA = SHARED / "data" / "openevent"
SAMPLE_2017 = DATA / "FOSSASIASummit2017"
SAMPLE_2018 = DATA / "FOSSASIASummit2018"
SCHEMAS = SHARED / "schemas"
BASE_URL = "http://podium.test"
PRIVATE_MARK = "private-7c1f.example"
# A fixed clock keeps rendered output comparable between runs.
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: drives a real browser against the built site")
    config.addinivalue_line("markers", "unit: fast tests without I/O beyond sample files")


def _with_private_fields(source: Path, target: Path) -> Path:
    """Copy an export, adding emails and comments that must never be published."""
    shutil.copytree(source, target)
    speakers = json.loads((target / "speakers").read_text())
    for speaker in speakers:
        speaker["email"] = f"speaker{speaker['id']}@{PRIVATE_MARK}"
        speaker["mobile"] = "+65 5550 0199"
    (target / "speakers").write_text(json.dumps(speakers))
    sessions = json.loads((target / "sessions").read_text())
    for session in sessions:
        session["comments"] = f"internal note {PRIVATE_MARK}"
        for speaker in session["speakers"]:
            speaker["email"] = f"speaker{speaker['id']}@{PRIVATE_MARK}"
    (target / "sessions").write_text(json.dumps(sessions))
    return target


@pytest.fixture(scope="session")
def export_2018_private(tmp_path_factory):
    return _with_private_fields(SAMPLE_2018, tmp_path_factory.mktemp("export") / "FOSSASIASummit2018")


@pytest.fixture(scope="session")
def parsed_2018(export_2018_private):
    return read_export(export_2018_private)


@pytest.fixture(scope="session")
def bundle_2018(export_2018_private):
    return load_bundle(export_2018_private, now=NOW)


@pytest.fixture(scope="session")
def site_2018(bundle_2018):
    return render_site([bundle_2018], base_url=BASE_URL, now=NOW)


@pytest.fixture(scope="session")
def event_prefix(bundle_2018):
    return f"e/{bundle_2018.event.slug}/"


@pytest.fixture(scope="session")
def sample_2017():
    return SAMPLE_2017


@pytest.fixture(scope="session")
def sample_2018():
    return SAMPLE_2018


@pytest.fixture(scope="session")
def private_mark():
    return PRIVATE_MARK


@pytest.fixture(scope="session")
def sample_schemas():
    return SCHEMAS


@pytest.fixture
def frozen_clock():
    """The one clock held at NOW, so builds at different moments are comparable."""
    from chalicelib.clock import FrozenClock, use_clock

    previous = use_clock(FrozenClock(NOW))
    yield NOW
    use_clock(previous)


@pytest.fixture(scope="session")
def build_site_module():
    """build_site.py is a script at the repo root, not a package module."""
    script = Path(__file__).resolve().parents[2] / "build_site.py"
    spec = importlib.util.spec_from_file_location("build_site", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _other_events(count: int) -> list[tuple[str, str]]:
    """`count` small published events beside the demo one; (id, slug) of each."""
    from datetime import timedelta

    from chalicelib.clock import clock
    from chalicelib.db.content import Event, Session
    from chalicelib.db.keys import PUBLISHED, event_pk

    start = clock().now().replace(microsecond=0) + timedelta(days=60)
    made = []
    for n in range(count):
        event_id, slug = f"other{n:02d}", f"other-conf-{n:02d}"
        pk = event_pk(event_id)
        Event(
            pk, "EVENT", id=event_id, slug=slug, name=f"Other Conf {n}", starts_at=start + timedelta(days=n),
            ends_at=start + timedelta(days=n, hours=8), timezone="UTC", state="published",
            gsi1pk=f"SLUG#{slug}", gsi1sk="EVENT", gsi2pk=PUBLISHED, gsi2sk=(start + timedelta(days=n)).isoformat(),
        ).save()  # fmt: skip
        Session(
            pk, f"SESSION#{event_id}-talk", id=f"{event_id}-talk", event_id=event_id, title=f"Talk {n}",
            state="accepted", starts_at=start + timedelta(days=n, hours=1), ends_at=start + timedelta(days=n, hours=2),
        ).save()  # fmt: skip
        made.append((event_id, slug))
    return made


@pytest.fixture
def seed_other_events():
    """`seed_other_events(count)`: that many small published events (a session each); (id, slug) of each."""
    return _other_events


@pytest.fixture
def demo_site(stack):
    """The demo event published on an empty stack (the listing and render-turn tests start here)."""
    from support.site import publish_demo_site

    return publish_demo_site(stack)
