"""SQS event source mappings deliver: a poller per mapping, in the moto process (:class:`EsmSupervisor`).

moto's own SQS trigger runs only inside a ``SendMessage`` (in the sender's request), invokes once per message and
never sees messages that become visible later; it is switched off (:func:`install`) and replaced by pollers that use
the SQS backend directly, as Lambda's pollers use the SQS API:

* a batch holds at most ``BatchSize`` messages, gathered over receives of at most 10 until it is full or
  ``MaximumBatchingWindowInSeconds`` has passed since its first message;
* up to ``ScalingConfig.MaximumConcurrency`` batches at once (default 5, capped by reserved concurrency);
* a successful batch is deleted; with ``ReportBatchItemFailures`` only the listed messages stay (rules in
  :mod:`.sqs_events`); a function error fails the whole batch. Failed messages stay in flight and become visible
  again after the queue's visibility timeout; moto's ``ReceiveMessage`` moves a message to the dead-letter queue
  once it has been received ``maxReceiveCount`` times (the redrive policy);
* a disabled or deleted mapping stops at once (checked before every receive);
* with IAM enforced, a poller receives only while the function's role may receive, delete and read the attributes
  of the queue (:func:`.iam.services.poll_problem`; the mapping's last processing result says why not).

Not modelled: ``FilterCriteria`` (AWS deletes messages that do not match; here every message is delivered), the
6 MB batch payload cap, ``LastProcessingResult`` in the API.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from typing import Any

from cdktf_lambda.emulator.cloud.iam.services import poll_problem
from cdktf_lambda.emulator.cloud.invoke import Throttled, engine, invoke_function
from cdktf_lambda.emulator.cloud.loops import Every
from cdktf_lambda.emulator.cloud.sqs_events import batch_failures, sqs_record
from cdktf_lambda.logs import room_logger

__all__ = ["EsmConsumer", "EsmSupervisor", "install"]

log = room_logger(__name__)

#: Lambda starts polling an SQS queue with five concurrent batches.
DEFAULT_CONCURRENCY = 5
#: ``ReceiveMessage`` returns at most this many messages.
RECEIVE_MAX = 10
IDLE_WAIT_SECONDS = 0.2


def _lambda_backends() -> Any:
    from moto.awslambda.models import lambda_backends

    return lambda_backends


class EsmConsumer:
    """The pollers of one SQS event source mapping."""

    def __init__(self, backend: Any, esm: Any) -> None:
        self.backend, self.esm = backend, esm
        self.stopped = threading.Event()
        self.threads: dict[int, threading.Thread] = {}
        self.receive_lock = threading.Lock()  # moto's receive is not thread-safe: one receive at a time
        self.stats: Counter[str] = Counter()

    def active(self) -> bool:
        """Not stopped, the mapping still exists (the same object) and is enabled."""
        esm = self.esm
        return not self.stopped.is_set() and self.backend._event_source_mappings.get(esm.uuid) is esm and esm.enabled

    def concurrency(self) -> int:
        wanted = int((self.esm.scaling_config or {}).get("MaximumConcurrency") or DEFAULT_CONCURRENCY)
        try:
            reserved = self.backend.get_function(self.esm.function_arn).reserved_concurrency
        except Exception:
            reserved = None
        if reserved is not None:
            wanted = min(wanted, int(reserved))
        return max(0, wanted)

    def ensure_threads(self) -> None:
        for index in range(self.concurrency()):
            thread = self.threads.get(index)
            if thread is None or not thread.is_alive():
                thread = threading.Thread(target=self._poll, args=(index,), name=f"esm-{self.esm.uuid[:8]}-{index}")
                thread.daemon = True
                self.threads[index] = thread
                thread.start()

    def _queue(self) -> tuple[Any, Any]:
        from moto.sqs.models import sqs_backends

        _, _, _, region, account, name = self.esm.event_source_arn.split(":", 5)
        sqs = sqs_backends[account][region]
        return sqs, sqs.queues.get(name)

    def _poll(self, index: int) -> None:
        while self.active() and index < self.concurrency():
            try:
                sqs, queue = self._queue()
                if queue is None or self._denied():
                    time.sleep(1)
                    continue
                batch = self._gather(sqs, queue)
                if batch:
                    self._process(sqs, queue, batch)
                else:
                    queue.wait_for_messages(IDLE_WAIT_SECONDS)  # wakes up on SendMessage
                    time.sleep(0.02)  # visible but not receivable (a FIFO group in flight): do not spin
            except Exception as exc:
                log.error("poller of %s: %r", self.esm.event_source_arn, exc)
                time.sleep(1)

    def _denied(self) -> bool:
        """The function's role may not poll the queue (IAM, :func:`.iam.services.poll_problem`): nothing is received,
        the mapping's last processing result says why (logged once), and polling resumes once it may."""
        try:
            problem = poll_problem(self.backend.get_function(self.esm.function_arn), self.esm.event_source_arn)
        except Exception:
            return False
        if problem is None:
            return False
        result = f"PROBLEM: {problem}"
        if getattr(self.esm, "local_last_processing_result", None) != result:
            log.warning("poller of %s: %s", self.esm.event_source_arn, problem)
        self.esm.local_last_processing_result = result
        return True

    def _gather(self, sqs: Any, queue: Any) -> list[Any]:
        batch_size = int(self.esm.batch_size or RECEIVE_MAX)
        window = float(self.esm.max_batch_window or 0)
        batch: list[Any] = []
        deadline: float | None = None
        while self.active():
            with self.receive_lock:
                got = sqs.receive_message(
                    queue.name, min(RECEIVE_MAX, batch_size - len(batch)), 0, int(queue.visibility_timeout)
                )
            fresh = {message.id for message in got}  # a message whose visibility lapsed meanwhile: keep the newest
            batch = [message for message in batch if message.id not in fresh] + got
            if len(batch) >= batch_size or not batch:
                break
            if deadline is None:
                deadline = time.monotonic() + window
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            if not got:
                queue.wait_for_messages(min(remaining, IDLE_WAIT_SECONDS))
                time.sleep(min(remaining, 0.02))
        return batch

    def _process(self, sqs: Any, queue: Any, batch: list[Any]) -> None:
        esm = self.esm
        region = esm.event_source_arn.split(":")[3]
        event = {"Records": [sqs_record(message, queue, region) for message in batch]}
        ids = [message.id for message in batch]
        failed: set[str] | None
        try:
            fn = self.backend.get_function(esm.function_arn)
            outcome = invoke_function(fn, json.dumps(event).encode())
        except Throttled:
            failed = None
        else:
            if outcome.function_error:
                failed = None
            elif "ReportBatchItemFailures" in (esm.function_response_types or []):
                failed = batch_failures(outcome.payload, ids)
            else:
                failed = set()
        failed = set(ids) if failed is None else failed
        self.stats["invocations"] += 1
        for message in batch:
            if message.id in failed:
                self.stats["failed"] += 1  # stays in flight: visible again after the visibility timeout
                continue
            try:
                sqs.delete_message(queue.name, message.receipt_handle)
                self.stats["deleted"] += 1
            except Exception as exc:
                log.error("could not delete message %s: %r", message.id, exc)
        esm.local_last_processing_result = "OK" if not failed else "PROBLEM: Function call failed"


class EsmSupervisor(Every):
    """Finds the SQS event source mappings of every account and region, and keeps their pollers running."""

    def __init__(self, interval: float) -> None:
        super().__init__("event-source-mappings", interval)
        self.consumers: dict[int, EsmConsumer] = {}

    def step(self) -> None:
        seen = set()
        for regions in list(_lambda_backends().values()):
            for backend in list(regions.values()):
                for esm in list(backend._event_source_mappings.values()):
                    if esm.event_source_arn.split(":")[2] != "sqs" or not esm.enabled:
                        continue
                    seen.add(id(esm))
                    consumer = self.consumers.get(id(esm))
                    if consumer is None:
                        consumer = self.consumers[id(esm)] = EsmConsumer(backend, esm)
                    consumer.ensure_threads()
        for key in [key for key in self.consumers if key not in seen]:
            self.consumers.pop(key).stopped.set()

    def stats(self) -> list[dict[str, Any]]:
        """Per mapping: its UUID, queue, function, counts of invocations, deleted and failed messages, and the last
        processing result (``OK``, ``PROBLEM: ...``)."""
        return [
            {
                "uuid": c.esm.uuid,
                "queue": c.esm.event_source_arn,
                "function": c.esm.function_arn,
                "last_processing_result": getattr(c.esm, "local_last_processing_result", None),
                **c.stats,
            }
            for c in list(self.consumers.values())
        ]


_SUPERVISOR: EsmSupervisor | None = None


def supervisor() -> EsmSupervisor | None:
    return _SUPERVISOR


def install() -> str:
    """Switch moto's synchronous SQS trigger off and start the pollers; ``applied`` or why not."""
    global _SUPERVISOR
    from moto.sqs.models import Queue

    if not hasattr(_lambda_backends(), "values") or not callable(getattr(Queue, "add_message", None)):
        return "skipped: moto's SQS/Lambda backends do not have the expected shape"
    # Queue.add_message triggers the mappings it finds here: always none.
    Queue.lambda_event_source_mappings = property(lambda self: {}, lambda self, value: None)
    _SUPERVISOR = EsmSupervisor(engine().config.tick)
    _SUPERVISOR.start()
    return "applied"
