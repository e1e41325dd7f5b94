"""An SMTP server for Carrel's tests: it accepts every message on
127.0.0.1:PORT and writes each to DIR as <n>.eml. Python's standard-library
smtpd (deprecated, but in Debian bookworm's python3) does the protocol.

    python3 test/smtp/sink.py PORT DIR
"""
import asyncore
import os
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
import smtpd  # noqa: E402

port, out = int(sys.argv[1]), sys.argv[2]


class Sink(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        n = len(os.listdir(out))
        tmp = os.path.join(out, ".%d.tmp" % n)
        with open(tmp, "wb") as f:
            f.write(b"X-Rcpt-To: " + ",".join(rcpttos).encode() + b"\r\n" + data)
        os.rename(tmp, os.path.join(out, "%d.eml" % n))


Sink(("127.0.0.1", port), None, decode_data=False)
print("listening", flush=True)
asyncore.loop()
