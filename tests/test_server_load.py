"""The load benchmark's contract: 50 concurrent renders against a loopback server all succeed.
(Its latency figures are printed by the script, never asserted.)"""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_fifty_concurrent_render_requests_all_succeed() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "serve_load.py"), "--requests", "50",
                             "--format", "md"], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "50 concurrent md renders: 50 succeeded, 0 failed" in result.stdout
    assert "p95" in result.stdout
