from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def super_admin(aws_stack):
    """The super admin, made the way `podium create-admin` makes it."""
    from chalicelib.db.base import Item
    from chalicelib.db.keys import email_key, user_pk
    from chalicelib.domain.accounts import make_super_admin

    user, _ = make_super_admin(email="root@podium.example.org", password="a long root password", name="Root")
    yield user.email
    connection = Item._get_connection()
    connection.delete_item(user_pk(user.id), "USER")
    connection.delete_item(email_key(user.email), "EMAIL")


def test_shell_command_prints_the_super_admins_email(local_stack, podium, super_admin):
    result = podium("shell", "--state-dir", str(local_stack), "-c", "print(su.email)")

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{super_admin}\n"


@pytest.fixture
def shell_event(aws_stack):
    """An event of this test's own (the demo event may already be in the shared table)."""
    from chalicelib.db.content import Event
    from chalicelib.db.keys import event_pk

    event = Event(event_pk("shell0000001"), "EVENT", id="shell0000001", slug="shell-test-conf", name="Shell Conf")
    event.gsi1pk, event.gsi1sk = "SLUG#shell-test-conf", "EVENT"
    event.save()
    yield event.slug
    event.delete(add_version_condition=False)


def test_shell_preloads_models_query_helpers_and_enqueue(local_stack, podium, shell_event):
    code = f"print(type(event_by_slug({shell_event!r})) is Event, Session.__name__, callable(enqueue), event_by_slug('nope'))"

    result = podium("shell", "--state-dir", str(local_stack), "-c", code)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "True Session True None\n"


def test_shell_adds_names_from_the_local_file(local_stack, podium, tmp_path):
    (tmp_path / "podium_shell_local.py").write_text("def shout(text):\n    return text.upper()\n")

    result = podium("shell", "--state-dir", str(local_stack), "-c", "print(shout('hi'))", cwd=tmp_path)

    assert (result.returncode, result.stdout) == (0, "HI\n"), result.stderr


def test_plain_shell_shows_a_banner_of_what_is_loaded_and_runs_input(local_stack, podium):
    result = podium("shell", "--state-dir", str(local_stack), "--plain", stdin="print(Event.__name__ * 2)\n")

    assert result.returncode == 0, result.stderr
    assert "Models: " in result.stderr and "Event" in result.stderr and "su: the super admin" in result.stderr
    assert "enqueue(name, **json_args)" in result.stderr
    assert result.stdout == ">>> EventEvent\n>>> "


def test_shell_is_ipython_when_installed(local_stack, podium):
    result = podium("shell", "--state-dir", str(local_stack), stdin="print(Event.__name__ * 2)\n")

    assert result.returncode == 0, result.stderr
    assert "Models: " in result.stdout and "In [1]: EventEvent\n" in result.stdout


def test_shell_names_the_missing_super_admin(local_stack, podium):
    result = podium("shell", "--state-dir", str(local_stack), "-c", "print(repr(su))")

    assert result.stdout == "<su: there is no super admin yet; create one with `podium create-admin EMAIL`>\n"


def test_shell_without_a_running_stack_says_how_to_start_one(podium, tmp_path):
    result = podium("shell", "--state-dir", str(tmp_path / "nothing"), "-c", "print(1)")

    assert result.returncode == 1
    assert "No local stack is running" in result.stderr and "make run" in result.stderr


def test_shell_on_prod_stops_unless_the_stage_name_is_typed(podium):
    result = podium("shell", "--stage", "prod", "-c", "print('ran')", stdin="yes\n")

    assert result.returncode == 1
    assert "Type the stage name (prod)" in result.stderr and "aborted" in result.stderr
    assert result.stdout == ""
