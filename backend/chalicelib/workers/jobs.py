"""The SQS worker: each record on its own, failures reported per item (partial batch response)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.settings import settings

bp = Blueprint(__name__)


@bp.on_sqs_message(queue=settings().jobs_queue_name, batch_size=10)
def run_jobs(event: Any) -> dict[str, Any]:
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    from chalicelib.jobs.runner import handle_message

    def handle_record(record: Any) -> str:
        receive_count = int(record.attributes.approximate_receive_count or 1)
        return handle_message(record.body, receive_count)

    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(event=event.to_dict(), record_handler=handle_record, processor=processor)
