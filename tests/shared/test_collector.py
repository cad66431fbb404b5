"""The garbage collector while a service runs (``shared.service_app.collected_rarely``)."""

from __future__ import annotations

import gc

import pytest

from shared.service_app import SERVING_GC_THRESHOLDS, collected_rarely


def test_serving_freezes_start_up_and_collects_rarely_then_restores() -> None:
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    with collected_rarely():
        assert gc.get_threshold() == SERVING_GC_THRESHOLDS
        assert gc.get_freeze_count() > frozen  # start-up's objects: out of the collector's way
        cycle: list[object] = []
        cycle.append(cycle)  # a cycle made while serving is still collected
        del cycle
        assert gc.collect() >= 1
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0  # unfrozen: collectable again


def test_restored_after_a_failure() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), collected_rarely():
        raise RuntimeError("start-up failed")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
