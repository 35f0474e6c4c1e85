"""Real Redis: the cache and the Celery broker, when REDIS_URL is set (always in CI)."""

import uuid

import pytest
from django.core.cache import cache

from election_protocol.celery import app

pytestmark = pytest.mark.redis


def test_cache_round_trip_through_redis(settings):
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    key = f"test-{uuid.uuid4()}"
    cache.set(key, {"poll": "2024-05-02"}, 30)
    assert cache.get(key) == {"poll": "2024-05-02"}
    cache.delete(key)
    assert cache.get(key) is None


def test_celery_broker_is_redis_and_reachable(settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
        assert connection.transport_cls == "redis"
