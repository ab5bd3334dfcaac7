"""Chat fan-out: how long a room's message takes from its sender to every open socket.

One sender posts 10 messages a second (--rate) for 15 seconds (--seconds) into one room, through
daphne (as production runs it: `python -m supportgroups.ws_server`), PostgreSQL and
channels-redis, on fresh daphne processes for each scenario:

  room   200 clients on one daphne process
  flood  the same, then again with one more person flooding their socket with junk frames as fast
         as it takes them (reconnecting when closed, as a script would); prints the ratio of the
         normal clients' p99 with the flooder to without
  two    1,000 clients across two daphne processes (the sender on the first)

Each prints send-to-receive latency p50/p95/p99/max, deliveries lost (not heard within --drain
seconds of the last send), duplicated and out of order (all three must be 0), daphne's CPU per
delivery (and how much of it its event loop spent), and the machine's load average at that
moment: the figures mean little on a busy machine, so read them beside it.

The clients are cheap, so that they measure the server rather than themselves: they run in several
processes (--processes), each socket is an asyncio protocol on websockets' sans-I/O layer (no task
per socket), every read is stamped on arrival and decoded only after the run, and each message
carries the moment it was sent (CLOCK_MONOTONIC, one clock for every process on the machine).
Like the page, every client sends a heartbeat every CHAT_HEARTBEAT_SECONDS.

Loopback only; every wait is bounded. It needs PostgreSQL and Redis: it migrates DATABASE_URL's
database, adds a "bench-chat" group and its people, and deletes them at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/supportgroups \\
    REDIS_URL=redis://127.0.0.1:6379/0 SECRET_KEY=bench \\
        .venv/bin/python bench/chat.py [--scenarios room flood two] [--seconds 15] [--rate 10] \\
            [--processes 4] [--layer project|core|pubsub] [--clients N]

--clients runs every scenario with that many clients instead: on a machine too loaded for 200
sockets to finish their handshakes within daphne's 5 s, compare CPU per delivery at fewer.

--layer runs daphne on the project's channel layer (the default), or on channels_redis.core or
channels_redis.pubsub, to compare them on the same machine.
"""

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from websockets.client import ClientProtocol
from websockets.exceptions import InvalidHandshake
from websockets.frames import Opcode
from websockets.http11 import Response
from websockets.protocol import State
from websockets.typing import Origin
from websockets.uri import parse_uri

ROOT = Path(__file__).resolve().parents[1]
SLUG = "bench-chat"
ORIGIN = Origin("http://127.0.0.1")
SCENARIOS = {
    # name: (clients, daphne processes)
    "room": (200, 1),
    "flood": (200, 1),
    "two": (1000, 2),
}
# Handshakes in flight per client process. Each costs the server a catch-up from the database,
# all in one thread per daphne; more at once only makes them wait past daphne's 5 s.
CONNECTS_AT_ONCE = 5
HARD_LIMIT_SECONDS = 300  # per scenario, whatever happens


def clock() -> float:
    """One clock for every process on this machine (time.monotonic promises that only within
    one process)."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def load_average() -> str:
    return f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


# --- the clients ---------------------------------------------------------------------------


class BenchSocket(asyncio.Protocol):
    """One chat socket: websockets' protocol state machine driven straight from the event loop's
    callbacks. Text frames are kept as they arrive, with the moment they did."""

    def __init__(self, url: str, cookie_header: str):
        self.protocol = ClientProtocol(parse_uri(url), origin=ORIGIN, max_size=None)
        self.request = self.protocol.connect()
        self.request.headers["Cookie"] = cookie_header
        self.transport: asyncio.Transport | None = None
        loop = asyncio.get_running_loop()
        self.welcomed = loop.create_future()  # the welcome frame: this socket is in the room
        self.closed = loop.create_future()
        self.frames: list[tuple[float, bytes]] = []
        self.messages = 0  # message frames so far, counted without decoding them
        self.on_message = lambda: None

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.protocol.send_request(self.request)
        self._flush()

    def data_received(self, data: bytes) -> None:
        arrived = clock()
        self.protocol.receive_data(data)
        for event in self.protocol.events_received():
            if isinstance(event, Response):
                if self.protocol.handshake_exc is not None:
                    self._fail(self.protocol.handshake_exc)
            elif event.opcode is Opcode.TEXT:
                if not self.welcomed.done():
                    self.welcomed.set_result(event.data)
                    continue
                self.frames.append((arrived, event.data))
                if event.data.startswith(b'{"type": "message"'):
                    self.messages += 1
                    self.on_message()
        self._flush()  # pongs and the closing handshake

    def connection_lost(self, exc) -> None:
        self.protocol.receive_eof()
        self._fail(ConnectionError(f"closed before the welcome: {exc}"))
        if not self.closed.done():
            self.closed.set_result(None)

    def _fail(self, error: Exception) -> None:
        if not self.welcomed.done():
            self.welcomed.set_exception(error)

    def _flush(self) -> None:
        for data in self.protocol.data_to_send():
            if data:
                self.transport.write(data)
            elif self.transport.can_write_eof():
                self.transport.write_eof()

    def send_text(self, text: str) -> None:
        self.protocol.send_text(text.encode())
        self._flush()

    async def close(self) -> None:
        if self.protocol.state is State.OPEN:
            self.protocol.send_close()
            self._flush()
        if not self.closed.done():
            try:
                await asyncio.wait_for(asyncio.shield(self.closed), 5)
            except TimeoutError:
                self.transport.abort()


async def connect(url: str, cookie_header: str) -> BenchSocket:
    host, port = url.split("/")[2].split(":")
    _, bench_socket = await asyncio.get_running_loop().create_connection(
        lambda: BenchSocket(url, cookie_header), host, int(port)
    )
    await asyncio.wait_for(bench_socket.welcomed, 60)
    return bench_socket


async def connect_patiently(url: str, cookie_header: str, tries: list[int]) -> BenchSocket:
    """Connect, trying again a few times as the page would: daphne resets a handshake that its
    application has not answered within 5 s, as a busy server may not."""
    for attempt in range(5):
        tries.append(attempt)
        try:
            return await connect(url, cookie_header)
        except (OSError, TimeoutError, InvalidHandshake):
            if attempt == 4:
                raise
            await asyncio.sleep(1 + attempt)
    raise AssertionError("unreachable")


async def heartbeats(sockets: list[BenchSocket], every: float) -> None:
    """Each socket's heartbeat, as chat.js sends it, at a phase of its own."""
    started = clock()
    due = sorted((started + random.uniform(0, every), n) for n in range(len(sockets)))
    while True:
        at, n = due.pop(0)
        await asyncio.sleep(max(0.0, at - clock()))
        sockets[n].send_text('{"type": "heartbeat"}')
        due.append((at + every, n))


def summarise(sockets: list[BenchSocket], total: int) -> dict:
    """Every socket's latencies and what it lacked, held twice or heard out of order."""
    latencies, lost, duplicated, out_of_order = [], 0, 0, 0
    for bench_socket in sockets:
        seen: set[int] = set()
        last_id = 0
        for arrived, data in bench_socket.frames:
            frame = json.loads(data)
            if frame["type"] != "message":
                continue
            _, n, sent = frame["message"]["body"].split()
            if int(n) in seen:
                duplicated += 1
                continue
            seen.add(int(n))
            latencies.append(round(arrived - float(sent), 6))
            out_of_order += frame["message"]["id"] < last_id
            last_id = max(last_id, frame["message"]["id"])
        lost += total - len(seen)
    return {
        "latencies": latencies,
        "lost": lost,
        "duplicated": duplicated,
        "out_of_order": out_of_order,
    }


async def run_receivers(config: dict) -> None:
    """One client process: open its sockets, say "ready", hear every message (or be told
    "stop"), then print what it heard as one JSON line."""
    sockets: list[BenchSocket] = []
    tries: list[int] = []
    pairs = list(zip(config["urls"], config["cookies"], strict=True))
    for start in range(0, len(pairs), CONNECTS_AT_ONCE):
        batch = pairs[start : start + CONNECTS_AT_ONCE]
        sockets += await asyncio.gather(*(connect_patiently(u, c, tries) for u, c in batch))
    complete = asyncio.Event()
    total = config["total"]

    def on_message() -> None:
        if all(s.messages >= total for s in sockets):
            complete.set()

    for bench_socket in sockets:
        bench_socket.on_message = on_message
    beating = asyncio.create_task(heartbeats(sockets, config["heartbeat_seconds"]))
    print("ready", flush=True)
    stop = asyncio.create_task(asyncio.to_thread(sys.stdin.readline))
    done = asyncio.create_task(complete.wait())
    await asyncio.wait([stop, done], timeout=HARD_LIMIT_SECONDS, return_when="FIRST_COMPLETED")
    beating.cancel()
    print("done", flush=True)
    await asyncio.gather(*(s.close() for s in sockets))
    print(json.dumps({**summarise(sockets, total), "retries": sum(map(bool, tries))}), flush=True)


async def flood(url: str, cookie_header: str, seconds: float) -> None:
    """Junk frames as fast as the socket takes them for ``seconds``, reconnecting whenever the
    server closes the socket; prints (frames sent, times closed). A process of its own, so
    that it competes with the server rather than with the measuring clients."""
    sent = closed = 0
    stop_at = clock() + seconds
    while clock() < stop_at:
        try:
            flooder = await connect(url, cookie_header)
        except (ConnectionError, InvalidHandshake):  # refused: it opened the room too often
            await asyncio.sleep(0.5)
            continue
        while clock() < stop_at and flooder.protocol.state is State.OPEN:
            flooder.send_text('{"type": "heartbeat"}' if sent % 2 else "junk")
            sent += 1
            # Wait while the kernel's buffer is full, as a blocking send would.
            while flooder.transport.get_write_buffer_size() > 65536:
                await asyncio.sleep(0.001)
            if sent % 50 == 0:
                await asyncio.sleep(0)  # let the server's close frame in
        closed += flooder.protocol.state is not State.OPEN
        await flooder.close()
    print(sent, closed, flush=True)


# --- the servers and the run ----------------------------------------------------------------


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportgroups.settings")
    import django

    django.setup()


def make_people(count: int) -> list[str]:
    """The room's members, each with a signed-in session; returns their Cookie headers."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from groups.models import Membership, SupportGroup
    from supportgroups.models import User

    group, _ = SupportGroup.objects.get_or_create(
        slug=SLUG, defaults={"name": "Bench chat", "summary": "Benchmark", "format": "online"}
    )
    headers = []
    for n in range(count):
        user, _ = User.objects.get_or_create(
            email=f"bench-chat-{n}@example.invalid", defaults={"display_name": f"Bench {n}"}
        )
        Membership.objects.get_or_create(user=user, group=group, defaults={"state": "active"})
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        headers.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    return headers


def clean_up() -> None:
    from groups.models import SupportGroup
    from supportgroups.models import User

    SupportGroup.objects.filter(slug=SLUG).delete()
    people = User.objects.filter(email__startswith="bench-chat-")
    people.filter(email__endswith="@example.invalid").delete()


LAYERS = {
    "core": "channels_redis.core.RedisChannelLayer",
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}


def start_daphne(port: int, layer: str, workdir: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    # The one sender (a room's worth of people, at 10 messages a second) must not trip the
    # per-connection limits meant for one person; the flooder, thousands of frames a second,
    # still does.
    env.update(CHAT_RATE_LIMIT_BURST="100000", CHAT_RATE_LIMIT_PER_SECOND="100000")
    env.update(CHAT_FRAME_BURST="40", CHAT_FRAMES_PER_SECOND="20")
    if layer in LAYERS:
        Path(workdir, "bench_chat_settings.py").write_text(
            "from supportgroups.settings import *  # noqa: F403\n\n"
            f'CHANNEL_LAYERS["default"]["BACKEND"] = "{LAYERS[layer]}"  # noqa: F405\n'
        )
        env.update(
            PYTHONPATH=os.pathsep.join([workdir, str(ROOT)]),
            DJANGO_SETTINGS_MODULE="bench_chat_settings",
        )
    command = [sys.executable, "-m", "supportgroups.ws_server", "-b", "127.0.0.1", "-p", str(port)]
    with server_log(workdir, port).open("w") as log:
        return subprocess.Popen(
            [*command, "supportgroups.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


def server_log(workdir: str, port: int) -> Path:
    return Path(workdir, f"daphne-{port}.log")


async def wait_for_port(port: int) -> None:
    for _ in range(300):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError("daphne did not start")


def cpu_seconds(pid: int, thread: int | None = None) -> float:
    """User + system CPU time so far of a process, or of one of its threads (Linux /proc)."""
    path = f"/proc/{pid}/task/{thread}/stat" if thread else f"/proc/{pid}/stat"
    fields = Path(path).read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def daphne_cpu(servers: list[subprocess.Popen]) -> tuple[float, float]:
    """CPU seconds of the daphne processes so far: in all, and in their event loops (the main
    thread; database calls run in another)."""
    return (
        sum(cpu_seconds(server.pid) for server in servers),
        sum(cpu_seconds(server.pid, server.pid) for server in servers),
    )


def find_free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def spawn(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=2**28,  # a client process's results come as one line
    )


async def expect_line(process: asyncio.subprocess.Process, word: str, timeout: float) -> None:
    line = (await asyncio.wait_for(process.stdout.readline(), timeout)).decode().strip()
    if line != word:
        raise RuntimeError(f"a client process said {line!r} rather than {word!r}")


async def scenario(args, cookies: list[str], clients: int, daphnes: int, flooding: bool) -> dict:
    """One run on fresh daphne processes; returns the latencies and the counts."""
    from django.conf import settings

    ports = [find_free_port() for _ in range(daphnes)]
    servers = [start_daphne(port, args.layer, args.workdir) for port in ports]
    receivers: list[asyncio.subprocess.Process] = []
    sender = None
    try:
        for port in ports:
            await wait_for_port(port)
        urls = [f"ws://127.0.0.1:{port}/ws/chat/{SLUG}/" for port in ports]
        total = int(args.rate * args.seconds)
        processes = min(args.processes, clients)
        connect_started = clock()
        for n in range(processes):
            mine = range(n, clients, processes)
            config = {
                "urls": [urls[i % daphnes] for i in mine],
                "cookies": [cookies[i] for i in mine],
                "total": total,
                "heartbeat_seconds": settings.CHAT_HEARTBEAT_SECONDS,
            }
            process = await spawn("--receive")
            process.stdin.write(json.dumps(config).encode() + b"\n")
            receivers.append(process)
        for process in receivers:
            await expect_line(process, "ready", HARD_LIMIT_SECONDS)
        connect_seconds = clock() - connect_started
        sender = await connect_patiently(urls[0], cookies[-1], [])
        flooder = None
        if flooding:
            flooder = await spawn("--flood", urls[0], cookies[-2], str(args.seconds + 2))

        cpu_before = daphne_cpu(servers)
        first = clock()
        for n in range(total):
            await asyncio.sleep(max(0.0, first + n / args.rate - clock()))
            frame = {"type": "send", "client_msg_id": f"{random.getrandbits(128):032x}"}
            sender.send_text(json.dumps({**frame, "body": f"bench {n} {clock():.6f}"}))
        results = await asyncio.gather(*(finish(p, args.drain) for p in receivers))
        cpu = [
            after - before for after, before in zip(daphne_cpu(servers), cpu_before, strict=True)
        ]
        load = load_average()
        flood_counts = None
        if flooder:
            output, _ = await asyncio.wait_for(flooder.communicate(), args.seconds + 30)
            flood_counts = output.decode().split()
    except Exception:
        for port in ports:
            print(f"--- the end of daphne's log on port {port}:", file=sys.stderr)
            print(*server_log(args.workdir, port).read_text().splitlines()[-40:], sep="\n")
        raise
    finally:
        if sender:
            await sender.close()
        for process in receivers:
            if process.returncode is None:
                process.kill()
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:  # still busy with a flood
                server.kill()
    counts = ("lost", "duplicated", "out_of_order", "retries")
    merged = {key: sum(r[key] for r in results) for key in counts}
    latencies = [x for r in results for x in r["latencies"]]
    return {
        **merged,
        "latencies": latencies,
        "expected": total * clients,
        "total": total,
        "connect_seconds": connect_seconds,
        "cpu_per_delivery": [seconds / max(len(latencies), 1) for seconds in cpu],
        "load": load,
        "flood": flood_counts,
    }


async def finish(process: asyncio.subprocess.Process, drain: float) -> dict:
    """A client process's results: once all its sockets have every message, or ``drain``
    seconds after the last was sent."""
    try:
        await expect_line(process, "done", drain)
    except TimeoutError:
        process.stdin.write(b"stop\n")
        await expect_line(process, "done", 10)
    process.stdin.close()  # ends its wait for "stop"
    output = await asyncio.wait_for(process.stdout.readline(), 60)
    await process.wait()
    return json.loads(output)


def report(title: str, result: dict) -> float:
    ms = 1000
    latencies = result["latencies"]
    p99 = percentile(latencies, 0.99)
    print(f"{title} ({result['load']})")
    if result["flood"]:
        sent, closed = result["flood"]
        print(f"  flooder: {sent} junk frames, its socket closed by the server {closed} times")
    print(
        f"  sockets connected in {result['connect_seconds']:.1f} s "
        f"({result['retries']} handshakes tried again)"
    )
    print(
        f"  send to receive: p50 {percentile(latencies, 0.5) * ms:.1f} ms, "
        f"p95 {percentile(latencies, 0.95) * ms:.1f} ms, p99 {p99 * ms:.1f} ms, "
        f"max {max(latencies, default=float('nan')) * ms:.1f} ms"
    )
    print(
        f"  deliveries: {len(latencies)} of {result['expected']}; lost {result['lost']}, "
        f"duplicated {result['duplicated']}, out of order {result['out_of_order']}"
    )
    cpu, loop_cpu = result["cpu_per_delivery"]
    print(
        f"  daphne CPU per delivery: {cpu * 1e6:.0f} µs, {loop_cpu * 1e6:.0f} µs of it in the loop"
    )
    return p99


async def bench(args) -> bool:
    from asgiref.sync import sync_to_async

    clients = args.clients or max(SCENARIOS[name][0] for name in args.scenarios)
    cookies = await sync_to_async(make_people)(clients + 2)  # then the flooder, the sender
    faultless = True
    try:
        for name in args.scenarios:
            count, daphnes = SCENARIOS[name]
            count = args.clients or count
            title = (
                f"{count} clients, {daphnes} daphne process{'es' if daphnes > 1 else ''}, "
                f"{int(args.rate * args.seconds)} messages at {args.rate:g}/s"
            )
            runs = [False, True] if name == "flood" else [False]
            p99s = []
            for flooding in runs:
                run = scenario(args, cookies, count, daphnes, flooding)
                result = await asyncio.wait_for(run, HARD_LIMIT_SECONDS)
                label = f"{title}, one flooder" if flooding else title
                p99s.append(report(label, result))
                faultless &= not (result["lost"] or result["duplicated"] or result["out_of_order"])
            if len(p99s) == 2:
                print(f"  normal clients' p99 with the flooder: {p99s[1] / p99s[0]:.2f}x without")
    finally:
        await sync_to_async(clean_up)()
    return faultless


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", nargs="+", choices=SCENARIOS, default=list(SCENARIOS))
    parser.add_argument("--rate", type=float, default=10.0, help="messages per second")
    parser.add_argument("--seconds", type=float, default=15.0, help="of sending")
    parser.add_argument("--drain", type=float, default=30.0, help="seconds to wait after")
    parser.add_argument("--processes", type=int, default=4, help="client processes")
    parser.add_argument(
        "--clients", type=int, help="in every scenario, instead of its own (a loaded machine)"
    )
    parser.add_argument("--layer", choices=["project", *LAYERS], default="project")
    parser.add_argument("--receive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--flood", nargs=3, help=argparse.SUPPRESS)  # url cookie seconds
    args = parser.parse_args()
    if args.receive:
        asyncio.run(run_receivers(json.loads(sys.stdin.readline())))
        return
    if args.flood:
        url, cookie, seconds = args.flood
        asyncio.run(flood(url, cookie, float(seconds)))
        return
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    if not (settings.USING_POSTGRES and settings.REDIS_URL):
        raise SystemExit("bench/chat.py needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory() as args.workdir:
        faultless = asyncio.run(bench(args))
    if not faultless:
        raise SystemExit("messages were lost, duplicated or out of order")


if __name__ == "__main__":
    main()
