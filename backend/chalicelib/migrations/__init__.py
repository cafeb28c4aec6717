"""Data migrations: numbered modules `NNNN_name.py`, each with `revision`, `down_revision`
and `upgrade(run)`; `runner.py` orders and applies them (`podium db`).

An `upgrade(run)` must be idempotent (running it twice changes nothing the second time),
resumable (it starts from `run.cursor` and calls `run.checkpoint(cursor, done)` after each
page) and paginated. Prefer Query over the partitions or indexes that hold the items; a
Scan needs an `# allow-scan: <why>` comment.
"""
