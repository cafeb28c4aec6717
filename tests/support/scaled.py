"""An Open Event export made N times bigger: every track, room, session type, session and
speaker copied under new ids (8 times FOSSASIA 2018 is about FOSDEM's size)."""

from __future__ import annotations

import dataclasses
from pathlib import Path


def scaled_export(path: Path, scale: int):
    """The export at `path` with every child record copied `scale` times under new ids."""
    from chalicelib.formats.openevent import read_export

    export = read_export(path)

    def copy(record: dict, n: int) -> dict:
        if n == 0:
            return record
        renamed = dict(record, id=f"{record['id']}x{n}", source_id=f"{record.get('source_id')}x{n}")
        for field in ("track_id", "room_id", "session_type_id"):
            if renamed.get(field):
                renamed[field] = f"{renamed[field]}x{n}"
        for field in ("speaker_ids", "session_ids"):
            if renamed.get(field):
                renamed[field] = tuple(f"{i}x{n}" for i in renamed[field])
        return renamed

    kinds = ("tracks", "rooms", "session_types", "sessions", "speakers")
    copies = {kind: [copy(r, n) for n in range(scale) for r in getattr(export, kind)] for kind in kinds}
    return dataclasses.replace(export, **copies)
