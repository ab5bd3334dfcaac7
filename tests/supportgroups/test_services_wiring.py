"""Celery over the Redis broker with a real worker, channels-redis, and the websocket guard."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.urls import path
from django.utils import timezone

from supportgroups.asgi import application
from supportgroups.celery import app as celery_app
from supportgroups.routing import guarded, websocket_urlpatterns
from supportgroups.tasks import clear_expired_sessions


def make_session(*, expired: bool) -> str:
    store = SessionStore()
    store["x"] = 1
    store.create()
    if expired:
        Session.objects.filter(pk=store.session_key).update(
            expire_date=timezone.now() - timedelta(days=1)
        )
    return store.session_key


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_task_runs_on_a_worker_over_the_redis_broker(celery_worker):
    old = make_session(expired=True)
    current = make_session(expired=False)

    result = clear_expired_sessions.apply_async(ignore_result=False)

    assert result.get(timeout=20) == 1  # the worker's return value, through the result backend
    assert not Session.objects.filter(pk=old).exists()
    assert Session.objects.filter(pk=current).exists()
    assert (
        clear_expired_sessions.apply_async(ignore_result=False).get(timeout=20) == 0
    )  # idempotent


def test_beat_schedules_the_housekeeping_task():
    entry = settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]
    assert entry["task"] in celery_app.tasks


def test_a_message_round_trips_through_the_redis_channel_layer():
    layer = get_channel_layer()
    assert type(layer).__module__ == "channels_redis.pubsub"

    async def round_trip():
        channel = await layer.new_channel()
        await layer.group_add("foundation-test", channel)
        await layer.group_send("foundation-test", {"type": "hello", "text": "över Redis"})
        received = await layer.receive(channel)
        await layer.group_discard("foundation-test", channel)
        return received

    assert async_to_sync(round_trip)() == {"type": "hello", "text": "över Redis"}


class PingConsumer(AsyncJsonWebsocketConsumer):
    """Answers whether the socket's session is signed in: proof that a socket passes the guard
    every route is behind, and with the session's user."""

    async def connect(self):
        await self.accept()

    async def receive_json(self, content, **kwargs):
        user = self.scope.get("user")
        signed_in = bool(user and user.is_authenticated)
        await self.send_json({"type": "pong", "signed_in": signed_in})


with_ping = guarded([path("ws/ping/", PingConsumer.as_asgi()), *websocket_urlpatterns])


async def _ping(headers):
    communicator = WebsocketCommunicator(with_ping, "/ws/ping/", headers=headers)
    connected, _ = await communicator.connect()
    reply = None
    if connected:
        await communicator.send_json_to({"type": "ping"})
        reply = await communicator.receive_json_from()
    await communicator.disconnect()
    return connected, reply


@pytest.mark.django_db(transaction=True)
def test_websocket_refuses_a_foreign_origin_and_accepts_its_own(client, user):
    foreign = [(b"origin", b"https://evil.example"), (b"host", b"localhost")]
    assert async_to_sync(_ping)(foreign) == (False, None)

    own = [(b"origin", b"http://localhost:8000"), (b"host", b"localhost:8000")]
    assert async_to_sync(_ping)(own) == (True, {"type": "pong", "signed_in": False})

    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    signed_in = [*own, (b"cookie", cookie.encode())]
    assert async_to_sync(_ping)(signed_in) == (True, {"type": "pong", "signed_in": True})


async def _handshake(path: str):
    headers = [(b"origin", b"http://localhost:8000"), (b"host", b"localhost:8000")]
    communicator = WebsocketCommunicator(application, path, headers=headers)
    result = await communicator.connect()
    await communicator.wait()  # the application has finished: no exception was left inside it
    return result


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "path", ["/ws/nowhere/", "/ws/chat/", "/ws/chat/a/b/", "/ws/ping", "/", "/ws/%00/", "/ws/é/"]
)
def test_an_unknown_websocket_path_is_refused_cleanly(path):
    assert async_to_sync(_handshake)(path) == (False, 4404)
