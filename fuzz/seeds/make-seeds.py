#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets from the repository's fixtures (docs/fuzzing.md).

Run from the repository root: `python3 fuzz/seeds/make-seeds.py OUT` writes OUT/<target>/...;
ISO seeds need xorriso, genisoimage and mkudffs. The committed corpora under fuzz/corpus are these
seeds after `cargo fuzz cmin` plus what the campaigns found.
"""
import glob, hashlib, os, re, struct, subprocess, sys, tempfile, zlib

out = sys.argv[1]


def put(target, data):
    folder = os.path.join(out, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


# scenario: every shipped scenario file.
for path in sorted(glob.glob("scenarios/**/*.ron", recursive=True)):
    put("scenario", open(path, "rb").read())

# mmc: every reply and sense of the golden drive replies, and CDBs of the typical commands.
for line in open("tests/golden/drive-replies.txt"):
    for word in line.split():
        if re.fullmatch(r"([0-9a-f]{2}){4,}", word):
            put("mmc", bytes.fromhex(word))
for cdb in ["00 00 00 00 00 00", "12 00 00 00 24 00", "1a 08 2a 00 40 00", "5a 08 05 00 00 00 00 00 40 00",
            "46 02 00 00 00 00 00 00 08 00", "4a 01 00 00 10 00 00 00 08 00", "51 00 00 00 00 00 00 00 22 00",
            "52 01 00 00 00 01 00 00 30 00", "43 02 00 00 00 00 00 00 30 00", "28 00 00 00 00 10 00 00 01 00",
            "2a 00 00 00 00 00 00 00 10 00", "35 00 00 00 00 00 00 00 00 00", "5b 00 02 00 00 00 00 00 00 00",
            "a1 11 00 00 00 00 00 00 00 00 00 00", "04 11 00 00 00 00", "ad 00 00 00 00 00 00 00 00 04 00 00",
            "ac 00 00 00 00 00 00 00 00 10 03 00", "b6 00 00 00 00 00 00 00 00 00 1c 00", "bb 00 ff ff ff ff 00 00 00 00 00 00",
            "55 10 00 00 00 00 00 00 3c 00", "53 00 00 00 00 00 00 10 00 00", "23 00 00 00 00 00 00 00 fc 00",
            "25 00 00 00 00 00 00 00 00 00", "bd 00 00 00 00 00 00 00 00 08 00 00", "1b 00 00 00 02 00", "1e 00 00 00 01 00"]:
    put("mmc", bytes.fromhex(cdb))

# trace: the examples of docs/trace.md, as one trace and one line each.
lines = [l for l in open("docs/trace.md") if l.startswith('{"index"')]
put("trace", "".join(lines).encode())
for l in lines:
    put("trace", l.encode())

# media_image: each shipped image, its sectors cut to 8 sectors; flags 0 (files as they are) and
# 7 (checksums and lengths made right for the cut data).
for image in sorted(glob.glob("media-images/*.bbm")):
    manifest = open(os.path.join(image, "manifest.ron"), "rb").read()
    body = manifest[: manifest.rindex(b"// crc32: ")]
    log = open(os.path.join(image, "extents.log"), "rb").read()
    sectors = open(os.path.join(image, "sectors.bin"), "rb").read()[: 8 * 2048]
    for flags, text in [(0, manifest), (7, body)]:
        put("media_image", bytes([flags]) + struct.pack("<I", len(text)) + text + struct.pack("<I", len(log)) + log + sectors)


# fsi_read: small images as sparse block lists (header 0 | session, blocks, records).
def sparse(image, session=0):
    blocks = len(image) // 2048
    records = b""
    for n in range(blocks):
        block = image[n * 2048 : (n + 1) * 2048].rstrip(b"\0")
        if block:
            records += struct.pack("<HH", n, len(block)) + block
    return bytes([session]) + struct.pack("<H", blocks) + records


with tempfile.TemporaryDirectory() as tmp:
    def run(*args):
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    src = os.path.join(tmp, "src")
    deep = os.path.join(src, "a/b/c/d/e/f/g/h/i")
    os.makedirs(deep)
    open(os.path.join(src, "README.TXT"), "w").write("hello\n")
    open(os.path.join(deep, "leaf with a long name.txt"), "w").write("leaf\n")
    os.symlink("README.TXT", os.path.join(src, "link"))
    boot = os.path.join(tmp, "boot")
    os.makedirs(boot)
    open(os.path.join(boot, "boot.img"), "wb").write(b"\xeb\x3c" + b"\0" * 4094)
    images = {
        "iso_joliet_rr": ["xorriso", "-as", "mkisofs", "-quiet", "-no-pad", "-J", "-R", "-V", "FUZZ", "-o", "{out}", src],
        "iso_plain": ["genisoimage", "-quiet", "-no-pad", "-o", "{out}", src],
        "eltorito": ["genisoimage", "-quiet", "-no-pad", "-J", "-b", "boot.img", "-no-emul-boot", "-boot-load-size", "4",
                     "-c", "boot.cat", "-o", "{out}", boot],
        "udf_bridge": ["genisoimage", "-quiet", "-no-pad", "-udf", "-J", "-R", "-o", "{out}", src],
    }
    for name, args in images.items():
        path = os.path.join(tmp, name)
        run(*[a.replace("{out}", path) for a in args])
        put("fsi_read", sparse(open(path, "rb").read()))
    mk = os.path.join(tmp, "mk.udf")
    open(mk, "wb").truncate(300 * 2048)
    run("mkudffs", "--media-type=hd", "--blocksize=2048", mk)
    put("fsi_read", sparse(open(mk, "rb").read()))
    for fixture in ["session1.iso", "session2.iso", "mkudffs-hd.udf"]:
        put("fsi_read", sparse(open(os.path.join("media-images/fixtures", fixture), "rb").read()))
