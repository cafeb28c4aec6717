"""S3's presigned POST rules, which moto's server skips: checked here before moto stores a file.

S3 refuses a browser POST whose fields break the signed policy (another key, another
Content-Type, a size outside content-length-range, an extra field, a late or forged policy);
moto stores whatever arrives. `post_problem` decides as S3 does, so the local stack refuses
the same uploads the cloud refuses (the completion step's own checks stay behind it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any, NamedTuple

# Fields S3 does not look for in the policy's conditions.
_UNSIGNED_FIELDS = frozenset({"policy", "x-amz-signature", "file", "awsaccesskeyid", "signature"})


class PostProblem(NamedTuple):
    """Why S3 would refuse the POST: its status, error code and message."""

    status: int
    code: str
    message: str


def post_problem(
    *, bucket: str, fields: list[tuple[str, str]], file_size: int | None, secret_key: str, now: datetime
) -> PostProblem | None:
    """The reason S3 would refuse this presigned POST to `bucket`, or None when it would store it.

    `fields` are the form fields in order, every one (names as sent), `file_size` the file's
    bytes (None: no file).
    """
    problem = _form_problem(fields, file_size)
    if problem is not None:
        return problem
    named = {name.lower(): value for name, value in fields}
    policy_text = named.get("policy")
    if not policy_text:
        return PostProblem(403, "AccessDenied", "Access Denied")
    try:
        policy = json.loads(base64.b64decode(policy_text, validate=True))
        expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
        conditions = list(policy["conditions"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        return PostProblem(400, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON.")
    if not _signature_matches(named, policy_text, secret_key):
        return PostProblem(
            403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."
        )
    if expires.astimezone(UTC) < now:
        return PostProblem(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
    return _condition_problem(conditions, {**named, "bucket": bucket}, file_size)


def _form_problem(fields: list[tuple[str, str]], file_size: int | None) -> PostProblem | None:
    """The form's shape: one file, and no field name twice in any spelling. S3 reads names
    case-insensitively and moto stores under the first field spelled exactly `key`: with a name
    twice, the value checked here could differ from the one stored (another user's key)."""
    if file_size is None:
        return PostProblem(400, "InvalidArgument", "POST requires exactly one file upload per request.")
    seen: set[str] = set()
    for name, _ in fields:
        if name.lower() in seen:
            return PostProblem(400, "InvalidArgument", f"The form field {name.lower()} may appear only once.")
        seen.add(name.lower())
    return None


def _signature_matches(named: dict[str, str], policy_text: str, secret_key: str) -> bool:
    """SigV4 (or the older V2) over the base64 policy, as boto3's generate_presigned_post signs it."""
    if "signature" in named and "awsaccesskeyid" in named:
        digest = hmac.new(secret_key.encode(), policy_text.encode(), hashlib.sha1).digest()
        return hmac.compare_digest(base64.b64encode(digest).decode(), named["signature"])
    if named.get("x-amz-algorithm") != "AWS4-HMAC-SHA256":
        return False
    parts = named.get("x-amz-credential", "").split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        return False
    _, day, region, service, terminal = parts
    key = ("AWS4" + secret_key).encode()
    for part in (day, region, service, terminal):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, policy_text.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, named.get("x-amz-signature", ""))


def _condition_problem(conditions: list[Any], named: dict[str, str], file_size: int) -> PostProblem | None:
    covered = {"bucket"}
    for condition in conditions:
        failed = _failed(condition, named, file_size, covered)
        if failed is not None:
            return failed
    extra = sorted(
        name for name in named if name not in covered and name not in _UNSIGNED_FIELDS and not name.startswith("x-ignore-")
    )
    if extra:
        return PostProblem(403, "AccessDenied", f"Invalid according to Policy: Extra input fields: {', '.join(extra)}")
    return None


def _failed(condition: Any, named: dict[str, str], file_size: int, covered: set[str]) -> PostProblem | None:
    """The problem with one policy condition (recording the field it covers), or None when it holds."""
    if isinstance(condition, dict) and len(condition) == 1:
        [(name, wanted)] = condition.items()
        operator, name = "eq", name.lower()
    elif isinstance(condition, list) and len(condition) == 3 and condition[0] == "content-length-range":
        low, high = int(condition[1]), int(condition[2])
        if file_size > high:
            return PostProblem(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
        if file_size < low:
            return PostProblem(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
        return None
    elif isinstance(condition, list) and len(condition) == 3 and condition[0] in ("eq", "starts-with"):
        operator, name, wanted = condition[0], str(condition[1]).lstrip("$").lower(), condition[2]
    else:
        return PostProblem(400, "InvalidPolicyDocument", f"Invalid Policy: Invalid Condition: {json.dumps(condition)}")
    covered.add(name)
    value = named.get(name, "")
    holds = value == wanted if operator == "eq" else value.startswith(str(wanted))
    if holds:
        return None
    shown = json.dumps([operator, f"${name}", wanted])
    return PostProblem(403, "AccessDenied", f"Invalid according to Policy: Policy Condition failed: {shown}")
