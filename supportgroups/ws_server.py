"""daphne, stopping gracefully: `python -m supportgroups.ws_server` takes daphne's arguments.

On SIGTERM (an upgrade or a scale-down) plain daphne cancels every socket's consumer mid-flight:
the browser sees the connection drop (1006) and the consumer's own goodbye (leaving the room's
presence, letting go of its groups) never runs. Here every open socket is first closed with 4012
(the standard 1012 "service restart", which autobahn will not send). Pages answer any close but
"forbidden" by reconnecting within a second, to another ws process behind the proxy, and fetch
what they missed; the consumers finish their disconnect normally. Only those still running after
WS_SHUTDOWN_GRACE seconds (default 3) are cancelled, as daphne would.

It also sends each socket's frames as soon as they are written rather than on the reactor's next
turn (`send_frames_cheaply`), which matters when one message goes to a whole room.
"""

import asyncio
import logging
import os
import time

import autobahn.util
from daphne.cli import CommandLineInterface
from daphne.server import Server
from daphne.ws_protocol import WebSocketProtocol
from twisted.internet import defer, tcp

logger = logging.getLogger(__name__)

SERVICE_RESTART = 4012  # RFC 6455 registers 1012 for this; autobahn sends only 1000 and 3000-4999


class GracefulServer(Server):
    grace_seconds = float(os.environ.get("WS_SHUTDOWN_GRACE", "3"))

    def kill_all_applications(self) -> defer.Deferred:
        sockets = [
            protocol
            for protocol in list(self.connections)
            if isinstance(protocol, WebSocketProtocol) and protocol.state == protocol.STATE_OPEN
        ]
        for protocol in sockets:
            protocol.serverClose(code=SERVICE_RESTART)
        logger.info("Shutting down: asked %d sockets to reconnect elsewhere", len(sockets))
        drained = defer.Deferred.fromFuture(asyncio.ensure_future(self._consumers_finished()))
        drained.addErrback(lambda failure: logger.error("Draining failed: %s", failure.value))
        drained.addCallback(lambda _: Server.kill_all_applications(self))
        return drained

    async def _consumers_finished(self) -> None:
        deadline = time.monotonic() + self.grace_seconds
        while time.monotonic() < deadline:
            running = [
                details["application_instance"]
                for details in list(self.connections.values())
                if details.get("application_instance") is not None
                and not details["application_instance"].done()
            ]
            if not running:
                return
            await asyncio.sleep(0.1)


_buffered_write = tcp.Connection.write


def _write_at_once(self: tcp.Connection, data: bytes) -> None:
    """Twisted's TCP write, but sent straight away when nothing waits to go before it.

    Twisted keeps every write until the reactor reports the socket writable: a system call to
    watch the socket, a turn of the loop, the send, and a system call to stop watching. A room's
    message is written once per open socket, so that was a third of the loop's time per
    delivery (bench/chat.py). What the socket cannot take now, and anything written after it,
    still waits in Twisted's buffer, in order; a lost connection is met there too.
    """
    if (
        data
        and not self.TLS
        and self.connected
        and not self._writeDisconnected
        and not self._aborting
        # A pull producer is asked for more only when Twisted's buffer drains.
        and (self.producer is None or self.streamingProducer)
        and not self._tempDataBuffer
        and self.offset == len(self.dataBuffer)
    ):
        sent = self.writeSomeData(data)
        if isinstance(sent, int) and sent > 0:
            if sent == len(data):
                return
            data = data[sent:]
    _buffered_write(self, data)


def send_frames_cheaply() -> None:
    """Each of a room's sockets costs the loop as little as it can per frame sent."""
    tcp.Connection.write = _write_at_once  # type: ignore[method-assign, assignment]
    # autobahn colours the arguments of a debug line for every frame it sends (with click, which
    # Celery brings along), whether or not debug lines are written: a tenth of a delivery. The
    # flag only says whether to colour.
    autobahn.util._HAS_CLICK = False


class GracefulCommandLineInterface(CommandLineInterface):
    server_class = GracefulServer


if __name__ == "__main__":
    send_frames_cheaply()
    GracefulCommandLineInterface.entrypoint()
