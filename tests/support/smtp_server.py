"""A real SMTP server on 127.0.0.1 for the mail tests (aiosmtpd, Debian's python3-aiosmtpd).

usage: smtp_server.py MODE PORT MAILDIR [USER PASSWORD]
  accept    take every message and write it to MAILDIR as N.json (envelope, decoded headers
            and text body, so the test needs no MIME parser of its own)
  refuse    answer every recipient with 550 (a permanent refusal)
  tempfail  answer every recipient with 451 (try again later)
  drop      close the connection when the message data starts

With USER and PASSWORD, a login is required (without TLS: the server is on loopback) and only
that one is accepted. Prints READY once listening. Stops by itself when its stdin closes (the test ended) or after
five minutes, whichever comes first.
"""

import email
import email.policy
import json
import os
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

MODE, PORT, MAILDIR = sys.argv[1], int(sys.argv[2]), sys.argv[3]
LOGIN = (sys.argv[4], sys.argv[5]) if len(sys.argv) > 5 else None


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = (auth_data.login.decode(), auth_data.password.decode()) == LOGIN
    return AuthResult(success=ok)


class Handler:
    def __init__(self):
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if MODE == "refuse":
            return "550 5.1.1 No such mailbox here"
        if MODE == "tempfail":
            return "451 4.3.0 Busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if MODE == "drop":
            server.transport.close()
            return "421 4.3.0 Closing"
        self.count += 1
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        record = {
            "envelope_to": envelope.rcpt_tos,
            "from": str(msg["from"]),
            "to": str(msg["to"]),
            "subject": str(msg["subject"]),
            "message_id": str(msg["message-id"]),
            "content_type": msg.get_content_type(),
            "body": msg.get_body(preferencelist=("plain",)).get_content(),
            "images": [
                {"type": p.get_content_type(), "name": p.get_filename(), "bytes": len(p.get_content())}
                for p in msg.walk()
                if p.get_content_maintype() == "image"
            ],
        }
        path = os.path.join(MAILDIR, f"{self.count}.json")
        with open(path + ".part", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(path + ".part", path)
        return "250 2.0.0 Accepted"


options = {}
if LOGIN:
    options = dict(authenticator=authenticate, auth_required=True, auth_require_tls=False)
controller = Controller(Handler(), hostname="127.0.0.1", port=PORT, **options)
controller.start()
print("READY", flush=True)


def watch_stdin():
    sys.stdin.read()
    os._exit(0)


threading.Thread(target=watch_stdin, daemon=True).start()
time.sleep(300)
controller.stop()
