"""Table keys: each kind built by one function in db/keys.py, and by nothing else in backend/."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.unit

BACKEND = Path(__file__).resolve().parents[2] / "backend"
KEYS_MODULE = BACKEND / "chalicelib" / "db" / "keys.py"
# The embedded stack talks to moto at the AWS level (snapshots, transactions): it is the stack, not the app.
STACK = BACKEND / "podium" / "localstack"
ids = st.text(alphabet="abcdefghijkmnpqrstuvwxyz23456789-_", min_size=1, max_size=40)


@given(ids)
def test_event_and_child_keys_round_trip(event_id):
    from chalicelib.db import keys

    assert keys.event_id_from_pk(keys.event_pk(event_id)) == event_id
    assert keys.event_key(event_id) == (keys.event_pk(event_id), keys.EVENT_SK)
    assert keys.child_key(event_id, "session_type", "t1") == (keys.event_pk(event_id), "SESSION_TYPE#t1")
    assert keys.child_sk("speaker", event_id).startswith(keys.child_sk_prefix("speaker"))


@given(ids, ids)
def test_user_and_role_keys_round_trip(user_id, event_id):
    from chalicelib.db import keys

    assert keys.user_id_from_pk(keys.user_pk(user_id)) == user_id
    assert keys.user_key(user_id) == (keys.user_pk(user_id), keys.USER_SK)
    pk, sk = keys.role_key(event_id, user_id)
    assert (keys.event_id_from_pk(pk), keys.role_user_id_from_sk(sk)) == (event_id, user_id)
    assert sk.startswith(keys.ROLE_SK_PREFIX)
    assert keys.invite_key(event_id, user_id)[1].startswith(keys.INVITE_SK_PREFIX)


@given(ids)
def test_keys_of_one_kind_never_parse_as_another(item_id):
    from chalicelib.db import keys

    assert keys.event_id_from_pk(keys.user_pk(item_id)) is None
    assert keys.user_id_from_pk(keys.event_pk(item_id)) is None
    assert keys.role_user_id_from_sk(keys.invite_sk(item_id)) is None
    assert keys.event_id_from_pk(keys.render_key(item_id)[0]) is None


def test_email_keys_compare_addresses_lowercased_and_trimmed():
    from chalicelib.db import keys

    assert keys.email_key(" Ada@Example.org ") == keys.email_key("ada@example.org")
    assert keys.email_guard_key("Ada@Example.org") == (keys.email_key("ada@example.org"), keys.EMAIL_SK)


def test_rate_keys_hide_the_counted_value_and_ignore_its_case():
    from chalicelib.db import keys

    pk, sk = keys.rate_key("login", "Ada@Example.org")

    assert (pk, sk) == keys.rate_key("login", "ada@example.org")
    assert "ada" not in pk.lower()
    assert keys.rate_key("signup", "ada@example.org") != (pk, sk)


def test_site_manifest_shard_keys_share_their_heads_partition():
    from chalicelib.db import keys

    head = keys.site_manifest_key("b", ["e/x/"])

    assert keys.site_manifest_shard_key(head, 8, 3)[0] == head[0]
    assert len({head, keys.site_manifest_shard_key(head, 8, 3), keys.site_manifest_shard_key(head, 16, 3)}) == 3


def test_site_manifest_key_ignores_the_order_of_prefixes():
    from chalicelib.db import keys

    assert keys.site_manifest_key("b", ["e/x/", "assets/"]) == keys.site_manifest_key("b", ["assets/", "e/x/"])
    assert keys.site_manifest_key("b", ["e/x/"]) != keys.site_generation_key("b")
    assert keys.site_listing_key("b") != keys.site_generation_key("b")


def test_time_ordered_sort_keys_sort_by_time():
    from chalicelib.db import keys

    early = datetime(2026, 1, 1, 9, tzinfo=UTC)
    later = [keys.time_ordered_sk(early + timedelta(seconds=s), "zz") for s in (1, 60, 3600)]

    assert sorted([*later, keys.time_ordered_sk(early, "zz")]) == [keys.time_ordered_sk(early, "zz"), *later]


def test_audit_partitions_are_months():
    from chalicelib.db import keys

    assert keys.audit_pk(datetime(2026, 2, 28, tzinfo=UTC)) == keys.audit_month_pk("2026-02")


def test_migration_keys_share_one_partition():
    from chalicelib.db import keys

    assert keys.migration_state_key()[0] == keys.migration_run_key("0002")[0]
    assert keys.migration_state_key() != keys.migration_run_key("CURRENT")


# -- the acceptance check: nothing outside db/keys.py spells a key -------------------------------


def _fixed_keys() -> set[str]:
    """The whole-value keys of db/keys.py (its upper-case string constants)."""
    tree = ast.parse(KEYS_MODULE.read_text())
    return {
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and all(isinstance(t, ast.Name) and t.id.isupper() for t in node.targets)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }


def _code_strings(tree: ast.AST) -> list[tuple[int, str, ast.AST | None]]:
    """(line, text, parent) of each string in code: docstrings left out, f-strings' literal parts in."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    return [
        (node.lineno, node.value, parents.get(id(node)))
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def _key_spellings(path: Path, fixed: set[str], *, root: Path = BACKEND) -> list[str]:
    found = []
    for line, text, parent in _code_strings(ast.parse(path.read_text())):
        head = text.split("#", 1)[0]
        prefix = "#" in text and head.isupper() and head.replace("_", "").isalpha()
        # A fixed key as a whole value; an argparse metavar ("EMAIL") names a value, not a key.
        whole = text in fixed and not (isinstance(parent, ast.keyword) and parent.arg == "metavar")
        if prefix or whole:
            found.append(f"{path.relative_to(root)}:{line}: {text!r}")
    return found


def _dynamodb_clients(path: Path, *, root: Path = BACKEND) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name in ("client", "resource") and node.args[0].value == "dynamodb":
            found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def _sources(*, besides: Path) -> list[Path]:
    return [p for p in sorted(BACKEND.rglob("*.py")) if besides not in p.parents and "vendor" not in p.parts]


def test_no_module_outside_db_keys_spells_a_table_key():
    fixed = _fixed_keys()
    outside_keys = [p for p in sorted(BACKEND.rglob("*.py")) if p != KEYS_MODULE and "vendor" not in p.parts]

    spelled = [hit for path in outside_keys for hit in _key_spellings(path, fixed)]

    assert spelled == []


def test_no_module_outside_db_makes_a_dynamodb_client():
    db = BACKEND / "chalicelib" / "db"

    clients = [hit for path in _sources(besides=db) if STACK not in path.parents for hit in _dynamodb_clients(path)]

    assert clients == []


def test_the_checks_find_hand_made_keys_and_clients(tmp_path):
    # GIVEN a module that builds a key by hand both ways and makes its own client
    module = tmp_path / "leaky.py"
    module.write_text(
        'import boto3\n\n\ndef key(i):\n    """Builds EVENT#<id>."""\n'
        '    boto3.client("dynamodb").get_item(Key={"pk": f"EVENT#{i}", "sk": "EVENT"})\n'
    )

    # WHEN it is checked
    spelled = _key_spellings(module, _fixed_keys(), root=tmp_path)
    clients = _dynamodb_clients(module, root=tmp_path)

    # THEN both spellings and the client are found; the docstring is not
    assert sorted(spelled) == ["leaky.py:6: 'EVENT#'", "leaky.py:6: 'EVENT'"]
    assert clients == ["leaky.py:6"]


@given(ids, ids, ids)
def test_review_assignment_and_conflict_keys_live_in_the_event_partition(event_id, proposal_id, reviewer_id):
    from chalicelib.db import keys

    pk, sk = keys.review_assignment_key(event_id, proposal_id, reviewer_id)
    conflict_pk, conflict_sk = keys.review_conflict_key(event_id, proposal_id, reviewer_id)
    assert (pk, conflict_pk) == (keys.event_pk(event_id), keys.event_pk(event_id))
    assert sk.startswith(keys.REVIEW_ASSIGNMENT_SK_PREFIX) and conflict_sk.startswith(keys.REVIEW_CONFLICT_SK_PREFIX)
    assert not sk.startswith(keys.REVIEW_CONFLICT_SK_PREFIX) and not conflict_sk.startswith(keys.ROLE_SK_PREFIX)
