"""Local persistence: table items and upload objects saved under the state folder.

Layout:
- `items.jsonl`: the table at the last compaction, one item a line (DynamoDB wire format);
- `journal.jsonl`: every change since, appended from the table's stream as it happens
  (`{"put": item}` or `{"delete": key}`), flushed to disk every second, so saving costs
  nothing at shutdown and a crash loses at most the last second of writes;
- `objects.jsonl` and `blobs/<sha256>`: the uploads bucket (object bytes stored once).
The public site is derived data and is rebuilt from the table at each start. Manifests are
written to a temporary file and renamed into place; replaying the journal twice gives the
same table, so a crash at any point leaves a usable state. Every file is written 0600 and every
folder 0700 through `state_folder`: the items hold password hashes and speakers' contact data.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import boto3

from podium.localstack.aws import REGION, StackOutputs
from podium.localstack.state_folder import make_private_folder, open_private_append, write_private


class Snapshot:
    def __init__(self, state_dir: Path, outputs: StackOutputs) -> None:
        self.dir = state_dir
        self.outputs = outputs
        self.blobs = state_dir / "blobs"
        self._ddb = boto3.client("dynamodb", region_name=REGION)
        self._s3 = boto3.client("s3", region_name=REGION)
        # (bucket, key) → manifest entry of the last save or restore: unchanged objects
        # (same ETag) are not downloaded again.
        self._saved: dict[tuple[str, str], dict[str, Any]] = {}
        self._journal: Any = None

    @property
    def buckets(self) -> tuple[str, ...]:
        # The site bucket holds only pages rendered from the table: every start renders it
        # afresh, so saving it would only slow saves and restores down.
        return (self.outputs.uploads_bucket,)

    def exists(self) -> bool:
        return (self.dir / "items.jsonl").exists()

    def restore(self) -> tuple[int, int]:
        """Load the saved items (base plus journal) and objects into the (empty) stack, then
        compact the journal into the base; returns the counts."""
        table: dict[tuple[str, str], dict[str, Any]] = {}
        for item in map(json.loads, _lines(self.dir / "items.jsonl")):
            table[_key_of(item)] = item
        for change in journal_changes(self.dir / "journal.jsonl"):
            if "put" in change:
                table[_key_of(change["put"])] = change["put"]
            else:
                table.pop(_key_of(change["delete"]), None)
        items = list(table.values())
        write_private(self.dir / "items.jsonl", "".join(json.dumps(i, sort_keys=True) + "\n" for i in items))
        (self.dir / "journal.jsonl").unlink(missing_ok=True)
        for start in range(0, len(items), 25):
            batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
            self._write_batch(batch)
        objects = [json.loads(line) for line in _lines(self.dir / "objects.jsonl")]
        for entry in objects:
            extra = {k: entry[k] for k in ("ContentType", "ContentDisposition", "CacheControl") if entry.get(k)}
            body = (self.blobs / entry["sha256"]).read_bytes()
            self._s3.put_object(
                Bucket=entry["bucket"], Key=entry["key"], Body=body, Metadata=entry.get("Metadata", {}), **extra
            )
        return len(items), len(objects)

    def _write_batch(self, batch: list[dict[str, Any]]) -> None:
        pending = {self.outputs.table_name: batch}
        while pending:
            answer = self._ddb.batch_write_item(RequestItems=pending)
            pending = answer.get("UnprocessedItems") or {}

    def fingerprint_objects(self) -> list[tuple[str, str, str]]:
        """(bucket, key, etag) of every object: cheap to compare between saves."""
        found = []
        for bucket in self.buckets:
            for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                found.extend((bucket, obj["Key"], obj["ETag"]) for obj in page.get("Contents", []))
        return found

    def record_changes(self, records: list[dict[str, Any]]) -> None:
        """Append table changes read from the stream to the journal (flushed by `flush`)."""
        if self._journal is None:
            make_private_folder(self.dir)
            self._journal = open_private_append(self.dir / "journal.jsonl")
        for record in records:
            change = record.get("dynamodb", {})
            line = {"put": change["NewImage"]} if change.get("NewImage") else {"delete": change["Keys"]}
            self._journal.write(json.dumps(line, sort_keys=True) + "\n")

    def flush(self) -> None:
        """Make every journaled change durable."""
        if self._journal is not None:
            self._journal.flush()
            os.fsync(self._journal.fileno())

    def close(self) -> None:
        self.flush()
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    def save_table(self) -> int:
        """Write the whole table as the new base (reads every item: only at a first start) and clear the journal."""
        make_private_folder(self.dir)
        items = self._all_items()
        write_private(self.dir / "items.jsonl", "".join(json.dumps(i, sort_keys=True) + "\n" for i in items))
        self.close()
        (self.dir / "journal.jsonl").unlink(missing_ok=True)
        return len(items)

    def save_objects(self) -> int:
        """Write the uploads manifest and any new object bytes; returns the object count."""
        make_private_folder(self.blobs)
        entries = [self._save_object(bucket, key, etag) for bucket, key, etag in self.fingerprint_objects()]
        self._saved = {(e["bucket"], e["key"]): e for e in entries}
        write_private(self.dir / "objects.jsonl", "".join(json.dumps(e, sort_keys=True) + "\n" for e in entries))
        self._drop_unused_blobs({e["sha256"] for e in entries})
        return len(entries)

    def _all_items(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        paginator = self._ddb.get_paginator("scan")  # allow-scan: local snapshot, not a request path
        for page in paginator.paginate(TableName=self.outputs.table_name, ConsistentRead=True):
            items.extend(page["Items"])
        return items

    def _save_object(self, bucket: str, key: str, etag: str) -> dict[str, Any]:
        known = self._saved.get((bucket, key))
        if known and known.get("etag") == etag and (self.blobs / known["sha256"]).exists():
            return known
        obj = self._s3.get_object(Bucket=bucket, Key=key)
        body = obj["Body"].read()
        digest = hashlib.sha256(body).hexdigest()
        blob = self.blobs / digest
        if not blob.exists():
            write_private(blob, body)
        entry = {
            "bucket": bucket,
            "key": key,
            "sha256": digest,
            "etag": obj["ETag"],
            "Metadata": obj.get("Metadata", {}),
        }
        for field in ("ContentType", "ContentDisposition", "CacheControl"):
            if obj.get(field):
                entry[field] = obj[field]
        return entry

    def _drop_unused_blobs(self, used: set[str]) -> None:
        for blob in self.blobs.iterdir():
            if blob.name not in used and not blob.name.endswith(".tmp"):
                blob.unlink(missing_ok=True)


def _key_of(item: dict[str, Any]) -> tuple[str, str]:
    return item["pk"]["S"], item["sk"]["S"]


def journal_changes(path: Path) -> list[dict[str, Any]]:
    """The journal's changes in order. A process killed mid-append leaves its last line cut
    short: that one change is dropped (it was never flushed as a whole); a bad line anywhere
    else means the file is damaged, which is an error, not something to skip."""
    lines = _lines(path)
    changes = []
    for number, line in enumerate(lines, start=1):
        try:
            changes.append(json.loads(line))
        except ValueError:
            if number == len(lines):
                break
            raise ValueError(f"{path}: line {number} is damaged") from None
    return changes


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line for line in path.read_text().splitlines() if line.strip()]

