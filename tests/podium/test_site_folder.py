import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from chalicelib.site.from_export import load_bundle
from chalicelib.site.render import event_pages, event_view, render_site
from podium.site_folder import Forked, UnsafePathError, WorkerError, _first_part, _second_part, build_folder, write_site

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
BASE_URL = "http://podium.test"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _folder_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_write_site_swaps_in_fresh_folder(tmp_path):
    out_dir = tmp_path / "out"
    (out_dir / "stale").mkdir(parents=True)
    (out_dir / "stale" / "old.html").write_text("old")

    count = write_site({"index.html": b"new", "e/x/index.html": b"x"}, out_dir)

    assert count == 2
    assert _folder_files(out_dir) == {"e/x/index.html": b"x", "index.html": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    umask = os.umask(0o022)
    os.umask(umask)
    # What any mkdir gives (a web server running as another user reads it), not mkdtemp's 0700.
    assert out_dir.stat().st_mode & 0o777 == 0o777 & ~umask
    assert (out_dir / "index.html").stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("path", ["../evil.html", "/etc/passwd", "e/../../evil.html", "a\\b.html", "e//x.html", "./x"])
def test_write_site_refuses_escaping_paths(tmp_path, path):
    out_dir = tmp_path / "out"

    with pytest.raises(UnsafePathError):
        write_site({"index.html": b"ok", path: b"bad"}, out_dir)

    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_build_folder_writes_exactly_what_render_site_renders(tmp_path, sample_2017):
    bundle = load_bundle(sample_2017, now=NOW)
    (tmp_path / "site" / "stale").mkdir(parents=True)

    files = build_folder([bundle], tmp_path / "site", base_url=BASE_URL, now=NOW)

    assert files == render_site([bundle], base_url=BASE_URL, now=NOW)
    assert _folder_files(tmp_path / "site") == files
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_two_processes_parts_of_the_pages_are_every_page_once(sample_2017):
    view = event_view(load_bundle(sample_2017, now=NOW), base_url=BASE_URL)

    first, second = event_pages(view, picked=_first_part), event_pages(view, picked=_second_part)

    assert first.keys() & second.keys() == set()
    assert first | second == event_pages(view)
    assert 3 * len(second) - 3 <= len(first) <= 3 * len(second) + 3  # a quarter of the pages in the second process


def test_build_site_cli_renders_with_two_processes_the_same_bytes(tmp_path, sample_2017):
    """The command line is single-threaded, so it forks; the result equals a one-process build."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PODIUM_", "AWS_"))}
    command = [sys.executable, "build_site.py", "--from-openevent", str(sample_2017), "--base-url", BASE_URL]

    forked = subprocess.run([*command, "--out", str(tmp_path / "two")], env=environ, cwd=REPO, capture_output=True)
    single = subprocess.run(
        [*command, "--out", str(tmp_path / "one")], env=environ | {"PODIUM_BUILD_PROCESSES": "1"}, cwd=REPO,
        capture_output=True,
    )  # fmt: skip

    assert forked.returncode == single.returncode == 0, forked.stderr + single.stderr
    assert forked.stdout.decode().endswith("(2 processes)\n")
    assert single.stdout.decode().endswith("(1 process)\n")
    two, one = _folder_files(tmp_path / "two"), _folder_files(tmp_path / "one")
    assert len(two) == 678
    assert two == one


def test_forked_answers_with_its_result():
    assert Forked(lambda: {"x": b"1" * 200_000}).result() == {"x": b"1" * 200_000}


def test_forked_reports_the_error_of_its_work():
    with pytest.raises(WorkerError, match="ZeroDivisionError: division by zero"):
        Forked(lambda: 1 / 0).result()


def test_forked_that_dies_is_reported():
    with pytest.raises(WorkerError, match="without an answer"):
        Forked(lambda: os._exit(3)).result()


def _bytes_in_pipe(fd: int) -> int:
    return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0]


def test_forked_answer_cut_off_is_reported():
    # Killed while writing an answer larger than the pipe holds: half an answer is no answer.
    forked = Forked(lambda: b"x" * 5_000_000)
    deadline = time.monotonic() + 30
    while not _bytes_in_pipe(forked._reader.fileno()):  # killed once part of its answer is written
        assert time.monotonic() < deadline, "the copy wrote nothing in 30 s"
        time.sleep(0.01)
    os.kill(forked.pid, signal.SIGKILL)

    with pytest.raises(WorkerError, match="without an answer"):
        forked.result()


def test_forked_wait_returns_only_after_the_copy_wrote_everything(tmp_path):
    def slow_write() -> None:
        time.sleep(0.5)
        (tmp_path / "late").write_text("written")

    forked = Forked(slow_write)
    forked.wait()

    assert (tmp_path / "late").read_text() == "written"  # the folder may be removed now
