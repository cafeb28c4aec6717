"""The local API server under a burst of new connections (podium.localstack.servers.api_server)."""

from __future__ import annotations

import http.client
import threading
from collections import Counter

import pytest
from chalice import Chalice

pytestmark = pytest.mark.integration

BURST = 200


@pytest.fixture
def ping_server():
    from podium.localstack.servers import api_server, serve_in_thread

    app = Chalice(app_name="burst")

    @app.route("/ping")
    def ping() -> dict:
        return {"ok": True}

    server = api_server(app, 0)
    serve_in_thread(server.server, "test-burst")
    yield server.server.server_address[1]
    server.server.shutdown()
    server.server.server_close()


def test_api_server_answers_a_burst_of_new_connections(ping_server):
    ready = threading.Barrier(BURST)
    answers: list[int | str] = []  # list.append is atomic across threads

    def one_client() -> None:
        ready.wait()  # every client connects at once, each on a connection of its own
        try:
            connection = http.client.HTTPConnection("127.0.0.1", ping_server, timeout=10)
            connection.request("GET", "/ping")
            response = connection.getresponse()
            response.read()
            answers.append(response.status)
        except OSError as err:  # resets and connect timeouts alike
            answers.append(type(err).__name__)

    clients = [threading.Thread(target=one_client) for _ in range(BURST)]
    for client in clients:
        client.start()
    for client in clients:
        client.join()

    assert Counter(answers) == Counter({200: BURST})
