"""Jobs through a queue: the API enqueues job ids on Redis, `ecocanvas worker` processes run them.

The engine is dramatiq (its Redis broker). It acknowledges a message only once the actor has
returned, and a worker's unacknowledged messages go back to the queue when the worker stops
sending heartbeats (it died): delivery is at-least-once. `Service.execute` makes that safe: the
job's lease in the database decides who runs it, and a second delivery of a finished job does
nothing (docs/deploy.md).

What is sent is the job id alone; everything else is in the database.
"""

from __future__ import annotations

import signal
import threading
from typing import TYPE_CHECKING, Any

import dramatiq
from dramatiq.brokers.redis import MAINTENANCE_SCALE, RedisBroker
from dramatiq.common import dq_name
from dramatiq.middleware import Retries

from ecocanvas.api.jobs import Sweeper
from ecocanvas.logs import get_logger
from ecocanvas.settings import Settings

if TYPE_CHECKING:
    from ecocanvas.api.store import Store

log = get_logger(__name__)

QUEUE = "ecocanvas-jobs"
ACTOR = "execute_job"
NAMESPACE = "ecocanvas"
# Retries are for failures around the job (the database away for a moment): the job's own errors are
# written to the job by Service.execute and never reach the queue.
_MAX_RETRIES = 5
_MIN_BACKOFF_MS = 1_000
_MAX_BACKOFF_MS = 60_000
# An API process enqueues a job right after it commits the job's row: a younger queued job may simply not be
# enqueued yet, and is left for the next look.
_ENQUEUE_GRACE_SECONDS = 5.0
_REENQUEUE_LOCK = f"{NAMESPACE}:reenqueue-lock"


def _retry_when(retries: int, exception: BaseException) -> bool:
    # A Retry is "another process holds the job's lease; look again when it runs out": always.
    return isinstance(exception, dramatiq.Retry) or retries < _MAX_RETRIES


def make_broker(settings: Settings) -> RedisBroker:
    assert settings.queue_url is not None
    return RedisBroker(  # type: ignore[no-untyped-call]
        url=settings.queue_url,
        namespace=NAMESPACE,
        # A worker that sent no heartbeat for a lease's length is dead: its messages go back to the queue.
        heartbeat_timeout=int(settings.job_lease_seconds * 1000),
        # The look for dead workers' messages runs on every broker call (the default, one in a thousand, can
        # leave a dead worker's job waiting for many minutes). It is one sorted-set range read in Redis.
        maintenance_chance=MAINTENANCE_SCALE,
        # Only the retries: the default middleware would also kill a job running over 10 minutes.
        middleware=[Retries(max_retries=_MAX_RETRIES, min_backoff=_MIN_BACKOFF_MS, max_backoff=_MAX_BACKOFF_MS)],
    )


def job_message(job_id: str) -> dramatiq.Message[None]:
    return dramatiq.Message(queue_name=QUEUE, actor_name=ACTOR, args=(job_id,), kwargs={}, options={})


def jobs_on_queue(broker: RedisBroker) -> set[str]:
    """The job ids the queue holds a message for: waiting, delayed for a retry, or fetched by a worker and
    not acknowledged yet (dramatiq keeps a message in its queue's hash until the ack)."""
    known: set[str] = set()
    for queue in (QUEUE, dq_name(QUEUE)):
        for _redis_id, data in broker.client.hscan_iter(f"{NAMESPACE}:{queue}.msgs", count=500):
            message = dramatiq.Message.decode(data)
            if message.actor_name == ACTOR and message.args:
                known.add(str(message.args[0]))
    return known


def reenqueue_lost(store: Store, broker: RedisBroker, every_seconds: float) -> list[str]:
    """Put back on the queue the jobs the database holds as queued but the queue has no message for.

    That happens when Redis loses its data (a restart without persistence, FLUSHALL) or an API process
    died between committing a job and enqueuing it. Safe to repeat and to run from every worker: one
    worker per `every_seconds` does the look (a lock in Redis), and a job delivered twice still runs once.
    Returns the jobs enqueued again.
    """
    waiting = store.queued(older_than=_ENQUEUE_GRACE_SECONDS)
    if not waiting:
        return []  # the usual case costs one indexed query and nothing on Redis
    if not broker.client.set(_REENQUEUE_LOCK, "1", nx=True, px=max(1, int(every_seconds * 1000))):
        return []  # another worker looked within this period
    missing = set(waiting) - jobs_on_queue(broker)
    if not missing:
        return []
    # A job whose message was taken and acknowledged while we looked is no longer queued: read again.
    still = set(store.queued(older_than=_ENQUEUE_GRACE_SECONDS))
    lost = [job_id for job_id in waiting if job_id in missing and job_id in still]
    for job_id in lost:
        broker.enqueue(job_message(job_id))
    if lost:
        log.warning("jobs_reenqueued", jobs=len(lost), reason="queued in the database, unknown to the queue")
    return lost


class QueueRunner:
    """The API side: `submit` enqueues the job id; nothing runs in this process."""

    def __init__(self, settings: Settings) -> None:
        self._broker = make_broker(settings)
        self._broker.declare_queue(QUEUE)

    def submit(self, job_id: str) -> None:
        self._broker.enqueue(job_message(job_id))

    def close(self) -> None:
        self._broker.close()


def declare_actor(broker: RedisBroker, execute: Any) -> dramatiq.Actor[[str], None]:
    """The actor a worker runs: `execute(job_id)`, delivered again later while another process holds the lease."""

    def execute_job(job_id: str) -> None:
        again = execute(job_id)
        if again is not None:
            raise dramatiq.Retry(delay=int(again * 1000))

    return dramatiq.Actor(
        execute_job,
        broker=broker,
        actor_name=ACTOR,
        queue_name=QUEUE,
        priority=0,
        options={"retry_when": _retry_when, "min_backoff": _MIN_BACKOFF_MS, "max_backoff": _MAX_BACKOFF_MS},
    )


def run_worker(settings: Settings, threads: int, grace_seconds: float) -> None:
    """`ecocanvas worker`: run jobs from the queue until SIGTERM or SIGINT, then let running jobs finish
    for up to `grace_seconds` (a job still running after that is taken over once its lease runs out)."""
    from ecocanvas.api.db import make_engine, migrate
    from ecocanvas.api.service import Service
    from ecocanvas.api.store import Store

    engine = make_engine(settings)
    migrate(engine)
    service = Service(settings, Store(engine))
    service.warm_up()
    broker = make_broker(settings)
    declare_actor(broker, service.execute)
    worker = dramatiq.Worker(broker, worker_threads=threads)
    # Hold no more messages than there are threads: a job waiting in this process could run in another.
    worker.queue_prefetch = threads

    interval = max(1.0, settings.job_lease_seconds / 3)

    def sweep() -> None:
        # The queue redelivers a dead worker's messages, but a job whose message is gone (Redis restarted
        # without its data) has only its row: a job whose lease ran out is put on the queue again from here,
        # and so is a queued job the queue does not know.
        for job_id in service.store.requeue_expired(settings.job_max_attempts):
            broker.enqueue(job_message(job_id))
        reenqueue_lost(service.store, broker, interval)

    sweeper = Sweeper(sweep, interval=interval)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    worker.start()
    sweeper.start()
    log.info("worker_started", threads=threads, owner=service.owner, queue=QUEUE)
    try:
        stop.wait()
    finally:
        log.info("worker_stopping", owner=service.owner)
        sweeper.stop()
        worker.stop(timeout=int(grace_seconds * 1000))
        # Jobs still running are handed back and queued again, so another worker resumes them now rather
        # than once their lease has run out.
        for job_id in service.release_jobs():
            broker.enqueue(job_message(job_id))
        broker.close()
        engine.dispose()
