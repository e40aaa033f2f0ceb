#!/usr/bin/python3
"""summary.py RAW VERSION: the bench's medians, ratios and goals as Markdown.

RAW has one line per timed run: place, tools, command, run, and
tests/bench/timed.c's "wall user sys maxrss_kb" (as /usr/bin/time's).
"""
import statistics
import sys
from collections import defaultdict

ORDER = ["reference", "sign-each", "build", "rebuild", "diff", "diff-1%", "verify", "start"]
# commands that handle the tools (start only starts a process)
PER_TOOL = ORDER[:-1]
# (what, command, place, tools, value key, limit, compare)
GOALS = [
    ("fresh --sign-each build, times faster than the reference", "sign-each", "tmpfs", 100000, "speedup", 4.0, ">="),
    ("fresh signed build, times faster than the reference", "build", "tmpfs", 100000, "speedup", 6.0, ">="),
    ("user+sys per tool, plain signed build (us)", "build", "tmpfs", 100000, "us_tool", 25.0, "<="),
    ("no-change rebuild (s)", "rebuild", "tmpfs", 100000, "wall", 1.5, "<="),
    ("diff, no changes (s)", "diff", "tmpfs", 100000, "wall", 1.5, "<="),
    ("verify (s)", "verify", "tmpfs", 100000, "wall", 1.5, "<="),
    ("diff, 1% changed (s)", "diff-1%", "tmpfs", 100000, "wall", 2.0, "<="),
    ("CPU/wall of a fresh --sign-each build", "sign-each", "tmpfs", 100000, "cpu_wall", 1.7, ">="),
]


def load(path):
    runs = defaultdict(list)
    with open(path) as f:
        for line in f:
            place, n, cmd, _run, t = line.rstrip("\n").split("\t")
            wall, user, sys_, rss = t.split()
            runs[(place, int(n), cmd)].append(
                (float(wall), float(user) + float(sys_), int(rss) / 1024.0))
    return runs


def stats(rs, n):
    wall = statistics.median(r[0] for r in rs)
    cpu = statistics.median(r[1] for r in rs)
    return {
        "wall": wall, "cpu": cpu, "us_tool": cpu / n * 1e6,
        "cpu_wall": statistics.median(r[1] / r[0] if r[0] > 0 else 0 for r in rs),
        "rss": statistics.median(r[2] for r in rs),
        "min": min(r[0] for r in rs), "max": max(r[0] for r in rs), "runs": len(rs),
    }


def main():
    runs = load(sys.argv[1])
    blocks = sorted({(p, n) for p, n, _ in runs}, key=lambda b: (b[0] != "tmpfs", b[1]))
    table = {}
    print("# toolsync benchmarks (%s)" % sys.argv[2])
    print()
    print("Medians of interleaved runs; `vs reference` is the reference's wall "
          "time divided by toolsync's, then its user+sys time divided by toolsync's "
          "(steadier when the machine is busy).")
    for place, n in blocks:
        print()
        print("## %d tools, %s" % (n, place))
        print()
        print("| command | wall | min-max | user+sys | per tool | CPU/wall | peak RSS | vs reference | runs |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        ref = runs.get((place, n, "reference"))
        refw = stats(ref, n)["wall"] if ref else None
        refc = stats(ref, n)["cpu"] if ref else None
        for cmd in ORDER:
            if (place, n, cmd) not in runs:
                continue
            s = stats(runs[(place, n, cmd)], n)
            s["speedup"] = refw / s["wall"] if refw and cmd in ("sign-each", "build") else None
            s["cpu_speedup"] = (refc / s["cpu"] if refc and s["cpu"] and
                                cmd in ("sign-each", "build") else None)
            table[(place, n, cmd)] = s
            print("| %s | %.2f s | %.2f-%.2f | %.2f s | %.1f us | %.2f | %.1f MB | %s | %d |" % (
                cmd, s["wall"], s["min"], s["max"], s["cpu"], s["us_tool"], s["cpu_wall"],
                s["rss"], "%.2fx, %.2fx" % (s["speedup"], s["cpu_speedup"] or 0)
                if s["speedup"] else "", s["runs"]))
    sizes = sorted({n for _, n in blocks})
    if len(sizes) > 1:
        print()
        print("## Time per tool across sizes (wall, us; worst/best)")
        print()
        print("| place | command | %s | worst/best |" % " | ".join("%d" % n for n in sizes))
        print("|---|---|%s---:|" % ("---:|" * len(sizes)))
        for place in sorted({p for p, _ in blocks}):
            for cmd in PER_TOOL:
                per = [table[(place, n, cmd)]["wall"] / n * 1e6 for n in sizes
                       if (place, n, cmd) in table]
                if len(per) == len(sizes):
                    print("| %s | %s | %s | %.2f |" % (place, cmd, " | ".join(
                        "%.1f" % x for x in per), max(per) / min(per)))
    if len(sizes) > 1 and any(cmd == "start" for _, _, cmd in table):
        print()
        print("## Time per tool beyond starting a process (wall minus `start`'s, us)")
        print()
        print("Starting any process costs the same at every size (`start`: "
              "`toolsync --version`); the goals are judged on the table above.")
        print()
        print("| place | command | %s | worst/best |" % " | ".join("%d" % n for n in sizes))
        print("|---|---|%s---:|" % ("---:|" * len(sizes)))
        for place in sorted({p for p, _ in blocks}):
            for cmd in PER_TOOL:
                if cmd == "reference":
                    continue
                per = [(table[(place, n, cmd)]["wall"] - table[(place, n, "start")]["wall"])
                       / n * 1e6 for n in sizes
                       if (place, n, cmd) in table and (place, n, "start") in table]
                if len(per) == len(sizes) and min(per) > 0:
                    print("| %s | %s | %s | %.2f |" % (place, cmd, " | ".join(
                        "%.1f" % x for x in per), max(per) / min(per)))
    goals = [g for g in GOALS if (g[2], g[3], g[1]) in table and
             table[(g[2], g[3], g[1])].get(g[4]) is not None]
    if goals:
        print()
        print("## Goals (issue #14)")
        print()
        print("| goal | measured | limit | met |")
        print("|---|---:|---:|---|")
        for what, cmd, place, n, key, limit, cmp in goals:
            v = table[(place, n, cmd)][key]
            ok = v >= limit if cmp == ">=" else v <= limit
            print("| %s, %d tools, %s | %.2f | %s %.2f | %s |" % (
                what, n, place, v, cmp, limit, "yes" if ok else "NO"))
        worst = max(s["rss"] for k, s in table.items() if k[2] != "reference")
        print("| peak RSS of any toolsync command (MB) | %.1f | <= 128.00 | %s |" % (
            worst, "yes" if worst <= 128 else "NO"))
        sizes = sorted({n for p, n, _ in table if p == "tmpfs"})
        if len(sizes) > 1:
            for cmd in PER_TOOL[1:]:
                per = [table[("tmpfs", n, cmd)]["wall"] / n for n in sizes
                       if ("tmpfs", n, cmd) in table]
                if len(per) == len(sizes):
                    v = max(per) / min(per)
                    print("| time per tool across %s tools, worst/best, %s, tmpfs | %.2f "
                          "| <= 1.50 | %s |" % (" to ".join("{:,}".format(n) for n in
                                                   (sizes[0], sizes[-1])), cmd, v,
                                                   "yes" if v <= 1.5 else "NO"))


if __name__ == "__main__":
    main()
