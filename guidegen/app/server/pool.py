"""A bounded pool of worker processes for the heavy work (renders, validation, imports).

Requests wait for a free slot only while the queue is short; beyond ``workers + queue``
waiting calls the server answers 503 at once instead of piling up work. Each call has a time
limit: past it the request gets a 504 problem. A process cannot be stopped mid-call, so a
timed-out call still finishes in its worker before that worker takes the next one.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Callable

from guidegen.core.errors import Problem, UserError


class PoolBusy(Exception):
    """Too many requests are waiting."""


class PoolTimeout(Exception):
    """A call ran past its time limit."""


@dataclass
class _Outcome:
    value: Any = None
    problems: list[Problem] | None = None


def _call(function: Callable[..., Any], args: tuple[Any, ...]) -> _Outcome:
    # UserError does not survive pickling with its problems (exceptions pickle their message
    # only), so a worker returns them as data and the server raises them again.
    try:
        return _Outcome(function(*args))
    except UserError as exc:
        return _Outcome(problems=exc.problems)


class WorkerPool:
    def __init__(self, workers: int, queue: int, timeout: float) -> None:
        self.workers, self.timeout = workers, timeout
        self._slots = asyncio.Semaphore(workers + queue)
        self._executor: Executor | None = None

    def _started(self) -> Executor:
        if self._executor is None:
            # spawn, not fork: the server process runs threads (event loop, SDK tasks).
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self._executor

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run ``function(*args)`` in a worker; UserError, PoolBusy or PoolTimeout on failure."""
        if self._slots.locked():
            raise PoolBusy()
        async with self._slots:
            future = self._started().submit(_call, function, args)
            try:
                outcome: _Outcome = await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
            except asyncio.TimeoutError:
                future.cancel()
                raise PoolTimeout() from None
            except BrokenProcessPool:
                self.shutdown()  # a worker died (killed, out of memory): start afresh next time
                raise
        if outcome.problems is not None:
            raise UserError(outcome.problems)
        return outcome.value

    async def run_light(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run cached, server-side-only work (the type catalogue) in a thread of this process."""
        import anyio

        return await anyio.to_thread.run_sync(lambda: function(*args))

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
