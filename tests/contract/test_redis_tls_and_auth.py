"""Redis as ElastiCache serves it in `aws` mode: over TLS, to a client that gives its AUTH
token, through the same client the adapters use (`BOURSE_REDIS_URL` with `rediss://`, and the
token read from its secret). On a redis-server of the test's own, with a certificate signed by
a CA the test makes (which the URL names as the one to trust)."""

import datetime
import ipaddress
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis.exceptions
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from adapters.redis.client import connect
from benchmarks.servers import free_port

TOKEN = "an-auth-token-of-elasticache"


def _certificate(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: tuple[str, ec.EllipticCurvePrivateKey]
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer[0])]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
    )
    if subject == issuer[0]:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
    else:
        names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), False)
    return builder.sign(issuer[1], hashes.SHA256())


def _write(path: Path, certificate: x509.Certificate) -> Path:
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def tls_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A TLS-only redis-server asking for `TOKEN`; its URL without credentials, and its CA."""
    directory = tmp_path_factory.mktemp("tls-redis")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    server_key = ec.generate_private_key(ec.SECP256R1())
    issuer = ("bourse test CA", ca_key)
    ca = _write(directory / "ca.pem", _certificate("bourse test CA", ca_key, issuer))
    server = _write(directory / "server.pem", _certificate("127.0.0.1", server_key, issuer))
    key = directory / "server.key"
    key.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", "0", "--tls-port", str(port), "--bind", "127.0.0.1",
         "--tls-cert-file", str(server), "--tls-key-file", str(key), "--tls-ca-cert-file", str(ca),
         "--tls-auth-clients", "no", "--requirepass", TOKEN, "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("redis-server did not start with TLS (is it built with TLS support?)")
            time.sleep(0.05)
        yield f"rediss://127.0.0.1:{port}/0", ca
    finally:
        process.terminate()
        process.wait(timeout=10)


async def test_a_client_with_the_token_is_served_over_tls(tls_redis: tuple[str, Path]) -> None:
    url, ca = tls_redis
    client = connect(f"{url}?ssl_ca_certs={ca}", password=TOKEN)
    try:
        await client.set("greeting", "hello")
        assert await client.get("greeting") == b"hello"
    finally:
        await client.aclose()


async def test_a_client_without_the_token_is_refused(tls_redis: tuple[str, Path]) -> None:
    url, ca = tls_redis
    client = connect(f"{url}?ssl_ca_certs={ca}")
    try:
        with pytest.raises(redis.exceptions.AuthenticationError):
            await client.get("greeting")
    finally:
        await client.aclose()


async def test_a_server_whose_certificate_is_not_trusted_is_refused(
    tls_redis: tuple[str, Path],
) -> None:
    url, _ = tls_redis
    client = connect(url, password=TOKEN)
    try:
        with pytest.raises(redis.exceptions.ConnectionError, match="certificate"):
            await client.get("greeting")
    finally:
        await client.aclose()
