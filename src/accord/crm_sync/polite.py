"""Calls to a CRM that respect its limits: an answer of 429 (too many requests) or a server
error is tried again after the wait the CRM asks (`Retry-After`), else after an exponential
wait with full jitter (a random wait up to 1, 2, 4 … seconds, capped), so that many workers
retrying together do not hit the CRM in step. A CRM that still refuses after the last attempt
ends the run with the reason; the cursor keeps what was written, and the next run goes on."""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from accord.crm_sync.connector import CrmUnreachable


class Retry(Exception):
    """Raised by a call to be tried again: `wait` is what the CRM asked for (None: back off)."""

    def __init__(self, reason: str, wait: float | None = None):
        super().__init__(reason)
        self.reason, self.wait = reason, wait


@dataclass
class Politeness:
    attempts: int = 8
    first_wait: float = 1.0
    max_wait: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    random: Callable[[], float] = random.random
    waited: list[float] = field(default_factory=list)  # every wait, for the log and the tests

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(max_wait, first_wait · 2^attempt)]."""
        return self.random() * min(self.max_wait, self.first_wait * 2**attempt)

    def call(self, crm: str, fn: Callable, *args, **kwargs):
        for attempt in range(self.attempts):
            try:
                return fn(*args, **kwargs)
            except Retry as retry:
                if attempt == self.attempts - 1:
                    raise CrmUnreachable(
                        f"{crm} still answered {retry.reason} after {self.attempts} attempts; "
                        "the next sync goes on from where this one stopped"
                    ) from None
                wait = retry.wait if retry.wait is not None else self.backoff(attempt)
                self.waited.append(wait)
                self.sleep(wait)
        raise AssertionError("unreachable")
