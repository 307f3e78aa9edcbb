#!/usr/bin/env bash
# Peers side by side, one run (issue 16 item 5): burnbench against the tools users would run
# instead, on the same trees, timed alternately (tool A, B, C, A, B, C, ...) so that the noise of
# a shared machine falls on every tool alike. Wall time and peak RSS come from GNU time
# (/usr/bin/time, the numbers `time -v` prints as "Elapsed" and "Maximum resident set size").
# Raw samples go to target/peers/samples.tsv, medians and spreads to target/peers.json, which
# benches/report.py turns into benches/REPORT.md.
#
#   benches/peers.sh [--runs N] [--big]
#
# --big adds the 100,000-file tree and the 4.7 GB burn (minutes, and ~10 GB of disk).
set -euo pipefail

runs=5
big=0
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --big) big=1; shift ;;
        *) echo "usage: benches/peers.sh [--runs N] [--big]" >&2; exit 2 ;;
    esac
done

cd "$(dirname "$0")/.."
root=$PWD
work=$root/target/peers
bb=$root/target/release/burnbench
export SOURCE_DATE_EPOCH=1700000000

for tool in /usr/bin/time xorriso genisoimage sg_turs python3; do
    command -v "$tool" >/dev/null || { echo "peers.sh: $tool is missing (apt-get install -y time xorriso genisoimage sg3-utils)" >&2; exit 1; }
done
cargo build --release --workspace --quiet
mkdir -p "$work"
samples=$work/samples.tsv
: >"$samples"

# make_small DIR FILES: FILES files of 0.5-4 KiB, 100 per folder (kept between runs).
make_small() {
    [ -f "$1/.done" ] && return
    rm -rf "$1"
    python3 - "$1" "$2" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
pool = [bytes((b * 13 + i) % 256 for b in range(512 + i * 56)) for i in range(64)]
for i in range(n):
    d = os.path.join(root, "d%04d" % (i // 100))
    if i % 100 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "file-%06d.txt" % i), "wb") as f:
        f.write(pool[i % 64])
PY
    touch "$1/.done"
}

# make_large DIR FILES MIB: FILES files of MIB MiB of incompressible data.
make_large() {
    [ -f "$1/.done" ] && return
    rm -rf "$1"
    python3 - "$1" "$2" "$3" <<'PY'
import os, sys
root, n, mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(root, exist_ok=True)
block = os.urandom(1 << 20)
for i in range(n):
    with open(os.path.join(root, "large-%d.bin" % i), "wb") as f:
        for m in range(mib):
            f.write(block[m % 251:] + block[:m % 251])
PY
    touch "$1/.done"
}

# measure GROUP TOOL BYTES FILES -- COMMAND...: one timed run, appended to the samples.
measure() {
    local group=$1 tool=$2 bytes=$3 files=$4
    shift 5
    local out=$work/time.out
    if ! /usr/bin/time -f '%e %M' -o "$out" "$@" >"$work/last.log" 2>&1; then
        echo "peers.sh: $group/$tool failed:" >&2
        tail -5 "$work/last.log" >&2
        exit 1
    fi
    read -r wall rss <"$out"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$group" "$tool" "$wall" "$rss" "$bytes" "$files" >>"$samples"
    printf '  %-28s %-22s %8ss %8s KiB\n' "$group" "$tool" "$wall" "$rss"
}

tree_bytes() { du -sb --exclude=.done "$1" | cut -f1; }
tree_files() { find "$1" -type f ! -name .done | wc -l; }

# --- image build: burnbench vs xorriso -as mkisofs vs genisoimage -------------------------------
build_round() {
    local name=$1 dir=$2 bytes files
    bytes=$(tree_bytes "$dir"); files=$(tree_files "$dir")
    local out=$work/out.iso
    # ISO 9660 + Joliet, no Rock Ridge: the same file systems from each tool.
    measure "build-$name" burnbench "$bytes" "$files" -- "$bb" image build -q --fs iso9660,joliet -o "$out" "$dir"
    measure "build-$name" xorriso "$bytes" "$files" -- xorriso -as mkisofs -quiet --norock -J -o "$out" "$dir"
    measure "build-$name" genisoimage "$bytes" "$files" -- genisoimage -quiet -J -o "$out" "$dir"
    # + UDF: burnbench vs genisoimage -udf (xorriso writes no UDF).
    measure "build-udf-$name" burnbench "$bytes" "$files" -- "$bb" image build -q --fs iso9660,joliet,udf -o "$out" "$dir"
    measure "build-udf-$name" genisoimage "$bytes" "$files" -- genisoimage -quiet -J -udf -o "$out" "$dir"
    rm -f "$out"
}

# --- burn: burnbench burn vs xorriso on a stdio: pseudo-drive vs cp + sync ----------------------
burn_round() {
    local name=$1 dir=$2 profile=$3 bytes files
    bytes=$(tree_bytes "$dir"); files=$(tree_files "$dir")
    rm -rf "$work/disc.bbm" "$work/stdio.iso" "$work/copy"
    "$bb" media create "$work/disc.bbm" --profile "$profile" >/dev/null
    measure "burn-$name" burnbench "$bytes" "$files" -- "$bb" burn -q --media "$work/disc.bbm" "$dir"
    rm -rf "$work/disc.bbm"
    measure "burn-$name" xorriso-stdio "$bytes" "$files" -- xorriso -outdev "stdio:$work/stdio.iso" -joliet on -rockridge off -map "$dir" / -commit
    rm -f "$work/stdio.iso"
    measure "burn-$name" cp "$bytes" "$files" -- sh -c 'cp -r "$1" "$2" && sync "$2"/*' sh "$dir" "$work/copy"
    rm -rf "$work/copy"
}

# --- attach: a program through burnbench attach vs the same program onto a plain file ----------
attach_round() {
    local name=$1 dir=$2 bytes files
    bytes=$(tree_bytes "$dir"); files=$(tree_files "$dir")
    rm -rf "$work/attach.bbm" "$work/plain.iso"
    "$bb" media create "$work/attach.bbm" --profile dvd+r >/dev/null
    measure "attach-xorriso-$name" attach "$bytes" "$files" -- "$bb" attach --media "$work/attach.bbm" -- xorriso -outdev /dev/sr0 -joliet on -map "$dir" / -commit
    measure "attach-xorriso-$name" plain-file "$bytes" "$files" -- xorriso -outdev "stdio:$work/plain.iso" -joliet on -map "$dir" / -commit
    rm -rf "$work/attach.bbm" "$work/plain.iso"
    if command -v growisofs >/dev/null; then
        "$bb" media create "$work/attach.bbm" --profile dvd+r >/dev/null
        measure "attach-growisofs-$name" attach "$bytes" "$files" -- "$bb" attach --media "$work/attach.bbm" -- growisofs -Z /dev/sr0 -quiet -J -R "$dir"
        # growisofs refuses a plain file (it tries to unmount it), so the plain-file run is what
        # it executes itself — genisoimage piped into a file — with the same fsync at the end.
        measure "attach-growisofs-$name" plain-file "$bytes" "$files" -- sh -c 'genisoimage -quiet -J -R "$1" | dd of="$2" obs=32k status=none && sync "$2"' sh "$dir" "$work/plain.iso"
        rm -rf "$work/attach.bbm" "$work/plain.iso"
    fi
}

# --- the attach round trip per SG_IO call -------------------------------------------------------
turs_round() {
    rm -rf "$work/turs.bbm"
    "$bb" media create "$work/turs.bbm" --profile dvd+r >/dev/null
    for n in 1 20000; do
        measure "sg_turs-$n" attach 0 "$n" -- "$bb" attach --media "$work/turs.bbm" -- sg_turs -n "$n" /dev/sr0
    done
    rm -rf "$work/turs.bbm"
}

echo "peers.sh: making the trees in $work"
make_small "$work/small-1000" 1000
make_small "$work/small-10000" 10000
make_large "$work/large-1g" 4 256
if [ "$big" = 1 ]; then
    make_small "$work/small-100000" 100000
    make_large "$work/large-4.7g" 5 897
fi

for run in $(seq 1 "$runs"); do
    echo "peers.sh: run $run of $runs"
    build_round small-10000 "$work/small-10000"
    build_round large-1g "$work/large-1g"
    build_round small-1000 "$work/small-1000"
    [ "$big" = 1 ] && build_round small-100000 "$work/small-100000"
    burn_round 1g "$work/large-1g" dvd+r
    [ "$big" = 1 ] && burn_round 4.7g "$work/large-4.7g" bd-r
    attach_round 1g "$work/large-1g"
    turs_round
done

python3 - "$samples" "$root/target/peers.json" "$runs" "$big" <<'PY'
import json, os, platform, statistics, subprocess, sys
samples, out, runs, big = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
groups = {}
for line in open(samples):
    group, tool, wall, rss, nbytes, files = line.rstrip("\n").split("\t")
    g = groups.setdefault((group, tool), {"group": group, "tool": tool, "bytes": int(nbytes),
                                          "files": int(files), "wall_s": [], "rss_kib": []})
    g["wall_s"].append(float(wall))
    g["rss_kib"].append(int(rss))
results = []
for g in groups.values():
    g["median_s"] = statistics.median(g["wall_s"])
    g["min_s"], g["max_s"] = min(g["wall_s"]), max(g["wall_s"])
    g["median_rss_kib"] = statistics.median(g["rss_kib"])
    results.append(g)
def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0].strip()
    except Exception:
        return "?"
json.dump({
    "runs": runs, "big": big,
    "peers": {"xorriso": version(["xorriso", "-version"]),
              "genisoimage": version(["genisoimage", "--version"]),
              "growisofs": version(["growisofs", "-version"])},
    "results": results,
}, open(out, "w"), indent=1)
print("peers.sh: wrote", out)
PY
