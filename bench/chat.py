"""Chat fan-out: one daphne process with channels-redis, 200 sockets in one room, one sender.

Prints fan-out latency (send -> each receiver) p50/p95/p99/max, messages lost (must be 0),
deliveries per second, and beside them the raw Redis PUBLISH -> subscriber round trip measured in
the same run, idle and under the chat load. Loopback only; bounded in time. Needs DATABASE_URL
(PostgreSQL) and REDIS_URL; it migrates that database, adds a "bench-chat" group with 201 people,
and deletes them again at the end.

By default it runs with the project's channel layer (channels_redis.core: one Redis round trip
per delivered event); ``--layers core pubsub`` adds a run on channels_redis.pubsub (one PUBLISH
per group event, fanned out inside the process) to compare the two on the same machine.
``--flood`` runs each layer twice, the second time with one more person flooding the room's
socket with junk frames as fast as it can (reconnecting when closed, as a script would), and
prints the normal clients' p99 with the flooder as a multiple of the p99 without.

    DATABASE_URL=postgres://... REDIS_URL=redis://127.0.0.1:6379/4 SECRET_KEY=x \\
        python bench/chat.py [--clients 200] [--rate 10] [--seconds 15] [--layers core pubsub] \
            [--flood]
"""

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportgroups.settings")

import django  # noqa: E402

django.setup()

import redis.asyncio as aioredis  # noqa: E402
import websockets  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402

from groups.models import Membership, SupportGroup  # noqa: E402
from supportgroups.models import User  # noqa: E402

SLUG = "bench-chat"
HARD_LIMIT_SECONDS = 180


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def make_people(count: int) -> tuple[SupportGroup, list[str]]:
    """The room's members and one signed-in session cookie each (the last one sends)."""
    group, _ = SupportGroup.objects.get_or_create(
        slug=SLUG, defaults={"name": "Bench chat", "summary": "Benchmark", "format": "online"}
    )
    users = []
    for n in range(count):
        user, _ = User.objects.get_or_create(
            email=f"bench-chat-{n}@example.invalid", defaults={"display_name": f"Bench {n}"}
        )
        Membership.objects.get_or_create(user=user, group=group, defaults={"state": "active"})
        users.append(user)
    cookies = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(session.session_key)
    return group, cookies


def clean_up() -> None:
    SupportGroup.objects.filter(slug=SLUG).delete()
    people = User.objects.filter(email__startswith="bench-chat-")
    people.filter(email__endswith="@example.invalid").delete()


PUBSUB_SETTINGS = """from supportgroups.settings import *  # noqa: F403

CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                              "CONFIG": {"hosts": [REDIS_URL]}}}  # noqa: F405
"""


def start_daphne(port: int, layer: str, workdir: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    # The single sender (one "person" at 10 messages a second) must not trip the per-connection
    # limits meant for people; a flooder, thousands of frames a second, still does.
    env.update(CHAT_RATE_LIMIT_BURST="100000", CHAT_RATE_LIMIT_PER_SECOND="100000")
    env.update(CHAT_FRAME_BURST="40", CHAT_FRAMES_PER_SECOND="20")
    if layer == "pubsub":
        Path(workdir, "bench_chat_pubsub_settings.py").write_text(PUBSUB_SETTINGS)
        env.update(
            PYTHONPATH=os.pathsep.join([workdir, str(ROOT)]),
            DJANGO_SETTINGS_MODULE="bench_chat_pubsub_settings",
        )
    command = [sys.executable, *os.environ.get("BENCH_PYTHON_ARGS", "").split(), "-m", "daphne"]
    command += ["-b", "127.0.0.1", "-p", str(port)]
    return subprocess.Popen(
        [*command, "supportgroups.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def wait_for_port(port: int) -> None:
    for _ in range(150):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError("daphne did not start")


async def redis_round_trips(count: int, pause: float = 0.0) -> list[float]:
    """PUBLISH on one connection, time until a subscriber on another connection has it."""
    subscriber = aioredis.from_url(settings.REDIS_URL)
    publisher = aioredis.from_url(settings.REDIS_URL)
    pubsub = subscriber.pubsub()
    await pubsub.subscribe("bench:chat:rtt")
    await pubsub.get_message(timeout=1)  # the subscribe confirmation
    times = []
    for _ in range(count):
        started = time.perf_counter()
        await publisher.publish("bench:chat:rtt", b"x")
        while await pubsub.get_message(timeout=1) is None:
            pass
        times.append(time.perf_counter() - started)
        if pause:
            await asyncio.sleep(pause)
    await pubsub.aclose()
    await subscriber.aclose()
    await publisher.aclose()
    return times


class Receiver:
    def __init__(self, socket, sent_at: dict):
        self.socket = socket
        self.sent_at = sent_at
        self.latencies: list[float] = []
        self.seen: set[int] = set()
        self.last_at = 0.0

    async def run(self) -> None:
        async for raw in self.socket:
            frame = json.loads(raw)
            if frame["type"] != "message":
                continue
            started = self.sent_at.get(frame["message"]["client_msg_id"])
            if started is not None and frame["message"]["id"] not in self.seen:
                self.last_at = time.perf_counter()
                self.latencies.append(self.last_at - started)
                self.seen.add(frame["message"]["id"])


async def open_client(url: str, cookie: str):
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}", "Origin": "http://127.0.0.1"}
    client = await websockets.connect(url, additional_headers=headers, max_queue=None)
    welcome = json.loads(await client.recv())
    assert welcome["type"] == "welcome", welcome
    return client


async def flood(url: str, cookie: str, seconds: float) -> None:
    """Junk frames as fast as the socket takes them for ``seconds``; prints (frames sent, times
    the server closed the socket). Run in a process of its own (--flood-only), so that its
    loop does not slow the measuring clients' loop in this one."""
    sent = closed = 0
    stop = asyncio.Event()
    asyncio.get_running_loop().call_later(seconds, stop.set)
    while not stop.is_set():
        try:
            client = await open_client(url, cookie)
        except websockets.WebSocketException:  # refused for opening the room too often
            await asyncio.sleep(0.5)
            continue
        reader = asyncio.create_task(drain(client))
        try:
            # send() goes on without an error after the server's close frame: the reader ends.
            while not stop.is_set() and not reader.done():
                await client.send('{"type": "heartbeat"}' if sent % 2 else "junk")
                sent += 1
                if sent % 50 == 0:
                    await asyncio.sleep(0)  # let the reader see a close frame
            closed += reader.done()
        except websockets.ConnectionClosed:
            closed += 1
        finally:
            reader.cancel()
            await client.close()
    print(sent, closed)


async def bench(args, layer: str, workdir: str, *, flooding: bool = False) -> tuple[bool, float]:
    """One run; returns (whether every message reached every client, their p99 in seconds)."""
    port = find_free_port()
    group, cookies = await asyncio.to_thread(make_people, args.clients + 2)
    server = start_daphne(port, layer, workdir)
    try:
        await wait_for_port(port)
        url = f"ws://127.0.0.1:{port}/ws/chat/{group.slug}/"
        idle_rtt = await redis_round_trips(1000)

        sent_at: dict[str, float] = {}
        connect_started = time.perf_counter()
        clients = []
        for start in range(0, args.clients, 20):  # 20 handshakes at a time
            batch = cookies[start : min(start + 20, args.clients)]
            clients += await asyncio.gather(*(open_client(url, c) for c in batch))
        connect_seconds = time.perf_counter() - connect_started
        receivers = [Receiver(c, sent_at) for c in clients]
        tasks = [asyncio.create_task(r.run()) for r in receivers]
        sender = await open_client(url, cookies[-1])
        sender_drain = asyncio.create_task(drain(sender))
        flooder = None
        if flooding:
            flood_seconds = str(args.seconds + 2)
            flooder = await asyncio.create_subprocess_exec(
                *[sys.executable, __file__, "--flood-only", url, cookies[-2], flood_seconds],
                stdout=asyncio.subprocess.PIPE,
            )

        total = int(args.rate * args.seconds)
        loaded_rtt_task = asyncio.create_task(redis_round_trips(int(args.seconds * 20), 0.05))
        cpu_at_start = cpu_seconds(server.pid)
        first_send = time.perf_counter()
        for n in range(total):
            target = first_send + n / args.rate
            await asyncio.sleep(max(0.0, target - time.perf_counter()))
            client_msg_id = str(uuid.uuid4())
            sent_at[client_msg_id] = time.perf_counter()
            frame = {"type": "send", "client_msg_id": client_msg_id, "body": f"bench {n}"}
            await sender.send(json.dumps(frame))
        deadline = time.perf_counter() + args.drain
        while time.perf_counter() < deadline:
            if all(len(r.seen) >= total for r in receivers):
                break
            await asyncio.sleep(0.1)
        loaded_rtt = await loaded_rtt_task
        flood_result = None
        if flooder:
            output, _ = await flooder.communicate()
            flood_result = output.decode().split()

        server_cpu = cpu_seconds(server.pid) - cpu_at_start
        latencies = [x for r in receivers for x in r.latencies]
        delivered = len(latencies)
        expected = total * len(receivers)
        last = max((r.last_at for r in receivers), default=first_send)
        for client in [*clients, sender]:
            await client.close()
        for task in [*tasks, sender_drain]:
            task.cancel()
        ms = 1000
        print(
            f"chat fan-out, channels_redis.{layer}: {len(receivers)} clients, 1 sender, "
            f"{total} messages at {args.rate}/s" + (", 1 flooder" if flooding else "")
        )
        if flood_result:
            print(
                f"  flooder: {flood_result[0]} junk frames sent, "
                f"closed by the server {flood_result[1]} times"
            )
        print(f"  connect {len(clients)} sockets: {connect_seconds:.1f} s")
        print(
            f"  fan-out latency p50 {percentile(latencies, 0.5) * ms:.1f} ms, "
            f"p95 {percentile(latencies, 0.95) * ms:.1f} ms, "
            f"p99 {percentile(latencies, 0.99) * ms:.1f} ms, max {max(latencies) * ms:.1f} ms"
        )
        print(f"  messages lost: {expected - delivered} of {expected} deliveries")
        print(
            f"  deliveries/s: {delivered / max(last - first_send, 1e-9):.0f} "
            f"({total / max(last - first_send, 1e-9):.1f} messages/s stored and fanned out)"
        )
        print(
            f"  daphne CPU while sending and draining: {server_cpu:.1f} s, "
            f"{server_cpu / max(delivered, 1) * 1e6:.0f} µs per delivery "
            f"(machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )
        for label, rtt in (("idle", idle_rtt), ("under load", loaded_rtt)):
            print(
                f"  raw Redis PUBLISH round trip ({label}): "
                f"p50 {statistics.median(rtt) * ms:.2f} ms, "
                f"p99 {percentile(rtt, 0.99) * ms:.2f} ms ({len(rtt)} samples)"
            )
        return expected == delivered, percentile(latencies, 0.99)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:  # still busy with a flood
            server.kill()
        await asyncio.to_thread(clean_up)


async def drain(client) -> None:
    async for _ in client:
        pass


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def find_free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0, help="messages per second")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--drain", type=float, default=30.0, help="seconds to wait after sending")
    parser.add_argument("--layers", nargs="+", choices=["core", "pubsub"], default=["core"])
    parser.add_argument("--flood", action="store_true", help="run again with one flooder")
    parser.add_argument("--flood-only", nargs=3, help=argparse.SUPPRESS)  # url cookie seconds
    args = parser.parse_args()
    if args.flood_only:
        url, cookie, seconds = args.flood_only
        asyncio.run(flood(url, cookie, float(seconds)))
        return
    if not (settings.USING_POSTGRES and settings.REDIS_URL):
        raise SystemExit("bench/chat.py needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    call_command("migrate", verbosity=0)
    complete = True
    with tempfile.TemporaryDirectory() as workdir:
        for layer in args.layers:
            run = bench(args, layer, workdir)
            lost_none, p99 = asyncio.run(asyncio.wait_for(run, HARD_LIMIT_SECONDS))
            complete &= lost_none
            if args.flood:
                run = bench(args, layer, workdir, flooding=True)
                lost_none, flooded_p99 = asyncio.run(asyncio.wait_for(run, HARD_LIMIT_SECONDS))
                complete &= lost_none
                print(f"  normal clients' p99 with a flooder: {flooded_p99 / p99:.2f}x without")
    if not complete:
        raise SystemExit("messages were lost")


if __name__ == "__main__":
    main()
