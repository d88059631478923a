"""The emulator's multipart parser against the stdlib's ``email`` parser, on one upload.

    python bench/multipart_vs_email.py hand|email

Prints, for 0.1, 10 and 60 MB, the CPU of parsing and the peak memory above the body's (run each
parser in its own process: peak memory only grows). Read in docs/decisions/0002-emulator-on-libraries.md.
"""

from __future__ import annotations

import email.parser
import email.policy
import os
import resource
import sys
import time

from asst_deploy.emulator import multipart

BOUNDARY = "----b0undary"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def upload(size: int) -> tuple[bytes, bytes]:
    data = os.urandom(size)
    head = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="docs/a.md"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n")
    return head.encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode(), data


def by_email(body: bytes) -> bytes:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {CONTENT_TYPE}\r\n\r\n".encode() + body)
    return [part.get_payload(decode=True) for part in message.iter_parts()][1]


def main() -> None:
    parse = by_email if sys.argv[1] == "email" else (lambda body: multipart.parse(CONTENT_TYPE, body)[1].data)
    for size in (100_000, 10_000_000, 60_000_000):
        body, data = upload(size)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.process_time()
        assert parse(body) == data
        cpu = time.process_time() - start
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024
        print(f"{sys.argv[1]} {size / 1e6:g} MB: {cpu * 1e3:.1f} ms, peak +{grown} MB")


if __name__ == "__main__":
    main()
