"""Injected AWS faults: a `before-send` hook on every botocore client built while active answers
chosen calls itself (the request never reaches moto), so botocore's own retries see them."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

THROTTLED = (
    400,
    json.dumps(
        {"__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException", "message": "Slow down"}
    ),
)
S3_FAILING = (500, "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>")


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_kwargs) -> Iterator[bytes]:
        yield self.body


@dataclass
class Rule:
    service: str
    operation: str | None  # None: every operation of the service
    answer: tuple[int, str]
    times: int | None = None  # None: until the test ends
    when: Callable[[bytes], bool] = lambda _body: True
    hits: int = 0


@dataclass(frozen=True)
class Sent:
    service: str  # botocore's event name for it: "s3", "dynamodb", "sqs"
    operation: str
    url: str
    body: bytes


@dataclass
class Faults:
    rules: list[Rule] = field(default_factory=list)
    injected: Counter = field(default_factory=Counter)
    backoffs: list[float] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)  # every request made meanwhile, injected or not

    def add(self, *rules: Rule) -> None:
        self.rules.extend(rules)

    def clear(self) -> None:
        self.rules.clear()

    def before_send(self, request, event_name: str = "", **_kwargs):
        from botocore.awsrequest import AWSResponse

        _, service, operation = event_name.split(".", 2)
        raw = request.body.getvalue() if hasattr(request.body, "getvalue") else request.body  # put_object's BytesIO
        body = raw if isinstance(raw, bytes) else (raw or "").encode()
        self.sent.append(Sent(service, operation, request.url, body))
        for rule in self.rules:
            matches = rule.service == service and rule.operation in (None, operation) and rule.when(body)
            if matches and (rule.times is None or rule.hits < rule.times):
                rule.hits += 1
                self.injected[f"{service}.{operation}"] += 1
                status, text = rule.answer
                return AWSResponse(request.url, status, {"x-amzn-RequestId": "injected"}, _Raw(text.encode()))
        return None


def _forget_clients() -> None:
    """Drop cached boto3 and pynamodb clients, so the next calls build (hooked or plain) new ones."""
    from chalicelib.adapters.aws import reset_clients
    from chalicelib.db.base import Item

    reset_clients()
    pending = [Item]
    while pending:
        model = pending.pop()
        model._connection = None
        pending.extend(model.__subclasses__())


@contextmanager
def injected_faults(monkeypatch) -> Iterator[Faults]:
    """Hooks every botocore client made meanwhile; backoff delays are recorded, not slept."""
    import botocore.session
    from botocore.retries import standard

    found = Faults()
    create_client = botocore.session.Session.create_client

    def hooked_create_client(self, *args, **kwargs):
        made = create_client(self, *args, **kwargs)
        made.meta.events.register_first("before-send", found.before_send)
        return made

    delay_amount = standard.ExponentialBackoff.delay_amount

    def recorded_delay(self, context):
        found.backoffs.append(delay_amount(self, context))
        return 0

    monkeypatch.setattr(botocore.session.Session, "create_client", hooked_create_client)
    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", recorded_delay)
    _forget_clients()
    try:
        yield found
    finally:
        found.clear()
        monkeypatch.undo()
        _forget_clients()


def table_items() -> list[str]:
    """The whole table (test-only Scan), to prove a failed request changed nothing."""
    from chalicelib.db.base import Item

    connection = Item._get_connection().connection
    items, start = [], None
    while True:
        kwargs = {"exclusive_start_key": start} if start else {}
        page = connection.scan(Item.Meta.table_name, consistent_read=True, **kwargs)
        items += [json.dumps(i, sort_keys=True) for i in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            return sorted(items)
