"""Tests mirror the source tree: every backend module with behaviour has its own test module,
found at the mirrored path (or named in TESTED_IN), unless NO_OWN_TEST says why not; and pytest's
default import mode can hold every test module (no two share a basename)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[1]
BACKEND = REPO / "backend"
TESTS = REPO / "tests"

# Source package folder → the tests/ folder that mirrors it; the longest matching prefix wins.
# chalicelib is the default tree (tests/api mirrors chalicelib/api); the CLI's localstack package
# has had tests/localstack since before tests/podium existed.
TEST_FOLDERS = {
    "chalicelib": "",
    "podium": "podium",
    "podium/localstack": "localstack",
}

# Source module → its test module under another name than test_<module>.py (paths under tests/).
TESTED_IN = {
    "chalicelib/public/audiences.py": "domain/test_projections.py",  # the table domain/projections.py applies
    "chalicelib/job_bodies/trash.py": "job_bodies/test_trash_jobs.py",  # tests/domain/test_trash.py holds the name
    # Blueprints: their tests drive the routes over HTTP, hence the _http / _routes names.
    "chalicelib/api/call_for_papers.py": "api/test_call_for_papers_http.py",
    "chalicelib/api/review.py": "api/test_review_http.py",
    "chalicelib/api/speaker_portal.py": "api/test_speaker_portal_http.py",
    "chalicelib/db/speaker_profiles.py": "db/test_speaker_profile_records.py",
    "chalicelib/api/content.py": "api/test_content_http.py",
    "chalicelib/api/questions.py": "api/test_questions_http.py",
    "chalicelib/api/mail.py": "api/test_mail_http.py",  # tests/api/test_mail.py would share adapters' basename
    "chalicelib/api/schedule_releases.py": "api/test_schedule_releases_http.py",
    "chalicelib/db/mail.py": "domain/test_outbox.py",  # the models, driven by the outbox; its ids' order tested there
    "chalicelib/api/exports.py": "api/test_exports_http.py",
    "chalicelib/api/imports.py": "api/test_imports_http.py",
    "chalicelib/api/trash.py": "api/test_trash_routes.py",
    "chalicelib/api/uploads.py": "api/test_uploads_http.py",
    "chalicelib/api/fallback.py": "api/test_http.py",  # unknown paths and methods answer in the error shape
    "chalicelib/api/schema.py": "api/test_schema_fuzz.py",
    "podium/packaging.py": "test_packaging.py",  # at tests/ root: README.md cites it there
    "podium/localstack/aws.py": "localstack/test_moto_reads.py",
    "podium/localstack/uploads_gate.py": "localstack/test_uploads_server.py",
    "podium/localstack/snapshot.py": "localstack/test_stack_crash.py",
    "podium/imports.py": "podium/test_transfer.py",  # `podium import`, named before imports/exports split
    # Job bodies: their tests need tests/jobs/'s poller and worker fixtures.
    "chalicelib/job_bodies/imports.py": "jobs/test_import_jobs.py",
    "chalicelib/job_bodies/exports.py": "jobs/test_export_jobs.py",
    "podium/exports.py": "podium/test_export_command.py",  # with build_site.py from the table: both run as processes
    "chalicelib/job_bodies/site.py": "jobs/test_site_jobs.py",
    "chalicelib/job_bodies/__init__.py": "jobs/test_registry.py",  # the loader it hands the registry
    "chalicelib/job_bodies/outbox.py": "job_bodies/test_send_outbox.py",  # domain/test_outbox.py has the basename
}

# Modules with behaviour that legitimately have no test module of their own, and why.
NO_OWN_TEST = {
    "chalicelib/errors.py": "the error types; their HTTP mapping is tested in tests/api/test_http.py",
    "chalicelib/api/events.py": "routes only, each one call into domain/events.py (tests/domain/test_events.py); "
    "every route is driven by tests/api/test_permission_matrix.py",
    "chalicelib/workers/jobs.py": "the SQS handler around jobs/runner.py; driven end to end by tests/jobs/",
    "chalicelib/job_bodies/builtin.py": "job bodies (load, call one domain function), run by tests/jobs/test_worker.py",
    "podium/localstack/lambda_events.py": "builds the Lambda events the local poller hands to handlers; "
    "driven by tests/localstack/test_poller.py",
}

# Modules with real behaviour whose own test module is still owed (issue #20): only tested
# through other modules' tests for now. This list may only shrink: OWED_AT_MOST is lowered with it.
OWED = {
    "chalicelib/db/base.py": "Item's connection and kinds, exercised by every tests/db/ module",
    "chalicelib/db/content.py": "content models, exercised by tests/db/test_live.py and test_pagination.py",
    "chalicelib/db/jobs.py": "job records, through tests/jobs/",
    "chalicelib/db/prefetch.py": "through tests/db/test_live.py",
    "chalicelib/db/users.py": "through tests/db/test_user_records.py",
    "chalicelib/domain/accounts.py": "through tests/api/test_auth.py and test_users.py",
    "chalicelib/domain/event_access.py": "through tests/domain/test_events.py and test_imports.py",
    "chalicelib/domain/jobs.py": "through tests/api/test_jobs.py and tests/jobs/",
    "chalicelib/domain/onetime.py": "through tests/api/test_auth.py and tests/domain/test_role_invites.py",
    "chalicelib/domain/ratelimit.py": "through tests/api/test_auth.py",
    "chalicelib/domain/roles.py": "through tests/api/test_roles.py and tests/domain/test_role_invites.py",
    "chalicelib/jobs/effects.py": "through tests/jobs/test_faults.py",
    "chalicelib/jobs/runner.py": "through tests/jobs/test_worker.py and test_faults.py",
    "chalicelib/public/bundle.py": "through tests/site/test_render.py",
    "chalicelib/site/from_export.py": "through tests/site/test_openevent_values.py and test_build_site.py",
    "chalicelib/public/richtext.py": "through tests/site/test_render.py and tests/public/test_safe_values.py",
    "podium/cli.py": "through tests/localstack/test_operator_commands.py and tests/jobs/test_cli.py",
    "podium/localstack/demo.py": "through tests/localstack/test_stack.py and test_seed.py",
    "podium/localstack/outbox.py": "through tests/api/ and tests/admin/ reading mails",
}
OWED_AT_MOST = 21


def _has_behaviour(path: Path) -> bool:
    """A function, or a class with a method: a module of constants, types or models only has none."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return True
        if isinstance(node, ast.ClassDef) and any(
            isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) for item in node.body
        ):
            return True
    return False


def _source_modules() -> list[str]:
    """Backend modules as paths under backend/ (e.g. "chalicelib/api/http.py")."""
    return sorted(
        path.relative_to(BACKEND).as_posix()
        for package in ("chalicelib", "podium")
        for path in (BACKEND / package).rglob("*.py")
        if "vendor" not in path.parts
    )


def mirrored_test(module: str) -> str:
    """Where the test module of `module` (a path under backend/) lives, as a path under tests/."""
    source = Path(module)
    folder = source.parent.as_posix()
    package = max((p for p in TEST_FOLDERS if folder == p or folder.startswith(p + "/")), key=len)
    inner = folder[len(package) :].strip("/")
    test_folder = "/".join(part for part in (TEST_FOLDERS[package], inner) if part)
    return f"{test_folder}/test_{source.stem}.py" if test_folder else f"test_{source.stem}.py"


def test_mirrored_test_drops_chalicelib_and_keeps_the_rest_of_the_path():
    assert mirrored_test("chalicelib/api/http.py") == "api/test_http.py"
    assert mirrored_test("chalicelib/settings.py") == "test_settings.py"
    assert mirrored_test("chalicelib/migrations/runner.py") == "migrations/test_runner.py"
    assert mirrored_test("podium/stages.py") == "podium/test_stages.py"
    assert mirrored_test("podium/localstack/poller.py") == "localstack/test_poller.py"


def test_has_behaviour_counts_functions_and_methods_not_constants_or_plain_classes(tmp_path):
    constants = tmp_path / "constants.py"
    constants.write_text('"""Doc."""\nLIMIT = 3\n\nclass Shape:\n    size: int = 0\n')
    function = tmp_path / "function.py"
    function.write_text("def twice(x):\n    return 2 * x\n")
    method = tmp_path / "method.py"
    method.write_text("class Shape:\n    def area(self):\n        return 0\n")

    assert [_has_behaviour(p) for p in (constants, function, method)] == [False, True, True]


def test_layout_every_module_with_behaviour_has_a_test_module():
    missing = []
    for module in _source_modules():
        if not _has_behaviour(BACKEND / module) or module in NO_OWN_TEST or module in OWED:
            continue
        expected = TESTED_IN.get(module, mirrored_test(module))
        if not (TESTS / expected).is_file():
            missing.append(f"{module}: no tests/{expected}")
    assert missing == [], "add the test module, name it in TESTED_IN or say why in NO_OWN_TEST:\n" + "\n".join(missing)


def test_layout_lists_name_existing_modules_and_tests_and_never_a_tested_module_as_untested():
    modules = set(_source_modules())
    stale = [f"{m}: no such module" for m in (*TESTED_IN, *NO_OWN_TEST, *OWED) if m not in modules]
    stale += [f"{m}: tests/{t} does not exist" for m, t in TESTED_IN.items() if not (TESTS / t).is_file()]
    stale += [
        f"{m}: has tests/{mirrored_test(m)} now, drop it from the list"
        for m in (*NO_OWN_TEST, *OWED)
        if (TESTS / mirrored_test(m)).is_file()
    ]
    stale += [
        f"{m}: has no behaviour, drop it from the list"
        for m in (*NO_OWN_TEST, *OWED)
        if m in modules and not _has_behaviour(BACKEND / m)
    ]
    untested = set(NO_OWN_TEST) | set(OWED)
    stale += [f"{m}: listed twice" for m in (set(NO_OWN_TEST) & set(OWED)) | (set(TESTED_IN) & untested)]
    assert stale == [], "\n".join(stale)


def test_layout_owed_test_modules_only_get_fewer():
    # A new module with behaviour comes with its test module; it does not join OWED.
    assert len(OWED) <= OWED_AT_MOST


def test_layout_no_two_test_modules_share_a_basename():
    # pytest's default (prepend) import mode imports a test module by its basename: two
    # tests/*/test_x.py cannot both be collected in one run.
    by_name: dict[str, list[str]] = defaultdict(list)
    for path in TESTS.rglob("test_*.py"):
        by_name[path.name].append(path.relative_to(TESTS).as_posix())
    assert {name: paths for name, paths in by_name.items() if len(paths) > 1} == {}


def test_layout_test_folders_hold_only_tests_and_conftest():
    # Shared helpers live in tests/support/ (one package), not beside the tests.
    strays = sorted(
        path.relative_to(TESTS).as_posix()
        for path in TESTS.rglob("*.py")
        if "support" not in path.relative_to(TESTS).parts[:1]
        and not path.name.startswith("test_")
        and path.name != "conftest.py"
    )
    assert strays == []
