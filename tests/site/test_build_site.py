import ast
import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.unit


def test_main_builds_from_openevent(tmp_path, build_site_module, sample_2017, capsys):
    out_dir = tmp_path / "site"

    code = build_site_module.main(["--from-openevent", str(sample_2017), "--out", str(out_dir)])

    assert code == 0
    assert (out_dir / "e" / "fossasia-summit-2017" / "schedule" / "index.html").is_file()
    assert capsys.readouterr().out.startswith(f"Wrote 678 files (447 pages) to {out_dir} in ")


def test_main_reports_export_errors(tmp_path, build_site_module, capsys):
    code = build_site_module.main(["--from-openevent", str(tmp_path), "--out", str(tmp_path / "site")])

    assert code == 2
    assert capsys.readouterr().err == "error: event: file missing from export\n"


def test_main_from_the_table_without_a_stack_says_how_to_start_one(tmp_path, build_site_module, capsys):
    code = build_site_module.main(["--out", str(tmp_path / "site"), "--state-dir", str(tmp_path / "state")])

    assert code == 2
    assert capsys.readouterr().err.startswith(f"error: No local stack is running for {tmp_path / 'state'}")


def test_main_refuses_bucket_with_an_export(tmp_path, build_site_module, sample_2017, capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_site_module.main(["--from-openevent", str(sample_2017), "--bucket", "site"])

    assert exit_info.value.code == 2
    assert "--bucket publishes from the database" in capsys.readouterr().err


def _with_state(tmp_path, sample, state):
    import json
    import shutil

    folder = shutil.copytree(sample, tmp_path / "export")
    event = json.loads((folder / "event").read_text())
    (folder / "event").write_text(json.dumps(event | {"state": state}))
    return folder


def test_main_builds_a_completed_event_as_published_and_past(tmp_path, build_site_module, sample_2017, capsys):
    out_dir = tmp_path / "site"

    code = build_site_module.main(["--from-openevent", str(_with_state(tmp_path, sample_2017, "Completed")), "--out", str(out_dir)])

    assert code == 0
    assert (out_dir / "e" / "fossasia-summit-2017" / "index.html").is_file()
    assert "e/fossasia-summit-2017/" in (out_dir / "index.html").read_text()


def test_main_refuses_an_unpublished_export_instead_of_an_empty_site(tmp_path, build_site_module, sample_2017, capsys):
    code = build_site_module.main(["--from-openevent", str(_with_state(tmp_path, sample_2017, "Draft")), "--out", str(tmp_path / "site")])

    assert code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "error: event: state is 'draft', not published: nothing to build (publish it, or import it and publish it there)"
    )
    assert not (tmp_path / "site").exists()


def test_main_prints_the_repairs_it_made_on_stderr(tmp_path, build_site_module, sample_2018, capsys):
    code = build_site_module.main(["--from-openevent", str(sample_2018), "--out", str(tmp_path / "site")])

    err = capsys.readouterr().err
    assert code == 0
    assert err.startswith("Read the export with 8 repairs:\n")
    assert "  sessions[57 (id 4588)]: title must be one line (no line breaks or tabs): repaired\n" in err


# What a static build from an export never needs: AWS clients, table models, schema validators
# (only reading schedules validates), images (thumbnails are made by jobs), the progress bar of
# a multi-event build. Each costs 0.05-0.5 s of a build of about 1 s.
HEAVY_FOR_A_STATIC_BUILD = ("boto3", "pynamodb", "jsonschema", "xmlschema", "PIL", "rich", "chalicelib.jobs.runner",
                            "botocore", "urllib.request", "http.client", "email", "xml.sax", "podium.target")


def test_main_from_openevent_imports_nothing_heavy_it_does_not_use(tmp_path, sample_2017):
    repo = Path(__file__).resolve().parents[2]
    script = (
        "import sys, build_site\n"
        f"code = build_site.main(['--from-openevent', {str(sample_2017)!r}, '--out', {str(tmp_path / 'site')!r}])\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} | set(sys.modules)))\n"
    )

    built = subprocess.run(
        [sys.executable, "-c", script], cwd=repo, capture_output=True, text=True, timeout=60, check=True,
        env=os.environ | {"PYTHONPATH": str(repo / "backend"), "PODIUM_BUILD_PROCESSES": "1"},
    )  # fmt: skip

    loaded = set(ast.literal_eval(built.stdout.splitlines()[-1]))
    assert sorted(loaded & set(HEAVY_FOR_A_STATIC_BUILD)) == []


def test_fewer_collections_collects_less_often_within_and_as_before_after():
    # In a fresh process, as a user runs build_site.py: nothing frozen before it
    script = (
        "import gc, json, build_site\n"
        "before = (gc.get_threshold(), gc.get_freeze_count())\n"
        "with build_site.fewer_collections():\n"
        "    within = (gc.get_threshold(), gc.get_freeze_count())\n"
        "print(json.dumps([before, within, (gc.get_threshold(), gc.get_freeze_count()), build_site.BUILD_GC_THRESHOLD]))\n"
    )
    answer = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "backend")})  # fmt: skip
    before, within, after, threshold = json.loads(answer.stdout)

    assert before[1] == 0
    assert within[0] == [threshold, *before[0][1:]] and within[1] > 0
    assert after == before


def test_fewer_collections_after_others_froze_leaves_their_freeze_alone(build_site_module):
    # GIVEN objects frozen by someone else (app.py freezes its modules at import)
    gc.freeze()
    before = (gc.get_threshold(), gc.get_freeze_count())

    with build_site_module.fewer_collections():
        within = (gc.get_threshold(), gc.get_freeze_count())

    # (frozen objects may die meanwhile, so the count can only stay or fall: none of ours was added)
    assert within[0] == (build_site_module.BUILD_GC_THRESHOLD, *before[0][1:]) and within[1] <= before[1]
    assert gc.get_threshold() == before[0] and gc.get_freeze_count() <= before[1]


def test_main_leaves_the_collector_as_it_found_it(tmp_path, build_site_module, sample_2017):
    before = (gc.get_threshold(), gc.get_freeze_count())

    code = build_site_module.main(["--from-openevent", str(sample_2017), "--out", str(tmp_path / "site")])

    assert code == 0
    # Thresholds as they were, nothing more frozen (frozen objects of others may have died meanwhile)
    assert gc.get_threshold() == before[0] and gc.get_freeze_count() <= before[1]
