from __future__ import annotations

import pytest
from support.trash import OWNER, actor, frozen_clock, load, seed_event, uploads_keys

pytestmark = pytest.mark.integration


@pytest.fixture
def poller(stack):
    from app import app
    from podium.localstack.poller import LocalPoller

    return LocalPoller(app, stack)


def test_hourly_sweep_purges_expired_trash_and_its_files(poller):
    from chalicelib.clock import clock as now
    from chalicelib.db.base import Item
    from chalicelib.db.keys import TRASH_KEY
    from chalicelib.domain.trash import trash_event

    with frozen_clock() as clock:
        seed_event()
        trash_event(event=load("event", "ev1", "ev1"), actor=actor(OWNER))
        clock.advance(days=30, seconds=1)
        # Trash that earlier tests of this process left in partitions the stack keeps expires too.
        expired = Item.trash_index.query(TRASH_KEY, Item.expires_at <= now().epoch())
        others = len([i for i in expired if i.pk != "EVENT#ev1"])

        result = poller.fire_schedule("sweep_trash")

    assert result == {"deleted": 11 + others}
    assert list(Item.query("EVENT#ev1")) == []
    assert uploads_keys() == []


def test_sweep_is_scheduled_hourly():
    from app import app
    from chalice.app import ScheduledEventConfig

    schedules = {
        s.name: s.schedule_expression.to_string() for s in app.event_sources if isinstance(s, ScheduledEventConfig)
    }

    assert schedules["sweep_trash"] == "rate(1 hour)"
