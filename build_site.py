"""Build the public static site.

    python build_site.py --from-openevent PATH --out DIR [--base-url URL]
    python build_site.py [--event SLUG|ID] (--out DIR | --bucket NAME) [--state-dir DIR | --stage NAME]

From an Open Event export no database is involved. Otherwise the events come from the
table: the one named by --event, or every published event. `--out` renders into a fresh
folder beside DIR and swaps it into place, so visitors never see a half-written site;
`--bucket` publishes through the render job's own path (only changed files are written).
The table is the environment's when PODIUM_TABLE_NAME is set (tests, Lambda), else the
running local stack's or --stage's. Exit codes: 0 built, 2 bad input or unknown event,
1 some events could not be built: every other event and the index (which links only to
built events) are written all the same, and a line on stderr names each failed event.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent / "backend"))

from chalicelib.clock import clock
from chalicelib.formats.openevent import ExportError, read_export
from chalicelib.public.memo import remembering_nothing
from chalicelib.settings import settings
from chalicelib.site.from_export import export_to_bundle
from chalicelib.site.render import templates_held
from podium.site_folder import EventsNotBuilt, build_folder, second_process_available

# A build allocates hundreds of thousands of objects it keeps to the end (the export, the view,
# the pages) and makes few cycles: at Python's default of a collection per 700 allocations the
# collector walks them again and again (0.05 s of the 8x build's serial head, 5 % of its CPU).
BUILD_GC_THRESHOLD = 100_000


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Within the block objects made before it (modules, settings) are left out of collections and
    the youngest generation is collected every BUILD_GC_THRESHOLD allocations; as before after it."""
    thresholds = gc.get_threshold()
    # unfreeze() thaws every frozen object, not only ours: when others froze some already (a
    # process that imported app.py), ours stay unfrozen so the collector is left as it was found.
    freezing = not gc.get_freeze_count()
    if freezing:
        gc.freeze()
    gc.set_threshold(BUILD_GC_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if freezing:
            gc.unfreeze()


class BuildError(RuntimeError):
    """What the user asked for cannot be built; the message says why."""


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Build Podium's public static site.")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--from-openevent", metavar="PATH", help="Open Event export (folder or zip); no database")
    source.add_argument("--event", metavar="SLUG|ID", help="one event from the table (default: every published one)")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", metavar="DIR", help="output folder (replaced atomically)")
    target.add_argument("--bucket", metavar="NAME", help="publish into this S3 bucket (only changed files)")
    parser.add_argument("--base-url", default=None, help="public URL the site is served at")
    parser.add_argument("--state-dir", default=None, help="local stack state folder (default .podium)")
    parser.add_argument("--stage", default=None, help="read the table of this AWS stage instead")
    args = parser.parse_args(argv)
    if args.from_openevent and args.bucket:
        parser.error("--bucket publishes from the database; build an export with --out")
    if args.bucket and args.base_url:
        # The render job rebuilds with the stack's own URL; another one here would make it rewrite every page.
        parser.error("--bucket publishes with the stack's site URL (PODIUM_SITE_BASE_URL); drop --base-url")
    return args


def _use_table(args: argparse.Namespace) -> None:
    """Point this process at the table to read, before any chalicelib.db import."""
    if os.environ.get("PODIUM_TABLE_NAME") and not (args.state_dir or args.stage):
        return
    from podium.target import TargetError, activate, resolve_target  # noqa: PLC0415 — botocore and the stack's state (0.03-0.05 s): a build from an export never needs them

    try:
        activate(resolve_target(args))
    except TargetError as err:
        raise BuildError(str(err)) from err


def _event_id(wanted: str) -> str:
    """The id of the event with this slug or id; BuildError when there is none or it is not public."""
    from chalicelib.db.queries import event_by_slug  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this

    event = event_by_slug(wanted) or _get_event(wanted)
    if event is None or event.is_trashed():
        raise BuildError(f"no event with the slug or id {wanted!r}")
    if event.state != "published":
        raise BuildError(f"event {event.slug!r} is not published (state {event.state}); only public events are built")
    return event.id


def _get_event(event_id: str) -> Any:
    from chalicelib.db.content import Event  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this
    from chalicelib.db.keys import event_key  # noqa: PLC0415 — the table's key code: a build from an export never needs it

    try:
        return Event.get(*event_key(event_id))
    except Event.DoesNotExist:
        return None


def _bundles_from_table(event: str | None) -> list[Any]:
    """Bundles of the wanted event or every published one, a line on stderr per event loaded."""
    from chalicelib.site.from_db import load_bundle as load_from_table  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this
    from chalicelib.site.from_db import published_event_summaries  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this

    event_ids = [_event_id(event)] if event else [e.id for e in published_event_summaries()]
    bundles = []
    for number, event_id in enumerate(event_ids, start=1):
        started = time.perf_counter()
        bundle = load_from_table(event_id)
        if bundle is None:  # trashed since it was listed
            continue
        bundles.append(bundle)
        seconds = time.perf_counter() - started
        print(f"[{number}/{len(event_ids)}] loaded {bundle.event.slug} in {seconds:.2f} s", file=sys.stderr)
    return bundles


def _publish(args: argparse.Namespace) -> str:
    """Publish into the bucket; raises EventsNotBuilt (after publishing the rest) naming failed events."""
    from chalicelib.jobs.runner import error_summary  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this
    from chalicelib.site.publish import publish_event, publish_site  # noqa: PLC0415 — loads the table models, which read the table name at import: the command line picks the table before it calls this

    if args.event:
        event_id = _event_id(args.event)
        try:
            report = publish_event(event_id, bucket=args.bucket)
        except Exception as err:  # named on stderr like a full publish's failures, not as a traceback
            raise EventsNotBuilt({args.event: error_summary(err)}, {}) from err
    else:
        report = publish_site(bucket=args.bucket)
    summary = f"{len(report.written)} written, {len(report.deleted)} deleted, {report.unchanged} unchanged"
    if report.failed:
        raise EventsNotBuilt(report.failed, {}) from None
    return summary


def _bundle_from_export(path: str) -> Any:
    """The export's public bundle; its repairs listed on stderr. An export of an unpublished event
    is refused (BuildError) rather than built into a site with nothing in it."""
    export = read_export(path)
    if export.repairs:
        lines = "".join(f"  {repair}\n" for repair in export.repairs)
        print(f"Read the export with {len(export.repairs)} repairs:\n{lines}", end="", file=sys.stderr)
    if not export.event["published"]:
        state = export.event["state"] or "no state"
        raise BuildError(
            f"event: state is {state!r}, not published: nothing to build (publish it, or import it and publish it there)"
        )
    return export_to_bundle(export, now=clock().now())


def _build(args: argparse.Namespace) -> dict[str, bytes]:
    """Render the site and write it into `--out`; returns the files."""
    if args.from_openevent:
        bundles = [_bundle_from_export(args.from_openevent)]
        base_url = args.base_url or "http://localhost:8080"
    else:
        bundles = _bundles_from_table(args.event)
        base_url = args.base_url or settings().site_base_url
    return build_folder(bundles, args.out, base_url=base_url, now=clock().now(), progress=sys.stderr.isatty())


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    started = time.perf_counter()
    try:
        if not args.from_openevent:
            _use_table(args)
        if args.bucket:
            summary = _publish(args)
            print(f"Published to s3://{args.bucket}: {summary} in {time.perf_counter() - started:.2f} s")
            return 0
        processes = "2 processes" if second_process_available() else "1 process"
        with remembering_nothing(), templates_held(), fewer_collections():  # this process builds once
            files = _build(args)
    except (ExportError, BuildError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except EventsNotBuilt as incomplete:
        for slug, error in sorted(incomplete.failed.items()):
            print(f"error: event {slug} was not built: {error}", file=sys.stderr)
        target = f"s3://{args.bucket}" if args.bucket else args.out
        print(f"Wrote every other event and the index to {target}; {len(incomplete.failed)} event(s) failed")
        return 1
    pages = sum(1 for path in files if path.endswith(".html"))
    seconds = time.perf_counter() - started
    print(f"Wrote {len(files)} files ({pages} pages) to {args.out} in {seconds:.2f} s ({processes})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
