"""The embedded AWS: moto's server on 127.0.0.1 with the real infra template deployed into it."""

from __future__ import annotations

import copy
import functools
import logging
import os
import socket
import threading
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import yaml
from chalicelib.settings import read_settings

from podium.localstack.aws_gate import AwsGate

REPO = Path(__file__).resolve().parents[3]
TEMPLATE = REPO / "infra" / "template.yaml"
REGION = "us-east-1"
ITEM_SIZE_LIMIT = 405_000  # moto's own figure for DynamoDB's 400 KB item limit


@dataclass(frozen=True)
class StackOutputs:
    table_name: str
    table_stream_arn: str
    uploads_bucket: str
    site_bucket: str
    jobs_queue_name: str
    jobs_queue_url: str
    jobs_queue_arn: str
    jobs_dlq_url: str

    @classmethod
    def from_cloudformation(cls, outputs: dict[str, str]) -> StackOutputs:
        return cls(
            table_name=outputs["TableName"],
            table_stream_arn=outputs["TableStreamArn"],
            uploads_bucket=outputs["UploadsBucketName"],
            site_bucket=outputs["SiteBucketName"],
            jobs_queue_name=outputs["JobsQueueName"],
            jobs_queue_url=outputs["JobsQueueUrl"],
            jobs_queue_arn=outputs["JobsQueueArn"],
            jobs_dlq_url=outputs["JobsDeadLetterQueueUrl"],
        )


def point_boto_at(endpoint: str) -> None:
    """Send every AWS SDK call of this process (boto3 and pynamodb) to `endpoint`."""
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    # Fixed fake credentials: real ones must never reach the local stack or its marker file.
    os.environ["AWS_ACCESS_KEY_ID"] = "local"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "local"  # noqa: S105 - moto accepts any key
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ["AWS_DEFAULT_REGION"] = REGION
    os.environ.pop("AWS_PROFILE", None)


def start_moto(port: int) -> Any:
    """Start moto's server bound to loopback only, behind `aws_gate`; returns the running server."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per AWS call drowns real logs
    if port:
        _check_free(port)
    _track_only_mail()
    _fast_region_lists()
    _fast_item_reads()
    _fast_request_ids()
    _fast_item_size_check()
    _fast_value_sizes()
    _fast_backend_lookup()
    _fast_action_lookup()
    _fast_item_order()
    _uncopied_answers()
    _sound_transactions()
    _isolated_writes()
    server = _gated_moto_server()(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server


def _gated_moto_server() -> type:
    """moto's threaded server class with its WSGI app behind `aws_gate.AwsGate`.

    Imported here, as start_moto imports moto: only the process that runs the embedded AWS
    loads moto (the CLI's other commands import this module too)."""
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)
    from werkzeug.serving import make_server  # noqa: PLC0415 — moto's server stack loads only when the local stack starts


    class GatedMotoServer(ThreadedMotoServer):
        def _server_entry(self) -> None:  # moto's own, with the gate around its app
            app = AwsGate(DomainDispatcherApplication(create_backend_app))
            self._server = make_server(self._ip_address, self._port, app, True, request_handler=MotoRequestHandler)
            self._server_ready_event.set()
            self._server.serve_forever()

    return GatedMotoServer


# Answers moto already holds in wire form (items and stream records of attribute values).
_WIRE_FORM_ANSWERS = frozenset(
    {
        ("dynamodb", "Query"),
        ("dynamodb", "Scan"),  # allow-scan: answers moto's own scans faster (local snapshot); not an app read
        ("dynamodb", "GetItem"),
        ("dynamodb", "BatchGetItem"),
        ("dynamodbstreams", "GetRecords"),
    }
)


def _fast_item_reads() -> None:
    """Answer item and stream reads with one json.dumps instead of moto's shape-walking serializer.

    moto (5.2) serialises every attribute value by walking botocore's output shape, which was
    three quarters of a 750-item Query (2-3 s locally, ~50 ms on DynamoDB) and so dominated
    every site rebuild and import. `dynamo_json_dump` is moto's own encoder for these values
    (binary as base64, times as epoch seconds, as on the wire); other answers are unchanged.

    The answer is dumped from moto's own objects, as they were handed to `DynamoResult`: its
    conversion of every item into plain dicts first (another third of a Query) then only
    happens for answers that go through the generic serializer. (moto reads `.result` of a
    DynamoResult elsewhere only to add ConsumedCapacity to its top level.) The bytes are the
    same: binary values come out base64-encoded either way, and the encoder turns moto's
    values into their `to_json()` forms, which is what that conversion does.
    """
    from moto.core.responses import ActionResult  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)
    from moto.dynamodb.models.utilities import dynamo_json_dump, dynamo_to_dict  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)
    from moto.dynamodb.responses import DynamoResult  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)

    generic = ActionResult.execute_result
    if getattr(generic, "podium_fast", False):
        return

    def keep_as_given(self: DynamoResult, result: object) -> None:
        self._result, self._podium_given = result, True  # `.result` readers add top-level keys only

    def execute_result(self: ActionResult, context: Any) -> Any:
        operation = (context.service_model.service_name, context.operation_model.name)
        if operation in _WIRE_FORM_ANSWERS:
            return 200, {"Content-Type": "application/x-amz-json-1.0"}, dynamo_json_dump(self.result)
        if getattr(self, "_podium_given", False):  # moto's serializer wants the plain dicts
            self._result, self._podium_given = dynamo_to_dict(self._result), False
        return generic(self, context)

    execute_result.podium_fast = True  # type: ignore[attr-defined]
    ActionResult.execute_result = execute_result  # type: ignore[method-assign]
    DynamoResult.__init__ = keep_as_given  # type: ignore[method-assign]


def _fast_region_lists() -> None:
    """Answer botocore's region lists from one session's endpoint data, read once.

    moto (5.2) calls `boto3.Session().get_available_regions(service)` for each backend it
    builds, and about 35 times while CloudFormation's first use imports its EC2 models: each
    new session parsed botocore's endpoints file again (about 0.05 s apiece, 1.5 s of every
    stack start at two cores' load). The file ships with botocore and does not change while
    the process runs, so one session's answer is every session's answer.
    """
    regions = boto3.session.Session.get_available_regions
    if getattr(regions, "podium_fast", False):
        return
    reader = functools.cache(botocore.session.get_session)  # made on first use, after moto's import

    @functools.cache
    def answer(service_name: str, partition_name: str, allow_non_regional: bool) -> tuple[str, ...]:
        return tuple(reader().get_available_regions(service_name, partition_name, allow_non_regional))

    def get_available_regions(
        self: boto3.session.Session, service_name: str, partition_name: str = "aws", allow_non_regional: bool = False
    ) -> list[str]:
        return list(answer(service_name, partition_name, allow_non_regional))  # a list of its own, as before

    get_available_regions.podium_fast = True  # type: ignore[attr-defined]
    get_available_regions.podium_original = regions  # type: ignore[attr-defined]
    boto3.session.Session.get_available_regions = get_available_regions  # type: ignore[method-assign]


def _fast_request_ids() -> None:
    """Look for the XML request id placeholder before rewriting the whole answer with a regex.

    moto (5.2) runs a lookbehind regex over every answer body to fill in `<RequestId>`: JSON
    answers never hold one, and on a 750-item Query (about a megabyte) the search alone took
    a twentieth of the request. Answers that hold it are rewritten exactly as before.
    """
    from moto.core.responses import BaseResponse  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)
    from moto.utilities.aws_headers import gen_amzn_requestid_long  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)

    enrich = BaseResponse._enrich_response
    if getattr(enrich, "podium_fast", False):
        return

    def enrich_response(headers: dict[str, str], body: Any) -> tuple[dict[str, str], Any]:
        if not isinstance(body, str) or "<RequestId>" in body:
            return enrich(headers, body)
        if "status" in headers:
            headers["status"] = str(headers["status"])
        gen_amzn_requestid_long(headers)  # the x-amzn-requestid header, as moto sets it
        return headers, body

    enrich_response.podium_fast = True  # type: ignore[attr-defined]
    BaseResponse._enrich_response = staticmethod(enrich_response)  # type: ignore[method-assign,assignment]


def _fast_item_size_check() -> None:
    """Check a new item's 400 KB limit once, not once per attribute.

    moto (5.2) builds every stored item attribute by attribute, and each assignment re-sums the
    size of all attributes set so far: quadratic in the attribute count, which made a session's
    ~30 attributes three quarters of an import's BatchWriteItem time in the local stack. Sizes
    only grow as attributes are added, so one check of the total refuses exactly the same items.
    """
    from moto.dynamodb.exceptions import ItemSizeTooLarge  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)
    from moto.dynamodb.models.utilities import bytesize  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)

    if getattr(Item.__init__, "podium_fast", False):
        return

    def init(self: Item, hash_key: DynamoType, range_key: DynamoType | None, attrs: dict[str, Any]) -> None:
        self.hash_key = hash_key
        self.range_key = range_key
        values = {key: DynamoType(value) for key, value in attrs.items()}
        if sum(bytesize(key) + value.size() for key, value in values.items()) > ITEM_SIZE_LIMIT:
            raise ItemSizeTooLarge
        self.attrs = LimitedSizeDict()
        dict.update(self.attrs, values)  # later single assignments keep moto's own check

    init.podium_fast = True  # type: ignore[attr-defined]
    Item.__init__ = init  # type: ignore[method-assign]


def _fast_value_sizes() -> None:
    """Size attribute values without rebuilding them.

    moto (5.2) sizes a map by wrapping each of its values in a new DynamoType, which rebuilds
    every nested map and list below it, and a Query sizes every item it answers twice (for the
    1 MB page limit): nine tenths of a 750-item Query in the local stack. The sizes are the
    same: this walks the values moto already holds, by the same rules.
    """
    from moto.dynamodb.models import utilities  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)
    from moto.dynamodb.models.dynamo_type import DynamoType  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)
    from moto.dynamodb.models.utilities import bytesize  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)

    original = DynamoType.size
    if getattr(original, "podium_fast", False):
        return
    # moto 5.2.6 sizes numbers by their significant digits, as DynamoDB stores them; earlier
    # releases by their text. Follow whichever moto is installed.
    number_size = getattr(utilities, "number_size", len)

    def scalar_size(kind: str, value: Any) -> int:
        if kind == "N":
            return number_size(str(value))
        if kind == "NS":
            return sum(number_size(str(v)) for v in value)
        if kind in ("SS", "BS"):
            return sum(bytesize(v) for v in value)
        return 1 if isinstance(value, bool) else bytesize(value)

    def size(self: DynamoType) -> int:
        kind, value = self.type, self.value
        if kind == "L":
            return sum(size(v) for v in value)
        if kind == "M":
            return sum(bytesize(k) + size(v if type(v) is DynamoType else DynamoType(v)) for k, v in value.items())
        return scalar_size(kind, value)

    size.podium_fast = True  # type: ignore[attr-defined]
    size.podium_original = original  # type: ignore[attr-defined]
    DynamoType.size = size  # type: ignore[method-assign]


def _fast_backend_lookup() -> None:
    """Remember which moto backend serves a host instead of working it out on every request.

    moto's server (5.2) lists its own package folder and then tries its URL patterns one by
    one for each request, about a millisecond under a lock shared by all requests: the
    answer only depends on the host, so it is computed once per host.
    """
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)

    find = DomainDispatcherApplication.get_backend_for_host
    if getattr(find, "podium_fast", False):
        return
    lookup = functools.lru_cache(maxsize=1024)(find)  # hosts: one per service and region

    def get_backend_for_host(self: DomainDispatcherApplication, host: str | None) -> Any:
        return lookup(self, host)

    get_backend_for_host.podium_fast = True  # type: ignore[attr-defined]
    DomainDispatcherApplication.get_backend_for_host = get_backend_for_host  # type: ignore[method-assign]


def _fast_action_lookup() -> None:
    """Remember each moto response class's method names instead of listing them per request.

    moto (5.2) runs `inspect.getmembers` over the service's whole response class on every call
    to see whether it implements the action: a millisecond or two per request (a tenth of the
    local stack's CPU during an import or a site rebuild). A class's methods do not change.
    """
    from moto.core import responses  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)

    names = responses.method_names_from_class
    if getattr(names, "podium_fast", False):
        return
    cached = functools.lru_cache(maxsize=256)(names)  # response classes: one per service

    def method_names_from_class(clazz: object) -> list[str]:
        return cached(clazz)

    method_names_from_class.podium_fast = True  # type: ignore[attr-defined]
    responses.method_names_from_class = method_names_from_class


def _fast_item_order() -> None:
    """Sort the table's items by plain key values, worked out once per item.

    moto (5.2) answers every Query, on the table or an index, by sorting all the table's items
    and then filtering them, and its key objects compare through a conversion per comparison:
    with a few imports in the table, each Query took a tenth of a second or more, and an import
    (slug check, previous items) grew slower with every event already stored. The order is the
    same: a key attribute has one type, and moto's key objects compare by their plain value.
    """
    from moto.dynamodb.models.table import Table  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)

    if getattr(Table.all_items, "podium_fast", False):
        return

    def all_items(self: Table) -> list[Any]:
        items: list[Any] = []
        for partition in self.items.values():
            if self.range_key_attr:
                items.extend(partition.values())
            else:
                items.append(partition)
        return sorted(items, key=_item_order)

    all_items.podium_fast = True  # type: ignore[attr-defined]
    Table.all_items = all_items  # type: ignore[method-assign]


_plain_query = threading.local()


class _QueryCopies:
    """The `copy` module as moto's table module sees it: while a plain Query runs in this
    thread, its deep copy of the answer is a list of the same items (see `_uncopied_answers`)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    def deepcopy(self, value: Any, memo: dict[int, Any] | None = None) -> Any:
        if getattr(_plain_query, "running", False) and isinstance(value, list):
            return list(value)
        return copy.deepcopy(value, memo)


def _uncopied_answers() -> None:
    """Answer a Query without an index or projection from the stored items, not deep copies.

    moto (5.2) deep-copies every item a Query found, a third of a 750-item Query's time in the
    local stack (each site rebuild reads the event that way). The copies guard the stored items
    against the index and projection steps that follow, which a plain Query skips; the answer
    is serialised at once in the same request. (Against a write in another thread the copy
    gave no shelter either: copying took longer than serialising does now.)
    """
    from moto.dynamodb.models import table as table_module  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)

    query = table_module.Table.query
    if getattr(query, "podium_fast", False):
        return

    def plain_query(self: Any, *args: Any, **kwargs: Any) -> Any:
        projection = kwargs.get("projection_expressions", args[6] if len(args) > 6 else None)
        index_name = kwargs.get("index_name", args[7] if len(args) > 7 else None)
        _plain_query.running = not projection and not index_name
        try:
            return query(self, *args, **kwargs)
        finally:
            _plain_query.running = False

    plain_query.podium_fast = True  # type: ignore[attr-defined]
    table_module.copy = _QueryCopies()  # type: ignore[assignment]
    table_module.Table.query = plain_query  # type: ignore[method-assign]


_transaction_backups = threading.local()


def _sound_transactions() -> None:
    """Undo a failed transaction item by item, and keep the table's stream whole.

    moto (5.2) backs a table up before each TransactWriteItems by deep-copying all of it, once
    per item of the transaction, and puts the copy in its place when the transaction fails.
    - The copy took time in proportion to the whole table: with FOSSASIA 2018 loaded, every
      session save (a transaction) copied some 2,000 items, and the permission matrix test spent
      most of its time there.
    - The copy held a copy of the stream shard, so after the first failed transaction (a 409 on
      a session edit is one) the table wrote its records to the copy, while every shard
      iterator already handed out read the old shard: the local stream poller saw no later
      change, so no site rebuild and, worse, no journal line for any later write.

    Here the items the transaction names are copied before it runs, and on failure those are
    put back (or removed, if they did not exist) and the failed transaction's own stream
    records are trimmed; moto's own backup, taken while this runs, is the table itself.
    """
    from moto.dynamodb.models import DynamoDBBackend  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)
    from moto.dynamodb.models.table import Table  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)

    transact = DynamoDBBackend.transact_write_items
    if getattr(transact, "podium_fast", False):
        return

    def copy_table(self: Table, memo: dict[int, Any]) -> Table:
        if getattr(_transaction_backups, "active", False):
            return self  # moto's whole-table backup: the touched items are backed up instead
        clone = Table.__new__(Table)
        memo[id(self)] = clone
        for name, value in self.__dict__.items():
            clone.__dict__[name] = copy.deepcopy(value, memo)
        return clone

    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        backups = _touched_items(self, transact_items)
        shards = {id(t.stream_shard): t.stream_shard for t, *_ in backups if t.stream_shard is not None}
        marks = {key: len(shard.items) for key, shard in shards.items()}
        _transaction_backups.active = True
        try:
            return transact(self, transact_items)
        except Exception:
            for backup in reversed(backups):
                _put_back(*backup)
            for key, shard in shards.items():
                del shard.items[marks[key] :]
            raise
        finally:
            _transaction_backups.active = False

    Table.__deepcopy__ = copy_table  # type: ignore[attr-defined]
    transact_write_items.podium_fast = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


_DYNAMODB_WRITES = threading.RLock()  # re-entrant: a transaction calls moto's own item writes


def _isolated_writes() -> None:
    """Make every DynamoDB write, and each transaction as a whole, happen alone, as on DynamoDB.

    moto's server runs requests on threads, and moto (5.2) checks a write's condition and then
    applies it with nothing held in between: two writes conditioned on one item's version could
    both pass, and a failed transaction puts back the items it named, undoing a parallel write to
    them. Parallel trash/restore requests on sessions sharing a speaker lost links that way.
    """
    from moto.dynamodb.models import DynamoDBBackend  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)

    def isolated(write: Any) -> Any:
        @functools.wraps(write)
        def alone(*args: Any, **kwargs: Any) -> Any:
            with _DYNAMODB_WRITES:
                return write(*args, **kwargs)

        alone.podium_isolated = True  # type: ignore[attr-defined]
        return alone

    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        write = getattr(DynamoDBBackend, name)
        if not getattr(write, "podium_isolated", False):
            setattr(DynamoDBBackend, name, isolated(write))


def _touched_items(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """(table, hash key, range key, a copy of the item or None) for each item a transaction names."""
    from moto.dynamodb.models.dynamo_type import DynamoType  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)

    found = []
    for entry in transact_items:
        for op_type, op in entry.items():
            table = backend.tables.get(op.get("TableName")) if isinstance(op, dict) else None
            key = op.get("Item" if op_type == "Put" else "Key") if table is not None else None
            if not key or table.hash_key_attr not in key:
                continue  # moto refuses it before writing anything
            hash_value = DynamoType(key[table.hash_key_attr])
            range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
            if table.range_key_attr and range_value is None:
                continue
            current = table.get_item(hash_value, range_value)
            found.append((table, hash_value, range_value, copy.deepcopy(current)))
    return found


def _put_back(table: Any, hash_value: Any, range_value: Any, before: Any) -> None:
    """Store `before` (an item copied before a transaction) again, or remove what took its place."""
    if range_value is None:
        if before is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = before
    elif before is None:
        if hash_value in table.items:
            table.items[hash_value].pop(range_value, None)
    else:
        table.items[hash_value][range_value] = before


def _item_order(item: Any) -> Any:
    order = item.__dict__.get("podium_order")
    if order is None:  # keys never change: an update makes a new moto item or keeps the old keys
        hash_value = item.hash_key.cast_value
        order = (hash_value, item.range_key.cast_value) if item.range_key else hash_value
        item.podium_order = order
    return order


def _check_free(port: int) -> None:
    """Raise OSError when 127.0.0.1:port is taken: moto's server thread would die on it while
    `start()` waited for it forever."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As moto's server binds: connections of a stack stopped a moment ago (TIME_WAIT) do not
        # make the port taken; a server still listening on it does.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))


def _track_only_mail() -> None:
    """Keep moto's instance registry to sent mails (what the outbox reads).

    moto appends every model it ever built (each DynamoDB item version, each S3 object) to a
    list that is never trimmed, so a long `podium dev` grows without bound and the outbox's
    `/moto-api/data.json` slows to a crawl as it serialises them all.
    """
    from moto.core.common_models import BaseModel  # noqa: PLC0415 — moto loads only when the local stack starts (0.4 s of import for every other command)

    def tracked_new(cls: type, *args: Any, **kwargs: Any) -> Any:
        instance = super(BaseModel, cls).__new__(cls)  # type: ignore[misc]
        if cls.__module__.startswith(("moto.ses.", "moto.sesv2.")):
            cls.instances_tracked.append(instance)  # type: ignore[attr-defined]
        return instance

    BaseModel.__new__ = tracked_new  # type: ignore[assignment, method-assign]


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation YAML, keeping short-form intrinsics as {"Fn": value} dicts."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {suffix: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


def read_template(path: Path = TEMPLATE) -> dict[str, Any]:
    """A CloudFormation template of infra/ (the stack's by default) as plain data."""
    return yaml.load(path.read_text(), Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass


def deploy_stack(stage: str, site_origin: str) -> StackOutputs:
    """Create the stack from infra/template.yaml, then apply what moto's CloudFormation skips."""
    cfn = boto3.client("cloudformation", region_name=REGION)
    name = f"podium-{stage}"
    cfn.create_stack(
        StackName=name,
        TemplateBody=TEMPLATE.read_text(),
        Parameters=[
            {"ParameterKey": "Stage", "ParameterValue": stage},
            {"ParameterKey": "SiteOrigin", "ParameterValue": site_origin},
        ],
    )
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    if stack["StackStatus"] != "CREATE_COMPLETE":
        raise RuntimeError(f"local stack {name} ended in {stack['StackStatus']}")
    outputs = StackOutputs.from_cloudformation({o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]})
    apply_skipped_settings(outputs, site_origin)
    verify_mail_sender()
    return outputs


def verify_mail_sender() -> None:
    """Verify the app's sender address in the embedded SES (it refuses unverified senders, as
    SES's sandbox does); in AWS the identity is verified once per account, outside the app."""

    address = parseaddr(read_settings().mail_from)[1]
    boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress=address)


def apply_skipped_settings(outputs: StackOutputs, site_origin: str) -> None:
    """Apply the template's TTL, PITR, CORS, lifecycle and public-access settings, read from the
    template itself so the local stack cannot drift from the cloud one."""
    template = read_template()
    resources = template["Resources"]
    table = resources["Table"]["Properties"]
    ddb = boto3.client("dynamodb", region_name=REGION)
    ttl = table["TimeToLiveSpecification"]
    ddb.update_time_to_live(
        TableName=outputs.table_name,
        TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": ttl["Enabled"]},
    )
    pitr = table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"]
    ddb.update_continuous_backups(
        TableName=outputs.table_name,
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": pitr},
    )
    s3 = boto3.client("s3", region_name=REGION)
    for logical, bucket in (("UploadsBucket", outputs.uploads_bucket), ("SiteBucket", outputs.site_bucket)):
        props = resources[logical]["Properties"]
        s3.put_public_access_block(
            Bucket=bucket, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"]
        )
        if "CorsConfiguration" in props:
            rules = [_resolve_cors_rule(rule, site_origin) for rule in props["CorsConfiguration"]["CorsRules"]]
            s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
        if "LifecycleConfiguration" in props:
            lifecycle = [_lifecycle_rule(rule, template["Parameters"]) for rule in props["LifecycleConfiguration"]["Rules"]]
            s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": lifecycle})


def _lifecycle_rule(rule: dict[str, Any], parameters: dict[str, Any]) -> dict[str, Any]:
    """A template lifecycle rule (prefix and days to expiry) in the S3 API's shape; days given
    as a parameter (`!Ref`) take its default, as the local stack passes no value for it."""
    days = rule["ExpirationInDays"]
    if isinstance(days, dict) and "Ref" in days:
        days = parameters[days["Ref"]]["Default"]
    return {
        "ID": rule["Id"],
        "Status": rule["Status"],
        "Filter": {"Prefix": rule.get("Prefix", "")},
        "Expiration": {"Days": int(days)},
    }


def _resolve_cors_rule(rule: dict[str, Any], site_origin: str) -> dict[str, Any]:
    origins = [site_origin if origin == {"Ref": "SiteOrigin"} else origin for origin in rule["AllowedOrigins"]]
    return {
        "AllowedMethods": rule["AllowedMethods"],
        "AllowedOrigins": origins,
        "AllowedHeaders": rule.get("AllowedHeaders", []),
        "MaxAgeSeconds": rule.get("MaxAge", 0),
    }


def settings_environ(outputs: StackOutputs, *, stage: str, site_base_url: str) -> dict[str, str]:
    """The app's environment for this stack: what `chalicelib.settings` reads."""
    return {
        "PODIUM_STAGE": stage,
        "PODIUM_TABLE_NAME": outputs.table_name,
        "PODIUM_TABLE_STREAM_ARN": outputs.table_stream_arn,
        "PODIUM_UPLOADS_BUCKET": outputs.uploads_bucket,
        "PODIUM_SITE_BUCKET": outputs.site_bucket,
        "PODIUM_JOBS_QUEUE_NAME": outputs.jobs_queue_name,
        "PODIUM_JOBS_QUEUE_URL": outputs.jobs_queue_url,
        "PODIUM_SITE_BASE_URL": site_base_url,
    }
