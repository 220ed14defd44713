"""bench/quality.py runs as its README line says (it broke once when the align command it
runs in process started to need Django's apps)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO, SEEDS


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds/ is not here")
def test_the_seed_story_checks_run_and_pass():
    done = subprocess.run(
        [sys.executable, "bench/quality.py", "--seeds"], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("PASS ") == 4
    assert "FAIL" not in done.stdout


@pytest.mark.skipif(not (REPO.parent / "shared" / "datasets" / "basil-dev").is_dir(), reason="basil-dev is not here")
def test_the_dev_set_scorer_runs_in_process():
    code = (
        "import sys; sys.path.insert(0, 'bench'); import quality; "
        "quality.USE_VECTORS = False; print('\\n'.join(quality.basil_figures()))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "F1=" in done.stdout
