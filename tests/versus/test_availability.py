"""A bounded run of bench/attack.py: while two attackers send large traces, large uploads and
slow URL imports to gunicorn (2 workers), the readers of a story page get no server error.

Latency is measured and printed by the bench (``bench/attack.py``; figures in the README),
not asserted here: the machine is shared. What must hold on any machine: no 5xx for
anyone, no worker killed by gunicorn's timeout, every reader answered.
"""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "bench"))

import attack  # noqa: E402 - bench/attack.py


@pytest.mark.skipif(shutil.which("nice") is None, reason="the bench runs the worker with nice")
def test_readers_get_no_server_error_while_the_site_is_attacked(capsys):
    figures = attack.run(duration=12, readers=2, database_url=os.environ.get("DATABASE_URL", ""), baseline=3)
    with capsys.disabled():
        print(f"\nattack bench (bounded): {figures}")
    assert figures["server_5xx"] == 0, figures
    assert figures["worker_timeouts"] == 0, figures
    assert figures["reader_requests"] > 0 and set(figures["statuses"]["reader"]) == {200}, figures
    assert not figures["errors"], figures
    # The attackers were answered too, with refusals where they asked too much, never a 500.
    assert figures["statuses"]["tracer"] and figures["statuses"]["uploader"], figures
