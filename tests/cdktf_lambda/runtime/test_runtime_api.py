"""The Runtime API server alone, driven by a fake runtime client (``http.client``) on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time

import pytest

from cdktf_lambda.runtime.api import PREFIX, RuntimeAPI

ARN = "arn:aws:lambda:us-east-1:123456789012:function:fake"


@pytest.fixture
def api():
    server = RuntimeAPI(ARN).start()
    yield server
    server.stop()


def request(api: RuntimeAPI, method: str, path: str, body: bytes = b"", headers=None):
    host, port = api.address.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(method, PREFIX + path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_it_listens_on_127_0_0_1_only_without_nagle(api):
    assert api.address.startswith("127.0.0.1:")
    assert api._server.RequestHandlerClass.disable_nagle_algorithm is True


def test_next_hands_over_the_event_with_lambdas_headers_and_the_response_finishes_it(api):
    invocation = api.submit({"n": 1}, timeout=3, request_id="req-1", client_context={"custom": {"a": "b"}})
    status, headers, body = request(api, "GET", "/invocation/next")
    assert status == 200 and json.loads(body) == {"n": 1}
    assert headers["Lambda-Runtime-Aws-Request-Id"] == "req-1"
    assert headers["Lambda-Runtime-Invoked-Function-Arn"] == ARN
    assert headers["Lambda-Runtime-Trace-Id"].startswith("Root=1-")
    assert json.loads(headers["Lambda-Runtime-Client-Context"]) == {"custom": {"a": "b"}}
    assert "Lambda-Runtime-Cognito-Identity" not in headers, "empty headers are left out"
    assert int(headers["Lambda-Runtime-Deadline-Ms"]) > 0 and invocation.received_at is not None
    assert api.polled.is_set()
    assert request(api, "POST", "/invocation/req-1/response", b'{"ok": true}')[0] == 202
    assert invocation.wait(1) and invocation.outcome == "response" and invocation.json() == {"ok": True}


def test_next_blocks_until_an_event_is_queued(api):
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(request(api, "GET", "/invocation/next")[2]))
    reader.start()
    assert api.polled.wait(5) and not got, "the runtime waits: nothing is queued"
    api.submit({"late": True}, timeout=3)
    reader.join(5)
    assert got and json.loads(got[0]) == {"late": True}


def test_an_error_is_kept_as_the_client_posted_it(api):
    invocation = api.submit({}, timeout=3, request_id="req-2")
    request(api, "GET", "/invocation/next")
    error = {"errorMessage": "boom", "errorType": "ValueError", "requestId": "req-2", "stackTrace": []}
    assert request(api, "POST", "/invocation/req-2/error", json.dumps(error).encode())[0] == 202
    assert invocation.outcome == "error" and invocation.json() == error


def test_unknown_ids_and_second_answers_are_refused(api):
    api.submit({}, timeout=3, request_id="req-3")
    request(api, "GET", "/invocation/next")
    status, _, body = request(api, "POST", "/invocation/nope/response", b"{}")
    assert status == 400 and json.loads(body)["errorType"] == "InvalidRequestID"
    assert request(api, "POST", "/invocation/req-3/response", b"1")[0] == 202
    status, _, body = request(api, "POST", "/invocation/req-3/response", b"2")
    assert status in (400, 403), "answered already"
    assert request(api, "GET", "/nowhere")[0] == 404


def test_an_init_error_is_answered_202_and_fails_every_waiting_event(api):
    waiting = api.submit({}, timeout=3)
    error = {"errorMessage": "Unable to import module 'app'", "errorType": "Runtime.ImportModuleError"}
    headers = {"Lambda-Runtime-Function-Error-Type": "Runtime.ImportModuleError"}
    assert request(api, "POST", "/init/error", json.dumps(error).encode(), headers)[0] == 202
    assert waiting.wait(1) and waiting.outcome == "init_error" and waiting.json() == error
    assert json.loads(api.init_error) == error


def test_the_poll_of_a_runtime_that_died_never_takes_the_next_event(api):
    """A runtime killed while it waits for /next leaves its poll behind: the next event goes to a live poll."""
    host, port = api.address.split(":")
    dead = socket.create_connection((host, int(port)), timeout=5)
    dead.sendall(f"GET {PREFIX}/invocation/next HTTP/1.1\r\nHost: {api.address}\r\n\r\n".encode())
    assert api.polled.wait(5), "the poll is waiting"
    dead.close()  # what the kernel does for a killed process
    invocation = api.submit({"for": "the living"}, timeout=3, request_id="req-live")
    status, headers, body = request(api, "GET", "/invocation/next")
    assert status == 200 and headers["Lambda-Runtime-Aws-Request-Id"] == "req-live"
    assert json.loads(body) == {"for": "the living"} and invocation.received_at is not None


def test_stop_ends_a_waiting_poll(api):
    answers: list[int] = []
    reader = threading.Thread(target=lambda: answers.append(request(api, "GET", "/invocation/next")[0]))
    reader.start()
    assert api.polled.wait(5)
    started = time.monotonic()
    api.stop()
    reader.join(5)
    assert answers == [410] and time.monotonic() - started < 2
