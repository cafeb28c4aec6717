"""adapters/aws.py: the cached clients stay behind the adapters' named functions.

S3, SQS, SES and SSM are reached only through adapters/ (files, queue, mail, parameters), so
how Podium talks to each service (which errors mean "missing" or "changed", which calls a
quirk of S3 needs) is written once. DynamoDB is db/'s, through pynamodb and the clients here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

BACKEND = Path(__file__).resolve().parents[2] / "backend"
SEAMED = frozenset({"s3", "sqs", "ses", "sesv2", "ssm"})
BOTO = ("boto3", "botocore")
# What may build clients itself: the seams, and the embedded local stack (podium/localstack/),
# which IS the local AWS (it deploys the template into moto, serves and polls it) and so talks
# to moto directly.
OWNERS = (BACKEND / "chalicelib" / "adapters", BACKEND / "podium" / "localstack")


def _sources(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if not any(p.is_relative_to(owner) for owner in OWNERS))


def seam_bypasses(path: Path, source: str | None = None) -> list[str]:
    """`file:line what` for each client(...) of a seamed service (or of a service not written as
    a literal) in `path`, and in chalicelib each boto3/botocore import."""
    found = []
    name = path.relative_to(BACKEND)
    for node in ast.walk(ast.parse(path.read_text() if source is None else source, str(path))):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            service = node.args[0]
            literal = service.value if isinstance(service, ast.Constant) else None
            if called == "client" and (literal in SEAMED or not isinstance(literal, str)):
                found.append((node.lineno, f"{name}:{node.lineno} client({ast.unparse(service)})"))
        if isinstance(node, ast.Import | ast.ImportFrom) and path.is_relative_to(BACKEND / "chalicelib"):
            modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [(node.lineno, f"{name}:{node.lineno} import {m}") for m in modules if m.split(".")[0] in BOTO]
    return [what for _, what in sorted(found)]


def test_chalicelib_outside_adapters_builds_no_client_of_a_seamed_service_and_imports_no_boto3():
    sources = _sources(BACKEND / "chalicelib")

    bypasses = [bypass for path in sources for bypass in seam_bypasses(path)]

    assert len(sources) > 50
    assert bypasses == []


def test_the_command_line_outside_the_local_stack_builds_no_client_of_a_seamed_service():
    # podium/stages.py talks to CloudFormation and Lambda (deploying), which have no seam.
    sources = _sources(BACKEND / "podium")

    bypasses = [b for path in sources for b in seam_bypasses(path) if " import " not in b]

    assert len(sources) > 5
    assert bypasses == []


def test_the_check_finds_a_bypass():
    probe = BACKEND / "chalicelib" / "domain" / "bypass_probe.py"
    source = 'import boto3\nfrom chalicelib.adapters.aws import client\n\nclient("s3").put_object()\nclient(name)\n'

    found = seam_bypasses(probe, source)

    assert found == [
        "chalicelib/domain/bypass_probe.py:1 import boto3",
        "chalicelib/domain/bypass_probe.py:4 client('s3')",
        "chalicelib/domain/bypass_probe.py:5 client(name)",
    ]
