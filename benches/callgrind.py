#!/usr/bin/env python3
"""Instruction counts per command on the hot paths, stable on a noisy machine: runs the
sector_writer and dispatch bench binaries under `valgrind --tool=callgrind` (criterion's
--profile-time mode, so no analysis runs) and sums the inclusive instructions of every call of
`<Drive as ScsiDevice>::execute` and of what it calls. Writes target/callgrind.json for
benches/report.py. Build the benches first (`cargo bench --no-run`).

    python3 benches/callgrind.py"""

import glob
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "target", "callgrind.json")
EXECUTE = "<burnbench::drive::Drive as burnbench::device::ScsiDevice>::execute"
# Functions worth naming in the report: inclusive Ir per execute call.
PARTS = {
    "store write (memory)": "<burnbench::media::store::memory::MemoryStore as burnbench::media::store::SectorStore>::write",
    "store write (file)": "<burnbench::media::store::file::FileStore as burnbench::media::store::SectorStore>::write",
    "disc rules (Disc::write)": "burnbench::media::disc::write::<impl burnbench::media::disc::Disc>::write",
    "memcpy": "__memcpy_avx_unaligned_erms",
    "memset": "__memset_avx2_unaligned_erms",
    "calloc": "calloc",
    "malloc": "malloc",
    "crc32": "crc::crc32::update_table",
}

CASES = [
    ("sector_writer", "sector_writer/memory/dvd+r/write10x16", 16 * 2048),
    ("sector_writer", "sector_writer/memory/dvd+r/write10x32", 32 * 2048),
    ("sector_writer", "sector_writer/memory/bd-re/overwrite10x32", 32 * 2048),
    ("sector_writer", "sector_writer/memory/cd-r-tao/write10x1", 2048),
    ("sector_writer", "sector_writer/file/dvd+r/write10x32", 32 * 2048),
    ("sector_writer", "sector_reader/memory/dvd+r/read10x32", 32 * 2048),
    ("sector_writer", "sector_reader/file/dvd+r/read10x32", 32 * 2048),
    ("dispatch", "dispatch/test_unit_ready", 0),
    ("dispatch", "dispatch/read_disc_information", 0),
    ("dispatch", "dispatch/get_configuration_all", 0),
]


def binary(name):
    found = [p for p in glob.glob(os.path.join(ROOT, "target", "release", "deps", name + "-*"))
             if os.access(p, os.X_OK) and not p.endswith(".d")]
    if not found:
        sys.exit("callgrind.py: no %s bench binary: run cargo bench --no-run" % name)
    return max(found, key=os.path.getmtime)


def parse(path, caller_filter=None):
    """{function name: (calls, inclusive Ir)} summed over every call site (of callers whose
    name contains `caller_filter`, when given)."""
    names, totals = {}, {}
    callee = caller = None
    expect_cost = False
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        m = re.match(r"c?fn=\((\d+)\)(?: (.*))?$", line)
        if m:
            if m.group(2):
                names[m.group(1)] = m.group(2)
            if line.startswith("cfn="):
                callee = names.get(m.group(1))
            else:
                caller = names.get(m.group(1))
            continue
        if line.startswith("calls="):
            calls = int(line.split("=")[1].split()[0])
            expect_cost = True
            continue
        if expect_cost:
            expect_cost = False
            if caller_filter and callee == EXECUTE and caller_filter not in (caller or ""):
                continue
            fields = line.split()
            ir = int(fields[1]) if len(fields) > 1 else 0
            c, i = totals.get(callee, (0, 0))
            totals[callee] = (c + calls, i + ir)
    return totals


def main():
    results = []
    for bench, ident, nbytes in CASES:
        out = os.path.join(ROOT, "target", "callgrind.%s.out" % re.sub(r"[^a-z0-9]+", "_", ident))
        cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, "--toggle-collect=" + EXECUTE,
               binary(bench), "--bench", "--profile-time", "1", "--exact", ident]
        subprocess.run(cmd, capture_output=True, check=True)
        # A read bench records its medium first: count only the timed READ(10)s.
        totals = parse(out, "support::input" if ident.startswith("sector_reader") else None)
        calls, ir = totals.get(EXECUTE, (0, 0))
        if not calls:
            print("callgrind.py: %s: no call of execute recorded" % ident)
            continue
        parts = {} if ident.startswith("sector_reader") else {
            label: totals[name][1] / calls for label, name in PARTS.items() if name in totals}
        results.append({"id": ident, "calls": calls, "ir_per_command": ir / calls, "bytes": nbytes,
                        "parts": parts})
        print("%-45s %8d calls %10.0f Ir/command" % (ident, calls, ir / calls))
    json.dump({"results": results}, open(OUT, "w"), indent=1)
    print("callgrind.py: wrote", OUT)


if __name__ == "__main__":
    main()
