"""A push service of our own for tests: an HTTP server on the loopback that keeps every request
(the encrypted push) and answers with the status a test asks for, plus a device whose keys the
test holds, so it can decrypt what arrived and check the site's VAPID signature."""

import base64
import json
import os
import queue
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class PushService:
    server: ThreadingHTTPServer
    received: "queue.Queue[Received]" = field(default_factory=queue.Queue)
    # Statuses to answer with, in order; 201 once they run out.
    answers: list[int] = field(default_factory=list)

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def next(self, timeout: float = 10) -> Received:
        return self.received.get(timeout=timeout)

    def nothing_more(self) -> bool:
        return self.received.empty()


def start() -> PushService:
    service: PushService

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {key.lower(): value for key, value in self.headers.items()}
            service.received.put(Received(path=self.path, headers=headers, body=body))
            status = service.answers.pop(0) if service.answers else 201
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service = PushService(server=server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return service


@dataclass
class Device:
    """What a browser keeps for its subscription: the private half the site never sees."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def decrypt(self, received: Received) -> dict:
        assert received.headers["content-encoding"] == "aes128gcm"
        plain = http_ece.decrypt(
            received.body,
            private_key=self.private_key,
            auth_secret=self.auth_secret,
            version="aes128gcm",
        )
        return json.loads(plain)


def new_device(service: PushService) -> Device:
    return Device(
        endpoint=f"{service.origin}/push/{b64url(os.urandom(12))}",
        private_key=ec.generate_private_key(ec.SECP256R1()),
        auth_secret=os.urandom(16),
    )


def verified_vapid_claims(received: Received, *, public_key: str) -> dict:
    """The JWT in `Authorization: vapid t=..., k=...`, checked against the site's public key
    (an ES256 signature over header.payload). Returns the claims."""
    scheme, _, params = received.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    parts = dict(part.strip().split("=", 1) for part in params.split(","))
    assert parts["k"] == public_key, "signed with another key than the one browsers were given"
    header, payload, signature = parts["t"].split(".")
    raw = b64url_decode(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(public_key))
    try:
        key.verify(der, f"{header}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as error:
        raise AssertionError("the VAPID signature does not verify") from error
    assert json.loads(b64url_decode(header))["alg"] == "ES256"
    return json.loads(b64url_decode(payload))
