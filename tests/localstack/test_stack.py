from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read()


def test_dev_stack_serves_api_site_and_admin_then_stops_on_sigterm(dev_stack_factory):
    stack = dev_stack_factory(seed="sample")  # what `make run` does on a first start

    health = _get(stack.urls["API"] + "/v1/health")
    site = _get(stack.urls["Site"])
    admin = _get(stack.urls["Admin"])
    code, seconds = stack.stop(signal.SIGTERM)

    assert health[0] == 200 and json.loads(health[2])["status"] == "ok"
    assert site[0] == 200 and b"FOSSASIA Summit" in site[2]  # seeded from ../shared (demo.py without it)
    assert admin[0] == 200 and b"Podium admin" in admin[2]
    assert code == 0 and seconds < 5


def test_dev_stack_answers_unknown_api_paths_with_json_404(dev_stack_factory):
    stack = dev_stack_factory()

    status, content_type, body = _get(stack.urls["API"] + "/v1/no/such/thing")

    assert status == 404
    assert content_type.startswith("application/json")
    assert json.loads(body)["error"]["code"] == "not_found"


def test_dev_stack_listens_on_loopback_only(dev_stack_factory):
    stack = dev_stack_factory()

    listening = [
        c.laddr for c in psutil.Process(stack.process.pid).net_connections(kind="inet") if c.status == "LISTEN"
    ]

    assert len(listening) >= 4  # API, site, uploads, embedded AWS
    assert {address.ip for address in listening} == {"127.0.0.1"}


def test_dev_stack_keeps_what_the_api_wrote_across_restart(dev_stack_factory, tmp_path):
    from support.uploads import image_bytes, post_file

    state = tmp_path / "kept"
    first = dev_stack_factory(state)
    api = first.urls["API"] + "/v1"
    account = {"email": "keeper@example.org", "password": "keeper password 1", "name": "Keeper"}
    _call(f"{api}/auth/signup", "POST", account)
    token = _call(f"{api}/auth/login", "POST", {k: account[k] for k in ("email", "password")})[1]["access_token"]
    event = _call(f"{api}/events", "POST", {"name": "Kept Conf"}, token)[1]
    event_id = event["id"]
    _call(f"{api}/events/{event_id}", "PATCH", {"name": "Kept Conf 2027", "version": event["version"]}, token)
    _call(f"{api}/events/{event_id}/tracks", "POST", {"name": "Kept track", "color": "#0050eb"}, token)
    ask = {"kind": "event_logo", "filename": "logo.png", "content_type": "image/png", "event_id": event_id}
    png = image_bytes("PNG")
    presigned = _call(f"{api}/uploads", "POST", {**ask, "size": len(png)}, token)[1]
    post_file(presigned, png, "logo.png")
    logo_url = _call(f"{api}/uploads/{presigned['id']}/complete", "POST", None, token)[1]["file"]["url"]
    code, _ = first.stop()

    second = dev_stack_factory(state)
    api = second.urls["API"] + "/v1"
    token = _call(f"{api}/auth/login", "POST", {k: account[k] for k in ("email", "password")})[1]["access_token"]
    status, kept = _call(f"{api}/events/{event_id}", token=token)
    tracks = _call(f"{api}/events/{event_id}/tracks", token=token)[1]["items"]
    assert logo_url.startswith(first.urls["Uploads"])  # files have an origin of their own
    logo_url = logo_url.replace(first.urls["Uploads"], second.urls["Uploads"])  # port 0: each run has its own port
    logo_status, _, logo = _get(logo_url)

    assert code == 0
    assert (status, kept["name"], kept["logo_file"]["url"]) == (200, "Kept Conf 2027", logo_url)
    assert [track["name"] for track in tracks] == ["Kept track"]
    assert (logo_status, logo) == (200, png)


def test_dev_stack_publishes_a_session_title_edit_to_its_site(dev_stack_factory, tmp_path):
    from podium.localstack.demo import DEMO_ID

    stack = dev_stack_factory(tmp_path / "state")
    api, page = stack.urls["API"] + "/v1", stack.urls["Site"] + "e/podium-demo-conf/sessions/static/"
    token = _admin_token(api, tmp_path / "state")
    session = _call(f"{api}/events/{DEMO_ID}/sessions/static", token=token)[1]

    _call(
        f"{api}/events/{DEMO_ID}/sessions/static",
        "PATCH",
        {"title": "Renamed live", "version": session["version"]},
        token,
    )

    deadline = time.monotonic() + 60
    while b"Renamed live" not in (shown := _get(page)[2]) and time.monotonic() < deadline:
        time.sleep(0.2)
    code, _ = stack.stop()

    assert b"Renamed live" in shown
    assert code == 0, "\n".join(stack.output[-20:])


def _admin_token(api: str, state: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PODIUM_", "AWS_"))}
    env["PYTHONPATH"] = str(REPO / "backend")
    command = [sys.executable, "-m", "podium.cli", "create-admin", "root@example.org", "--state-dir", str(state)]
    subprocess.run(command, input="root password 1\n", text=True, env=env, cwd=REPO, check=True, capture_output=True)
    login = {"email": "root@example.org", "password": "root password 1"}
    return _call(f"{api}/auth/login", "POST", login)[1]["access_token"]


def _call(url: str, method: str = "GET", body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_second_stack_on_a_taken_aws_port_says_so_and_exits(dev_stack_factory, tmp_path):
    import os
    import subprocess
    import sys
    from urllib.parse import urlparse

    from support.dev_stack import REPO

    first = dev_stack_factory()
    taken = str(urlparse(first.urls["AWS"]).port)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PODIUM_", "AWS_"))}
    env["PYTHONPATH"] = str(REPO / "backend")
    command = [sys.executable, "-m", "podium.cli", "dev", "--api-port", "0", "--site-port", "0", "--aws-port", taken]

    second = subprocess.run(
        [*command, "--state-dir", str(tmp_path / "second")], capture_output=True, text=True, env=env, timeout=60
    )

    assert second.returncode == 1
    assert "could not start" in second.stderr and "--aws-port" in second.stderr


def test_port_of_a_stack_stopped_a_moment_ago_counts_as_free():
    import socket

    from podium.localstack.aws import _check_free

    # GIVEN a server that answered a connection and closed first: its port waits in TIME_WAIT
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    accepted.close()
    server.close()
    client.close()

    _check_free(port)  # THEN a new stack may start on it (no OSError)


def test_dev_stack_starts_on_state_holding_a_title_with_a_newline_and_publishes_it(dev_stack_factory, tmp_path):
    import boto3
    from podium.localstack.demo import DEMO_ID

    state = tmp_path / "newline"
    first = dev_stack_factory(state)
    ddb = boto3.client("dynamodb", endpoint_url=first.urls["AWS"], region_name="us-east-1")
    [table] = [name for name in ddb.list_tables()["TableNames"] if name.startswith("podium")]
    ddb.update_item(  # a direct write, as old items and imports from before the API's rules hold
        TableName=table,
        Key={"pk": {"S": f"EVENT#{DEMO_ID}"}, "sk": {"S": "SESSION#static"}},
        UpdateExpression="SET title = :title",
        ExpressionAttributeValues={":title": {"S": "Good talk\nsecond line"}},
    )
    first.stop()

    second = dev_stack_factory(state)
    status, _, page = _get(second.urls["Site"] + "e/podium-demo-conf/sessions/static/")
    code, _ = second.stop()

    assert (status, b"Good talk second line" in page) == (200, True)
    assert code == 0
    assert not [line for line in second.output if "Traceback" in line]


def test_stack_start_reports_an_event_that_cannot_render_and_publishes_the_rest(stack, monkeypatch, caplog, tmp_path):
    import boto3
    from chalicelib.site import render
    from podium.localstack.demo import seed_demo_event
    from podium.localstack.stack import LocalStack

    slug = seed_demo_event()

    def render_event(bundle, *, base_url, **_):  # the render's other keywords (pages_made) do not matter here
        raise RuntimeError(f"cannot render {bundle.event.slug}")

    monkeypatch.setattr(render, "render_event", render_event)

    LocalStack(tmp_path)._publish_site()

    keys = [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=stack.site_bucket).get("Contents", [])]
    assert f"event {slug} was not published: RuntimeError: cannot render {slug}" in caplog.text
    assert ("index.html" in keys, [k for k in keys if k.startswith("e/")]) == (True, [])
