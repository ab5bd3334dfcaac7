"""`python -m tests.clock MODULE ARGS...` runs MODULE (as `python -m` would) on the test session's
clock: under FAKE_NOW a server a test starts must agree with the test about what time it is."""

import datetime as dt
import os
import runpy
import sys

import time_machine

if __name__ == "__main__":
    if fake_now := os.environ.get("FAKE_NOW"):
        time_machine.travel(dt.datetime.fromisoformat(fake_now), tick=True).start()
    sys.argv = sys.argv[1:]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
