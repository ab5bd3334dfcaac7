"""gunicorn settings for the `web` service: /metrics adds up every worker's figures
(prometheus_client's multiprocess mode, on when PROMETHEUS_MULTIPROC_DIR is set)."""

import os
import shutil


def on_starting(server):
    # Figures of workers from an earlier start would be added to this one's.
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
