"""Speed-ups that use private APIs (Dagster's storage internals, dbt's parse-state check and
logger), fenced here behind one switch. Nothing else in the project patches or subclasses an
internal for speed; each one here is listed in docs/upgrading.md with the test that guards it.

`SHOPKPI_SPEEDUPS=0` runs the plain public-API path, with the same results
(tests/test_speedups.py builds the demo month both ways and compares its tables).

When an upgrade moved an internal, `apply` fails loudly under CI (`CI` or
`SHOPKPI_SPEEDUPS_STRICT` set), so the upgrade is noticed; elsewhere it logs one warning and the
plain path runs.
"""

from __future__ import annotations

import logging
import os
from typing import Callable

SWITCH_ENV = "SHOPKPI_SPEEDUPS"
STRICT_ENV = "SHOPKPI_SPEEDUPS_STRICT"
log = logging.getLogger("shopkpi.speedups")


class SpeedupUnavailable(RuntimeError):
    """A speed-up's private API moved (under CI: a dependency upgrade needs a look, docs/upgrading.md)."""


def enabled() -> bool:
    return os.environ.get(SWITCH_ENV, "1") != "0"


def strict() -> bool:
    return bool(os.environ.get(STRICT_ENV) or os.environ.get("CI"))


def apply(name: str, patch: Callable[[], None]) -> bool:
    """Apply one speed-up: True when it is in place, False when switched off or (outside CI) unavailable."""
    if not enabled():
        return False
    try:
        patch()
        return True
    except Exception as exc:  # an internal moved: AttributeError, ImportError, TypeError, …
        if strict():
            raise SpeedupUnavailable(f"speed-up {name} no longer applies ({type(exc).__name__}: {exc}); "
                                     "see docs/upgrading.md") from exc
        log.warning("speed-up %s no longer applies (%s: %s): the plain path runs (docs/upgrading.md)",
                    name, type(exc).__name__, exc)
        return False
