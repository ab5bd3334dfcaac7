"""The ws process sends a socket's frame as it is written, not on the reactor's next turn; what
the socket cannot take yet still goes out whole and in order once it can, and a connection the
client has dropped is noticed as before. On real sockets, through Twisted's own TCP connection
and the asyncio reactor daphne runs."""

import asyncio
import socket

import pytest
from twisted.internet import asyncioreactor, tcp
from twisted.internet.protocol import Protocol

from supportgroups.ws_server import _write_at_once


@pytest.fixture
def wire():
    """(the server's side, as Twisted's connection; the client's raw socket; the reactor)."""
    loop = asyncio.new_event_loop()
    reactor = asyncioreactor.AsyncioSelectorReactor(loop)
    server_side, client_side = socket.socketpair()
    connection = tcp.Connection(server_side, Protocol(), reactor)
    connection.connected = True
    client_side.setblocking(False)
    yield connection, client_side, reactor
    connection.stopWriting()
    server_side.close()
    client_side.close()
    loop.close()


def read_all(client: socket.socket) -> bytes:
    received = b""
    while True:
        try:
            chunk = client.recv(1 << 20)
        except BlockingIOError:
            return received
        if not chunk:
            return received
        received += chunk


def test_a_frame_is_on_the_wire_before_the_reactor_turns(wire):
    connection, client, reactor = wire

    _write_at_once(connection, b"a room's message")

    assert read_all(client) == b"a room's message"
    assert connection not in reactor.getWriters()  # nothing left to watch the socket for


def test_what_the_socket_cannot_take_yet_follows_whole_and_in_order(wire):
    connection, client, reactor = wire
    connection.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    big = bytes(range(256)) * 8192  # 2 MiB: far more than the socket takes at once

    _write_at_once(connection, big)
    assert connection in reactor.getWriters()  # the rest waits for the socket to drain
    received = read_all(client)  # room again on the socket, with most of `big` still waiting
    _write_at_once(connection, b"a frame")  # must not jump ahead of it
    assert connection.doWrite() is None  # the reactor's turn: part of the rest goes out
    received += read_all(client)  # room again on the socket, with more of `big` still waiting
    _write_at_once(connection, b"another frame")

    for _ in range(10_000):
        if connection not in reactor.getWriters():
            break
        assert connection.doWrite() is None
        received += read_all(client)
    received += read_all(client)
    assert received == big + b"a frame" + b"another frame"


def test_a_dropped_client_is_noticed_by_the_reactor_as_before(wire):
    connection, client, reactor = wire
    client.close()

    _write_at_once(connection, b"to nobody")  # no exception here, in the middle of a fan-out

    assert connection in reactor.getWriters()
    assert isinstance(connection.doWrite(), Exception)  # Twisted then closes the connection
