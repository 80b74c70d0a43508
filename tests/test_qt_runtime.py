"""Guards against Qt-binding bugs that would crash the window long after they start."""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(list)


def test_signal_emit_keeps_reference_counts() -> None:
    """PySide6 6.12.0 drops a reference to True on every emit(); on Python 3.11 the process
    aborts ("deallocating True") after a few thousand emits. pyproject excludes that release."""
    emitter = _Emitter()
    received: list[object] = []
    emitter.fired.connect(received.append)
    # Earlier tests' cyclic garbage (e.g. database connections) must not be collected in the
    # middle of the count: it holds references to None too.
    gc.collect()
    gc.disable()
    try:
        before_true, before_none = sys.getrefcount(True), sys.getrefcount(None)
        for _ in range(200):
            emitter.fired.emit([1])
    finally:
        gc.enable()
    assert len(received) == 200
    assert abs(sys.getrefcount(True) - before_true) < 50
    assert abs(sys.getrefcount(None) - before_none) < 50
