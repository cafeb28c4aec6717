import pytest

pytestmark = pytest.mark.unit


def test_main_builds_from_openevent(tmp_path, build_site_module, sample_2017, capsys):
    out_dir = tmp_path / "site"

    code = build_site_module.main(["--from-openevent", str(sample_2017), "--out", str(out_dir)])

    assert code == 0
    assert (out_dir / "e" / "fossasia-summit-2017" / "schedule" / "index.html").is_file()
    assert capsys.readouterr().out.startswith(f"Wrote 635 files (409 pages) to {out_dir} in ")


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
