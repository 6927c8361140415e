"""Finding #10 (a): `smtp.starttls()` without a context encrypted the on-call alert but checked
neither the server's certificate nor its name, so anyone on the path could read the alert and the
SMTP password. STARTTLS now uses `ssl.create_default_context()`: a server whose certificate the
system does not trust gets nothing, a trusted one gets the alert."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.clock import FIXED_NOW
from zoelife.intake.oncall import Alert, send_email


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject, issuer, key, signer, *, ca: bool):
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(FIXED_NOW - dt.timedelta(days=1))
               .not_valid_after(FIXED_NOW + dt.timedelta(days=3650))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
    return builder.sign(signer, hashes.SHA256())


@pytest.fixture
def pki(tmp_path):
    """A CA and a server certificate for 127.0.0.1 it signed (PEM files)."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("Test CA", "Test CA", ca_key, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _cert("127.0.0.1", "Test CA", key, ca_key, ca=False)
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "server.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "server.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return tmp_path


class _Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def tls_smtp(pki, monkeypatch):
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(pki / "server.pem", pki / "server.key")
    collector = _Collector()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(collector, hostname="127.0.0.1", port=port, tls_context=tls,
                            require_starttls=True)
    controller.start()
    monkeypatch.setenv("ZOELIFE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ZOELIFE_SMTP_PORT", str(port))
    monkeypatch.setenv("ZOELIFE_SMTP_STARTTLS", "1")
    yield collector
    controller.stop()


ALERT = Alert(request_ids=(7,), waiting=1, links=("http://127.0.0.1/request?id=7",))


def test_an_untrusted_certificate_gets_no_alert(tls_smtp, monkeypatch, tmp_path):
    # The system's trust store: anything but the test CA.
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-bundle.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "no-such-dir"))
    with pytest.raises(ssl.SSLCertVerificationError):
        send_email(["oncall@example.org"], ALERT)
    assert tls_smtp.messages == []


def test_a_trusted_certificate_gets_the_alert(tls_smtp, pki, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(pki / "ca.pem"))
    send_email(["oncall@example.org"], ALERT)
    assert len(tls_smtp.messages) == 1
