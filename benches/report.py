#!/usr/bin/env python3
"""Generate benches/REPORT.md (and its SVG plots) from criterion's saved estimates and the peer
run of benches/peers.sh. Never edit REPORT.md by hand: run

    cargo bench -- --warm-up-time 0.5 --measurement-time 2     # target/criterion/**/new/
    benches/peers.sh                                           # target/peers.json
    python3 benches/report.py

Standard library only."""

import datetime
import glob
import json
import os
import platform
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRITERION = os.path.join(ROOT, "target", "criterion")
PEERS = os.path.join(ROOT, "target", "peers.json")
OUT = os.path.join(ROOT, "benches", "REPORT.md")
PLOTS = os.path.join(ROOT, "benches", "report")

# Issue 16's targets.
WRITE_MEMORY_TARGET = 3e9  # bytes/s
FILE_VS_CP_TARGET = 1.25
BUILD_VS_XORRISO_TARGET = 0.5
ATTACH_VS_PLAIN_TARGET = 1.5


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "?"


def machine():
    cpu = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = "?"
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal"):
            mem = "%.1f GiB" % (int(line.split()[1]) / 1048576)
    fs = run(["df", "--output=fstype", os.path.join(ROOT, "target")]).splitlines()
    return [
        ("CPU", "%s, %d logical cores" % (cpu, os.cpu_count() or 0)),
        ("Memory", mem),
        ("Kernel", platform.release()),
        ("Compiler", run(["rustc", "--version"])),
        ("target/ file system", fs[-1] if fs else "?"),
        ("Transparent huge pages", open("/sys/kernel/mm/transparent_hugepage/enabled").read().strip()
         if os.path.exists("/sys/kernel/mm/transparent_hugepage/enabled") else "?"),
    ]


def load_criterion():
    """Every bench's id, throughput and mean-time estimate (ns) with its confidence interval."""
    benches = []
    for path in sorted(glob.glob(os.path.join(CRITERION, "**", "new", "benchmark.json"), recursive=True)):
        folder = os.path.dirname(path)
        meta = json.load(open(path))
        estimates = json.load(open(os.path.join(folder, "estimates.json")))
        mean = estimates["mean"]
        ci = mean["confidence_interval"]
        throughput = meta.get("throughput") or {}
        kind, amount = next(iter(throughput.items())) if throughput else (None, None)
        benches.append({
            "group": meta["group_id"],
            "id": meta["full_id"],
            "name": meta["full_id"][len(meta["group_id"]) + 1:],
            "kind": kind,
            "amount": amount,
            "ns": mean["point_estimate"],
            "ns_lo": ci["lower_bound"],
            "ns_hi": ci["upper_bound"],
            "level": ci["confidence_level"],
        })
    return benches


def rate(b):
    """(point, low, high) per second of the bench's throughput unit."""
    per = b["amount"] * 1e9
    return per / b["ns"], per / b["ns_hi"], per / b["ns_lo"]


def human_bytes(x):
    for unit, scale in (("GB/s", 1e9), ("MB/s", 1e6), ("kB/s", 1e3)):
        if x >= scale:
            return "%.2f %s" % (x / scale, unit)
    return "%.0f B/s" % x


def human_rate(b, x):
    if b["kind"] in ("Bytes", "BytesDecimal"):
        return human_bytes(x)
    unit = "cmd/s" if b["group"] == "dispatch" else "files/s"
    return "%.2f M %s" % (x / 1e6, unit) if x >= 1e6 else "%.0f k %s" % (x / 1e3, unit)


def human_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return "%.3g %s" % (ns / scale, unit)
    return "%.3g ns" % ns


def load_peers():
    if not os.path.exists(PEERS):
        return None
    return json.load(open(PEERS))


def peer(peers, group, tool):
    for r in peers["results"]:
        if r["group"] == group and r["tool"] == tool:
            return r
    return None


def svg_bars(path, title, rows, unit, fmt):
    """Horizontal bar chart: rows of (label, value, colour)."""
    width, left, bar, gap = 760, 270, 16, 6
    height = 40 + len(rows) * (bar + gap) + 20
    top = max((v for _, v, _ in rows), default=1) or 1
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">'
           % (width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="20" font-size="14" font-weight="bold">%s</text>' % title]
    span = width - left - 110
    for i, (label, value, colour) in enumerate(rows):
        y = 36 + i * (bar + gap)
        w = max(1, span * value / top)
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 6, y + bar - 4, label))
        out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>' % (left, y, w, bar, colour))
        out.append('<text x="%.1f" y="%d">%s</text>' % (left + w + 4, y + bar - 4, fmt(value)))
    out.append('<text x="%d" y="%d" fill="#555">%s</text>' % (left, height - 6, unit))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


COLOURS = {"burnbench": "#c0392b", "attach": "#c0392b", "xorriso": "#2980b9", "xorriso-stdio": "#2980b9",
           "genisoimage": "#27ae60", "cp": "#7f8c8d", "plain-file": "#7f8c8d"}


def main():
    benches = load_criterion()
    peers = load_peers()
    lines = []
    w = lines.append
    w("# Benchmark report")
    w("")
    w("Generated by `benches/report.py` on %s from criterion's saved estimates "
      "(`target/criterion/**/new/`) and the peer run of `benches/peers.sh` (`target/peers.json`). "
      "Do not edit by hand: rerun the benches and the script (issue 16)." %
      datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    w("")
    w("**Noise.** This is a shared 2-core virtual machine; the lead and other builds ran at the same "
      "time. Criterion ran with a reduced budget (10 samples, 0.5 s warm-up, 2 s measurement: "
      "`support::quick()` in `benches/support/mod.rs`), so intervals are wide; ratios measured in "
      "the same peer run (tools alternated, median of several runs) are what to trust.")
    w("")
    w("## Machine")
    w("")
    w("| | |")
    w("|---|---|")
    for k, v in machine():
        w("| %s | %s |" % (k, v))
    if peers:
        for k, v in sorted(peers["peers"].items()):
            w("| %s | %s |" % (k, v))
    w("")

    # Targets
    w("## Targets (issue 16)")
    w("")
    w("| target | measured | met |")
    w("|---|---|---|")
    mem_writes = [b for b in benches if b["group"] == "sector_writer/memory"]
    for b in mem_writes:
        r, lo, hi = rate(b)
        w("| WRITE path into memory ≥ 3 GB/s — `%s` | %s (%s … %s) | %s |" % (
            b["name"], human_bytes(r), human_bytes(lo), human_bytes(hi), "yes" if r >= WRITE_MEMORY_TARGET else "**no**"))
    if peers:
        def ratios(prefix, tool, base, limit, label, skip=None):
            groups = sorted({r["group"] for r in peers["results"]
                             if r["group"].startswith(prefix) and not (skip and skip in r["group"])})
            for group in groups:
                a, b = peer(peers, group, tool), peer(peers, group, base)
                if a and b:
                    ratio = a["median_s"] / b["median_s"]
                    w("| %s — %s | %.2f× %s (%.3f s vs %.3f s) | %s |" % (
                        label, group[len(prefix):], ratio, base, a["median_s"], b["median_s"],
                        "yes" if ratio <= limit else "**no**"))
        ratios("burn-", "burnbench", "cp", FILE_VS_CP_TARGET, "file-backed within 1.25× of cp (`burnbench burn`)")
        ratios("build-", "burnbench", "xorriso", BUILD_VS_XORRISO_TARGET, "image build ≤ 0.5× xorriso", skip="udf")
        ratios("attach-", "attach", "plain-file", ATTACH_VS_PLAIN_TARGET, "attach ≤ 1.5× plain file")
    alloc = subprocess.run(["cargo", "test", "--quiet", "--test", "alloc_per_command"], cwd=ROOT,
                           capture_output=True, text=True, timeout=1800)
    passed = re.search(r"test result: ok\. (\d+) passed", alloc.stdout)
    w("| no heap allocation per WRITE(10)/READ(10) in steady state | `cargo test --test alloc_per_command` "
      "(counting allocator): %s | %s |" % ("%s tests passed" % passed.group(1) if passed else "failed",
                                           "yes" if passed and alloc.returncode == 0 else "**no**"))
    w("| CDB decoded once per command | `Drive::complete` decodes once; the fault check, the run and the "
      "residual share it | yes |")
    w("")

    # Criterion
    w("## Criterion benches")
    w("")
    w("Mean time per iteration with its %d%% confidence interval, and the throughput it gives "
      "(bytes/s: decimal GB/MB)." % round(100 * (benches[0]["level"] if benches else 0.95)))
    w("")
    groups = []
    for b in benches:
        if b["group"] not in groups:
            groups.append(b["group"])
    for g in groups:
        w("### %s" % g)
        w("")
        w("| bench | time | throughput | interval |")
        w("|---|---|---|---|")
        for b in (b for b in benches if b["group"] == g):
            if b["kind"]:
                r, lo, hi = rate(b)
                w("| %s | %s | %s | %s … %s |" % (b["name"], human_time(b["ns"]), human_rate(b, r),
                                                   human_rate(b, lo), human_rate(b, hi)))
            else:
                w("| %s | %s | | %s … %s |" % (b["name"], human_time(b["ns"]), human_time(b["ns_lo"]), human_time(b["ns_hi"])))
        w("")
    os.makedirs(PLOTS, exist_ok=True)
    sector = [b for b in benches if b["group"].startswith("sector_")]
    if sector:
        rows = [("%s %s" % (b["group"].split("_")[1], b["name"]), rate(b)[0] / 1e9,
                 "#c0392b" if "memory" in b["group"] else "#2980b9") for b in sector]
        svg_bars(os.path.join(PLOTS, "sector_writer.svg"), "Sector writer and reader through Drive::execute (GB/s)",
                 rows, "GB/s (red: memory store, blue: file-backed media image)", lambda v: "%.2f" % v)
        w("![sector writer throughput](report/sector_writer.svg)")
        w("")

    callgrind = os.path.join(ROOT, "target", "callgrind.json")
    if os.path.exists(callgrind):
        cg = json.load(open(callgrind))["results"]
        w("## Instructions per command (callgrind)")
        w("")
        w("`benches/callgrind.py`: the bench binaries under `valgrind --tool=callgrind`, inclusive "
          "instructions (Ir) of `Drive::execute` per call — stable whatever the machine's load, "
          "unlike the wall times above. Columns after Ir/byte: inclusive Ir per command of the "
          "named parts.")
        w("")
        labels = []
        for r in cg:
            for k in r["parts"]:
                if k not in labels:
                    labels.append(k)
        w("| bench | commands | Ir/command | Ir/byte | " + " | ".join(labels) + " |")
        w("|---|---|---|---|" + "---|" * len(labels))
        for r in cg:
            per_byte = "%.2f" % (r["ir_per_command"] / r["bytes"]) if r["bytes"] else ""
            parts = " | ".join("%.0f" % r["parts"][k] if k in r["parts"] else "" for k in labels)
            w("| %s | %d | %.0f | %s | %s |" % (r["id"], r["calls"], r["ir_per_command"], per_byte, parts))
        w("")

    if peers:
        w("## Peers side by side")
        w("")
        w("`benches/peers.sh`, %d runs, tools alternated within each run. Wall time median "
          "(min … max) and median peak RSS from GNU time (`/usr/bin/time`). Ratio: the tool's "
          "median over burnbench's (or over the plain-file run for attach)." % peers["runs"])
        w("")
        w("| comparison | tool | files | MB | wall (s) | spread (s) | ratio | peak RSS (MiB) |")
        w("|---|---|---|---|---|---|---|---|")
        order = []
        for r in peers["results"]:
            if r["group"] not in order:
                order.append(r["group"])
        rows = []
        for group in order:
            members = [r for r in peers["results"] if r["group"] == group]
            base = next((r for r in members if r["tool"] in ("burnbench", "plain-file")), members[0])
            for r in members:
                ratio = r["median_s"] / base["median_s"] if base["median_s"] else float("nan")
                w("| %s | %s | %d | %.0f | %.3f | %.3f … %.3f | %.2f× | %.0f |" % (
                    group, r["tool"], r["files"], r["bytes"] / 1e6, r["median_s"], r["min_s"], r["max_s"],
                    ratio, r["median_rss_kib"] / 1024))
                if not group.startswith("sg_turs"):
                    rows.append(("%s %s" % (group, r["tool"]), r["median_s"], COLOURS.get(r["tool"], "#8e44ad")))
        w("")
        svg_bars(os.path.join(PLOTS, "peers.svg"), "Peers side by side: median wall time (s)", rows,
                 "seconds (red: burnbench, blue: xorriso, green: genisoimage, grey: cp / plain file)",
                 lambda v: "%.2f s" % v)
        w("![peers](report/peers.svg)")
        w("")
        one, many = peer(peers, "sg_turs-1", "attach"), peer(peers, "sg_turs-20000", "attach")
        if one and many:
            per = (many["median_s"] - one["median_s"]) / (many["files"] - one["files"])
            w("**Attach round trip per SG_IO call** (`burnbench attach -- sg_turs -n N /dev/sr0`, "
              "N = 20,000 minus N = 1): %.1f µs per TEST UNIT READY (%.0f calls/s)." % (per * 1e6, 1 / per))
            w("")

        w("## Growth")
        w("")
        w("How burnbench's time and memory grow with the work (medians of the peer run).")
        w("")
        w("| work | files | MB | wall (s) | peak RSS (MiB) | per file |")
        w("|---|---|---|---|---|---|")
        for prefix, systems in (("build-small-", "ISO 9660 + Joliet"), ("build-udf-small-", "ISO 9660 + Joliet + UDF")):
            builds = sorted((r for r in peers["results"] if r["tool"] == "burnbench" and r["group"].startswith(prefix)),
                            key=lambda r: r["files"])
            for r in builds:
                w("| image build (%s) | %d | %.0f | %.3f | %.1f | %.1f µs |" % (
                    systems, r["files"], r["bytes"] / 1e6, r["median_s"], r["median_rss_kib"] / 1024,
                    1e6 * r["median_s"] / r["files"]))
            if len(builds) >= 2:
                a, b = builds[0], builds[-1]
                slope = (b["median_rss_kib"] - a["median_rss_kib"]) * 1024 / (b["files"] - a["files"])
                w("| %s: peak RSS per added file (%d → %d files) | | | | **%.0f bytes** | |" % (
                    systems, a["files"], b["files"], slope))
        w("")
        w("| work | MB | wall (s) | MB/s | peak RSS (MiB) |")
        w("|---|---|---|---|---|")
        for r in sorted((r for r in peers["results"] if r["tool"] == "burnbench" and r["group"].startswith("burn-")),
                        key=lambda r: r["bytes"]):
            w("| burnbench burn %s | %.0f | %.2f | %.0f | %.1f |" % (
                r["group"][5:], r["bytes"] / 1e6, r["median_s"], r["bytes"] / 1e6 / r["median_s"], r["median_rss_kib"] / 1024))
        w("")
    else:
        w("_No peer run found (target/peers.json): run benches/peers.sh._")
        w("")

    notes = os.path.join(ROOT, "benches", "NOTES.md")
    if os.path.exists(notes):
        w(open(notes).read().rstrip())
        w("")
    with open(OUT, "w") as f:
        f.write("\n".join(lines))
    print("report.py: wrote", OUT)


if __name__ == "__main__":
    sys.exit(main())
