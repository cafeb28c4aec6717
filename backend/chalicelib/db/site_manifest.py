"""What the site bucket holds under a prefix (key → MD5), remembered in the table.

An incremental rebuild reads this one item instead of listing the bucket. It is only
trusted while it is certainly exact, so every writer follows one protocol:

- `begin_writing` drops the remembered files and registers the writer (with a lease, so a
  crashed writer stops counting after LEASE_SECONDS), bumping the item's version;
- `finish_writing` stores the files it wrote only if no other writer overlapped it (none was
  registered when it began, none began between its reading what the bucket holds and its own
  beginning, and the version is still its own), and unregisters.

So whenever writers overlap, or one crashed mid-way, the item holds no files and the next
sync lists the bucket, then remembers what it found.

A full publish always lists, and first starts a new generation of the bucket: manifests of
earlier generations are no longer trusted (a folder it did not rewrite, e.g. of an event
unpublished meanwhile, may have been changed by hand or emptied like `podium dev`'s bucket).
"""

from __future__ import annotations

import base64
import json
import secrets
import zlib
from dataclasses import dataclass

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.clock import clock
from chalicelib.db import table
from chalicelib.db.base import Item
from chalicelib.db.keys import Key, site_generation_key, site_manifest_key

# Longer than any Lambda may run (15 minutes): past it, a registered writer has crashed.
LEASE_SECONDS = 900
# DynamoDB items stop at 400 KB; a bigger manifest is not stored (syncs then list the bucket).
MAX_STORED_BYTES = 350_000
WRITER = "writer_"  # one attribute per registered writer: its lease's end (epoch seconds)


class SiteManifest(Item, discriminator="site_manifest"):
    """What the bucket holds under some prefixes (`site_manifest_key`). Besides these, one
    `writer_<token>` attribute per registered writer; the functions below are its only writers."""

    files = UnicodeAttribute(null=True)  # key → MD5 as JSON, zlib-compressed, base64
    generation = NumberAttribute(null=True)  # the bucket's generation the files were written in


class SiteGeneration(Item, discriminator="site_generation"):
    """The bucket's generation (`site_generation_key`): a full publish starts a new one."""

    generation = NumberAttribute(null=True)


@dataclass(frozen=True)
class WriteLease:
    key: Key
    token: str
    version: int
    alone: bool  # no other writer was registered when this one began
    generation: int


def _now() -> float:
    return clock().now().timestamp()


def start_generation(bucket: str) -> int:
    """Distrust every manifest of the bucket written so far; a full publish calls this first."""
    answer = table.update_unconditionally(
        site_generation_key(bucket),
        UpdateExpression="SET #k = :kind ADD #g :one",
        ExpressionAttributeNames={"#k": "kind", "#g": "generation"},
        ExpressionAttributeValues={":kind": {"S": "site_generation"}, ":one": {"N": "1"}},
        ReturnValues="UPDATED_NEW",
    )
    return int(answer["generation"]["N"])


@dataclass(frozen=True)
class Remembered:
    generation: int  # the bucket's generation now
    files: dict[str, str] | None  # key → MD5 as last written in this generation; None when not certain
    version: int  # the manifest's version now: pass it to `begin_writing`


def remembered_files(bucket: str, prefixes: list[str]) -> Remembered:
    """The bucket's generation and what the manifest of `prefixes` remembers, in one consistent
    BatchGetItem. Read it before reading the bucket, and pass its version to `begin_writing`,
    which so learns whether another writer began in between."""
    generation_key, manifest_key = site_generation_key(bucket), site_manifest_key(bucket, prefixes)
    found = table.batch_get([generation_key, manifest_key])
    generation = int(found.get(generation_key, {}).get("generation", {}).get("N", "0"))
    item = found.get(manifest_key, {})
    version = int(item.get("version", {}).get("N", "0"))
    stamped = int(item.get("generation", {}).get("N", "-1"))
    if "files" not in item or stamped != generation or _live_writers(item, _now()):
        return Remembered(generation, None, version)
    return Remembered(generation, json.loads(zlib.decompress(base64.b64decode(item["files"]["S"]))), version)


def _live_writers(item: dict, now: float, *, besides: str = "") -> list[str]:
    return [
        name for name, until in item.items() if name.startswith(WRITER) and name != besides and float(until["N"]) > now
    ]


def begin_writing(bucket: str, prefixes: list[str], *, generation: int, seen_version: int | None = None) -> WriteLease:
    """Forget the remembered files and register as a writer; call before touching the bucket.

    `seen_version`: the manifest's version when this writer read what the bucket holds. A writer
    that began (and maybe finished) since then changed the bucket behind that reading, so this
    one does not count as alone; None: not known, never alone."""
    key, token, now = site_manifest_key(bucket, prefixes), WRITER + secrets.token_hex(8), _now()
    answer = table.update_unconditionally(
        key,
        UpdateExpression="SET #t = :until, #k = :kind ADD #v :one REMOVE #f",
        ExpressionAttributeNames={"#t": token, "#k": "kind", "#v": "version", "#f": "files"},
        ExpressionAttributeValues={
            ":until": {"N": repr(now + LEASE_SECONDS)},
            ":one": {"N": "1"},
            ":kind": {"S": "site_manifest"},
        },
        ReturnValues="ALL_NEW",
    )
    version = int(answer["version"]["N"])
    alone = seen_version is not None and version == seen_version + 1 and not _live_writers(answer, now, besides=token)
    return WriteLease(key, token, version, alone, generation)


def _packed(files: dict[str, str]) -> str:
    # A string, not a binary attribute: the local stack's journal of stream records is JSON.
    return base64.b64encode(zlib.compress(json.dumps(files, sort_keys=True, separators=(",", ":")).encode())).decode()


def finish_writing(lease: WriteLease, files: dict[str, str] | None) -> bool:
    """Unregister; remember `files` (what the bucket now holds) if no other writer overlapped.

    None: the writer failed part-way, so nothing is remembered."""
    stored = _packed(files) if files is not None else ""
    if lease.alone and files is not None and len(stored) <= MAX_STORED_BYTES:
        remembered = table.update_item(
            lease.key,
            UpdateExpression="SET #f = :files, #g = :generation REMOVE #t",
            ConditionExpression="#v = :mine",
            ExpressionAttributeNames={"#t": lease.token, "#f": "files", "#v": "version", "#g": "generation"},
            ExpressionAttributeValues={
                ":files": {"S": stored},
                ":mine": {"N": str(lease.version)},
                ":generation": {"N": str(lease.generation)},
            },
        )
        if remembered is not None:
            return True
        # else another writer began meanwhile: what the bucket holds is not certain
    table.update_unconditionally(
        lease.key,
        UpdateExpression="REMOVE #t",
        ExpressionAttributeNames={"#t": lease.token},
    )
    return False
