"""What the site bucket holds under a prefix (key → MD5), remembered in the table in shards.

An incremental rebuild reads this instead of listing the bucket, and only the part it changes:
the files are split by a hash of their key into shards (about FILES_PER_SHARD each), one item
per shard, and a small head item holds each shard's content digest. A sync compares the digests
of the shards its files make with the head's, then reads and rewrites only the shards that differ
(a title edit: a handful of small items, whatever the event's size; none read when this process
certified the head's current version itself, WRITTEN_HERE). A shard item is trusted only
when its content has the digest the head names, so a shard left by a crashed or overlapped writer
is never believed.

The head is only trusted while it is certainly exact, so every writer follows one protocol:

- `begin_writing` drops the head's certainty and registers the writer (with a lease, so a
  crashed writer stops counting after LEASE_SECONDS), bumping the head's version;
- `finish_writing` stores the shards it changed, then the head's digests and certainty, only if
  no other writer overlapped it (none was registered when it began, none began between its
  reading the head and its own beginning, and the version is still its own), and unregisters.

So whenever writers overlap, or one crashed mid-way, the head is not certain and the next sync
lists the bucket, then remembers what it found.

A full publish always lists, and first starts a new generation of the bucket: manifests of
earlier generations are no longer trusted (a folder it did not rewrite, e.g. of an event
unpublished meanwhile, may have been changed by hand or emptied like `podium dev`'s bucket).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.clock import clock
from chalicelib.db import table
from chalicelib.db.base import Item
from chalicelib.db.keys import Key, site_generation_key, site_manifest_key, site_manifest_shard_key, wire

# Longer than any Lambda may run (15 minutes): past it, a registered writer has crashed.
LEASE_SECONDS = 900
WRITER = "writer_"  # one attribute per registered writer: its lease's end (epoch seconds)
# Small shards keep an edit's reads and writes to about one capacity unit per shard it touches;
# the count is a power of two, so the head stays under 1 KB per 128 shards.
FILES_PER_SHARD = 64
MAX_SHARDS = 4096
DIGEST_BYTES = 8


class SiteManifest(Item, discriminator="site_manifest"):
    """The head of what the bucket holds under some prefixes (`site_manifest_key`). Besides these,
    one `writer_<token>` attribute per registered writer; the functions below are its only writers."""

    shards = UnicodeAttribute(null=True)  # each shard's content digest, concatenated, base64
    certain = NumberAttribute(null=True)  # the version whose writer certified `shards`
    generation = NumberAttribute(null=True)  # the bucket's generation the shards were written in


class SiteManifestShard(Item, discriminator="site_manifest_shard"):
    """One shard of a manifest (`site_manifest_shard_key`): its files, trusted only while their
    digest is the one the head names."""

    files = UnicodeAttribute(null=True)  # key → MD5 as JSON, zlib-compressed, base64


class SiteGeneration(Item, discriminator="site_generation"):
    """The bucket's generation (`site_generation_key`): a full publish starts a new one."""

    generation = NumberAttribute(null=True)


@dataclass(frozen=True)
class Shards:
    """Files split into shards: key → MD5 per shard, and each shard's content digest."""

    count: int
    files: tuple[dict[str, str], ...]
    digests: tuple[bytes, ...]

    def differing(self, digests: tuple[bytes, ...]) -> list[int]:
        return [i for i, digest in enumerate(self.digests) if digest != digests[i]]


def shard_count(files: int) -> int:
    count = 1
    while count * FILES_PER_SHARD < files and count < MAX_SHARDS:
        count *= 2
    return count


def _shard_of(key: str, count: int) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "big") % count


def _canonical(files: dict[str, str]) -> bytes:
    return json.dumps(files, sort_keys=True, separators=(",", ":")).encode()


def _digest(canonical: bytes) -> bytes:
    return hashlib.blake2b(canonical, digest_size=DIGEST_BYTES).digest()


def shards_of(files: dict[str, str], *, count: int | None = None) -> Shards:
    """`files` (key → MD5) split into `count` shards (by default as many as their number asks)."""
    count = count or shard_count(len(files))
    split: list[dict[str, str]] = [{} for _ in range(count)]
    for key, md5 in files.items():
        split[_shard_of(key, count)][key] = md5
    return Shards(count, tuple(split), tuple(_digest(_canonical(part)) for part in split))


@dataclass(frozen=True)
class WriteLease:
    key: Key  # the head's
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


# The shards this process certified last, by manifest head (head version, shards): while the head
# is still at that version no other writer has begun since, so they are what the shard items hold
# and a sync reads the head alone (a warm render Lambda after its own last edit).
WRITTEN_HERE: dict[Key, tuple[int, Shards]] = {}
WRITTEN_KEPT = 64
_written_lock = threading.Lock()


@dataclass(frozen=True)
class Remembered:
    bucket: str
    prefixes: list[str]
    generation: int  # the bucket's generation now
    version: int  # the head's version now: pass it to `begin_writing`
    digests: tuple[bytes, ...] | None  # each shard's digest as last written in this generation; None when not certain

    def files_of(self, shards: list[int]) -> dict[str, str] | None:
        """What the bucket holds in these shards (key → MD5), or None when a shard item is not
        the one the head names (a writer crashed or overlapped): then list the bucket."""
        if self.digests is None:
            return None
        found: dict[str, str] = {}
        head = site_manifest_key(self.bucket, self.prefixes)
        with _written_lock:
            mine = WRITTEN_HERE.get(head)
        if mine is not None and mine[0] == self.version and mine[1].digests == self.digests:
            # This process wrote the head's version itself: the shard items hold what it wrote.
            return {key: md5 for index in shards for key, md5 in mine[1].files[index].items()}
        keys = [site_manifest_shard_key(head, len(self.digests), i) for i in shards]
        items = table.batch_get(keys)
        for index, key in zip(shards, keys, strict=True):
            item = items.get(key)
            canonical = zlib.decompress(base64.b64decode(item["files"]["S"])) if item else _canonical({})
            if _digest(canonical) != self.digests[index]:
                return None
            found.update(json.loads(canonical))
        return found


def remembered_files(bucket: str, prefixes: list[str]) -> Remembered:
    """The bucket's generation and the head of the manifest of `prefixes`, in one consistent
    BatchGetItem. Read it before reading the bucket, and pass its version to `begin_writing`,
    which so learns whether another writer began in between."""
    generation_key, head_key = site_generation_key(bucket), site_manifest_key(bucket, prefixes)
    found = table.batch_get([generation_key, head_key])
    generation = int(found.get(generation_key, {}).get("generation", {}).get("N", "0"))
    item = found.get(head_key, {})
    version = int(item.get("version", {}).get("N", "0"))
    stamped = int(item.get("generation", {}).get("N", "-1"))
    certain = int(item.get("certain", {}).get("N", "-1")) == version
    if "shards" not in item or not certain or stamped != generation or _live_writers(item, _now()):
        return Remembered(bucket, prefixes, generation, version, None)
    packed = base64.b64decode(item["shards"]["S"])
    digests = tuple(packed[i : i + DIGEST_BYTES] for i in range(0, len(packed), DIGEST_BYTES))
    return Remembered(bucket, prefixes, generation, version, digests)


def _live_writers(item: dict, now: float, *, besides: str = "") -> list[str]:
    return [
        name for name, until in item.items() if name.startswith(WRITER) and name != besides and float(until["N"]) > now
    ]


def begin_writing(bucket: str, prefixes: list[str], *, generation: int, seen_version: int | None = None) -> WriteLease:
    """Drop the head's certainty and register as a writer; call before touching the bucket.

    `seen_version`: the head's version when this writer read what the bucket holds. A writer
    that began (and maybe finished) since then changed the bucket behind that reading, so this
    one does not count as alone; None: not known, never alone."""
    key, token, now = site_manifest_key(bucket, prefixes), WRITER + secrets.token_hex(8), _now()
    answer = table.update_unconditionally(
        key,
        UpdateExpression="SET #t = :until, #k = :kind ADD #v :one REMOVE #c, #f",
        # `files`: the whole list an earlier layout kept in this item; dropped on the first write.
        ExpressionAttributeNames={"#t": token, "#k": "kind", "#v": "version", "#c": "certain", "#f": "files"},
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


def _packed(data: bytes) -> str:
    # A string, not a binary attribute: the local stack's journal of stream records is JSON.
    return base64.b64encode(zlib.compress(data)).decode()


def finish_writing(lease: WriteLease, shards: Shards | None, *, changed: Iterable[int] = ()) -> bool:
    """Unregister; remember `shards` (what the bucket now holds) if no other writer overlapped.

    `changed`: the shards whose items differ from what the head named when this writer read it
    (every shard after a listing). None: the writer failed part-way, so nothing is remembered."""
    if lease.alone and shards is not None:
        _store_shards(lease.key, shards, sorted(changed))
        certified = table.update_item(
            lease.key,
            UpdateExpression="SET #s = :shards, #c = :mine, #g = :generation REMOVE #t",
            ConditionExpression="#v = :mine",
            ExpressionAttributeNames={
                "#t": lease.token, "#s": "shards", "#c": "certain", "#v": "version", "#g": "generation",
            },
            ExpressionAttributeValues={
                ":shards": {"S": base64.b64encode(b"".join(shards.digests)).decode()},
                ":mine": {"N": str(lease.version)},
                ":generation": {"N": str(lease.generation)},
            },
        )  # fmt: skip
        if certified is not None:
            with _written_lock:
                WRITTEN_HERE[lease.key] = (lease.version, shards)
                while len(WRITTEN_HERE) > WRITTEN_KEPT:
                    WRITTEN_HERE.pop(next(iter(WRITTEN_HERE)))
            return True
        # else another writer began meanwhile: what the bucket holds is not certain
    table.update_unconditionally(
        lease.key,
        UpdateExpression="REMOVE #t",
        ExpressionAttributeNames={"#t": lease.token},
    )
    return False


def _store_shards(head: Key, shards: Shards, indices: list[int]) -> None:
    """Put the shard items (an empty shard's item is deleted: its absence reads as empty)."""
    requests = []
    for index in indices:
        key = wire(site_manifest_shard_key(head, shards.count, index))
        if shards.files[index]:
            packed = {"S": _packed(_canonical(shards.files[index]))}
            requests.append({"PutRequest": {"Item": key | {"kind": {"S": "site_manifest_shard"}, "files": packed}}})
        else:
            requests.append({"DeleteRequest": {"Key": key}})
    table.batch_write(requests)
