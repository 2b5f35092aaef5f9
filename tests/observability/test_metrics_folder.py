"""gunicorn.conf.py empties the metrics folder it is given of prometheus_client's files only:
a folder given by mistake (instance/ itself) keeps the site's database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_given_metrics_folder_loses_only_prometheus_files(tmp_path):
    kept = ["portal.db", "notes.db", "counter_x.db"]
    removed = ["counter_123.db", "gauge_livesum_77.db", "histogram_5.db", "summary_9.db"]
    for name in kept + removed:
        (tmp_path / name).write_bytes(b"data")
    # In a child: the settings file patches the whole interpreter with gevent.
    script = (
        "import runpy; conf = runpy.run_path('gunicorn.conf.py'); conf['_prepare_metrics_dir']()"
    )
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=60)

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)
