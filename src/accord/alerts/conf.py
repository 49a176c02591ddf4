"""How alerts are sent, read from the environment (a bad value stops Accord at start)."""

import datetime as dt
from dataclasses import dataclass

from accord.env import ConfigError, env_int


@dataclass(frozen=True)
class DeliveryPolicy:
    """timeout: seconds a webhook receiver has to answer.
    first_retry: seconds before the second attempt; each later wait doubles, up to max_wait.
    max_attempts: attempts before a delivery is given up (it can still be replayed).
    The claim on a delivery outlives one attempt, so a live worker never loses it to another."""

    timeout: int = 10
    first_retry: int = 30
    max_wait: int = 3600
    max_attempts: int = 8

    @property
    def lease(self) -> dt.timedelta:
        return dt.timedelta(seconds=2 * self.timeout + 5)

    def wait_after(self, attempts: int) -> dt.timedelta:
        """The pause after the `attempts`-th failed attempt: 30 s, 60 s, 120 s … (exponential)."""
        return dt.timedelta(seconds=min(self.first_retry * 2 ** (attempts - 1), self.max_wait))


def delivery_policy() -> DeliveryPolicy:
    values = {
        "timeout": env_int("ACCORD_WEBHOOK_TIMEOUT", DeliveryPolicy.timeout),
        "first_retry": env_int("ACCORD_ALERT_FIRST_RETRY", DeliveryPolicy.first_retry),
        "max_wait": env_int("ACCORD_ALERT_MAX_WAIT", DeliveryPolicy.max_wait),
        "max_attempts": env_int("ACCORD_ALERT_MAX_ATTEMPTS", DeliveryPolicy.max_attempts),
    }
    for name, value in values.items():
        if value < 1:
            raise ConfigError(f"alert delivery {name} must be at least 1, not {value}")
    return DeliveryPolicy(**values)
