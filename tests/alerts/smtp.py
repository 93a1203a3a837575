"""A real SMTP server for the tests (aiosmtpd, on the loopback), and waiting for what it gets."""

import asyncio
import email
import socket
import threading
import time
from email import policy


class Inbox:
    """An aiosmtpd handler keeping what it receives; it can refuse recipients or be slow."""

    def __init__(self):
        self.messages = []
        self.refused = {}  # address: the SMTP reply that refuses it, e.g. "550 No such user"
        self.delay = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return self.refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address):
        with self.lock:
            return [message for message in self.messages if message["To"] == address]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout=30, message="timed out"):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.05)
    return result
