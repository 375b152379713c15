"""Shared by the server tests: a reviewed workbook with one edit, made through the API."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import openpyxl
import pytest

SHEET = "映射-联系人主档"
EDITED_RULE = "转小写、去空格、去掉别名"


def rendered_workbook(client, blueprint: str = "email-marketing") -> bytes:
    response = client.post("/api/v1/guides", json={"blueprint": blueprint, "formats": ["xlsx"], "date": "2026-11-25"})
    assert response.status_code == 200, response.text
    return response.content


def edited_workbook(data: bytes, cell: str = "L4", value: str = EDITED_RULE) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb[SHEET][cell] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(*options: str, wait: float = 60) -> Iterator[str]:
    """`guidegen serve` on a free loopback port, as a user starts it; yields its base URL."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "guidegen", "serve", "--port", str(port), *options],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                urllib.request.urlopen(url + "/api/v1/formats", timeout=5)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    pytest.fail("guidegen serve did not start:\n" + (process.stdout.read() if process.stdout else ""))
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
