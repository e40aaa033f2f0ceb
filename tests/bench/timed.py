#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""tests/bench/timed.py OUT CMD...: run CMD and write "wall user sys
peak-RSS-KiB" to OUT, as /usr/bin/time -f '%e %U %S %M' would, but to the
microsecond: GNU time prints hundredths of a second, and a 1,000-tool run
takes 20 to 50 ms, so its time per tool was mostly rounding.  Exits as CMD
did (128 + N for a signal N)."""
import os
import sys
import time


def main():
    out, cmd = sys.argv[1], sys.argv[2:]
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        except OSError as e:
            sys.stderr.write("timed.py: cannot run %s: %s\n" % (cmd[0], e.strerror))
        os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    with open(out, "w") as f:
        f.write("%.6f %.6f %.6f %d\n" % (wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss))
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main())
