"""The SQS worker: each record on its own, failures reported per item (partial batch response).

The deployment turns on `ReportBatchItemFailures` for this function's SQS mapping
(podium.packaging adds it to the SAM template, since Chalice does not).
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

# Imported for its effect: it hands the registry the job bodies' loader (this module is the worker's
# entry, and app.py wires it, so the API Lambda that enqueues has them too).
import chalicelib.job_bodies  # noqa: F401
from chalicelib.adapters import queue
from chalicelib.jobs.runner import Redeliver, handle_message, retry_delay
from chalicelib.settings import settings

bp = Blueprint(__name__)
LEASE_MARGIN_SECONDS = 5


@bp.on_sqs_message(queue=settings().jobs_queue_name, batch_size=10)
def run_jobs(event: Any) -> dict[str, Any]:
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response  # noqa: PLC0415 — the worker's alone: app.py wires this module into the API Lambda too, whose cold start must not pay Powertools' ~25 ms (bench/cold_start.py)

    lambda_context = getattr(event, "context", None)

    def handle_record(record: Any) -> str:
        receive_count = int(record.attributes.approximate_receive_count or 1)
        try:
            return handle_message(record.body, receive_count, lease_seconds=_lease_seconds(lambda_context))
        except Redeliver as retry:
            # Back off by hand: otherwise the message waits out the queue's 6-minute visibility timeout.
            queue.delay_redelivery(record.receipt_handle, retry.delay_seconds)
            raise
        except Exception:
            # Not a job envelope, or the table failed us: same backoff, then the dead-letter queue.
            queue.delay_redelivery(record.receipt_handle, retry_delay(receive_count))
            raise

    # Every record failing is still a partial-batch answer, not a crashed invocation.
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(event=event.to_dict(), record_handler=handle_record, processor=processor)


def _lease_seconds(lambda_context: Any) -> float:
    """How long this invocation may still run: after that, a STARTED job counts as crashed."""
    remaining = getattr(lambda_context, "get_remaining_time_in_millis", None)
    return (remaining() / 1000 if remaining else 60.0) + LEASE_MARGIN_SECONDS
