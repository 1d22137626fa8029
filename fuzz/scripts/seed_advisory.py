#!/usr/bin/env python3
"""Generates the seed corpora of the advisory fuzz targets into fuzz/corpus/<target>/
(gitignored, never committed).

Sources, all read in place (never copied into the repository):
  * $PORTCULLIS_OSV (default ../../shared/data/osv): npm/*.json whole, plus the first
    records of each npm-bulk/*.tar.zst archive (streamed through the `zstd` CLI);
  * $PORTCULLIS_LEGACY (default ../../shared/data/advisories/nodejs-security-wg): *.json;
  * every CVSS vector string in those files, and the vectors quoted in the cvss unit tests;
  * every `vulnerable_versions` / `patched_versions` string, each paired with versions;
  * small archives built here: zip (stored and deflated), tar.gz and tar.zst of a few small
    records plus hostile entries (`..` paths, a symlink, a directory, a non-JSON file). Each
    archive seed starts with the selector byte the `archive` target reads (0 zip, 1 tar.gz,
    2 tar.zst).

Usage: python3 fuzz/scripts/seed_advisory.py   (from the repository root or from fuzz/)
"""

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

FUZZ = Path(__file__).resolve().parent.parent
REPO = FUZZ.parent
OSV = Path(os.environ.get("PORTCULLIS_OSV", REPO.parent / "shared/data/osv"))
LEGACY = Path(
    os.environ.get(
        "PORTCULLIS_LEGACY", REPO.parent / "shared/data/advisories/nodejs-security-wg"
    )
)
OUT = FUZZ / "corpus"
BULK_PER_ARCHIVE = 40
ARCHIVE_MAX = 16384  # the archive target's -max_len

counts = {}


def emit(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)
    counts[target] = counts.get(target, 0) + 1


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)


V2 = re.compile(r"^\(?AV:[LAN]/AC:[HML]/Au:[MSN]/")


def is_vector(s):
    return s.startswith("CVSS:") or bool(V2.match(s))


def bulk_records():
    """The first records of each bulk archive, streamed: the archives are never unpacked."""
    out = []
    for archive in sorted((OSV / "npm-bulk").glob("*.tar.zst")):
        proc = subprocess.Popen(["zstd", "-dc", str(archive)], stdout=subprocess.PIPE)
        try:
            with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
                for member in tar:
                    if member.isfile() and member.name.endswith(".json"):
                        f = tar.extractfile(member)
                        if f is not None:
                            out.append(f.read())
                    if len(out) % BULK_PER_ARCHIVE == 0 and out:
                        break
        finally:
            proc.kill()
            proc.wait()
    return out


def tar_bytes(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            if data is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            elif isinstance(data, tuple):  # ("symlink", target)
                info.type = tarfile.SYMTYPE
                info.linkname = data[1]
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def zip_bytes(entries, compression):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as z:
        for name, data in entries:
            if data is None:
                z.writestr(name.rstrip("/") + "/", b"")
            elif isinstance(data, tuple):
                continue  # zip has no portable symlink entry
            else:
                z.writestr(name, data)
    return buf.getvalue()


def zstd_bytes(data, level):
    return subprocess.run(
        ["zstd", "-q", "-c", f"-{level}"], input=data, stdout=subprocess.PIPE, check=True
    ).stdout


def main():
    if not OSV.is_dir() or not LEGACY.is_dir():
        sys.exit(f"advisory data not found at {OSV} / {LEGACY}")
    osv_docs = [p.read_bytes() for p in sorted((OSV / "npm").glob("*.json"))]
    legacy_docs = [p.read_bytes() for p in sorted(LEGACY.glob("*.json"))]
    bulk = bulk_records()

    for doc in osv_docs + legacy_docs + bulk:
        emit("osv_record", doc)
    for doc in legacy_docs:
        emit("legacy_advisory", doc)
    # An OSV record is not legacy: the converter must refuse it cleanly.
    for doc in osv_docs[:5]:
        emit("legacy_advisory", doc)

    vectors, ranges = set(), set()
    for doc in osv_docs + legacy_docs + bulk:
        try:
            value = json.loads(doc)
        except ValueError:
            continue
        vectors.update(s.strip() for s in strings_in(value) if is_vector(s.strip()))
        if isinstance(value, dict):
            for key in ("vulnerable_versions", "patched_versions"):
                if isinstance(value.get(key), str):
                    ranges.add(value[key])
    tests = REPO / "crates/advisory/src/cvss/tests.rs"
    if tests.is_file():
        for s in re.findall(r'"([^"\n]{8,300})"', tests.read_text()):
            if is_vector(s):
                vectors.add(s)
    vectors.update(
        [
            "AV:N/AC:L/Au:N/C:P/I:P/A:P",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:U",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/E:H/RL:O/RC:C",
        ]
    )
    for v in vectors:
        emit("cvss_vector", v)

    ranges.update(
        ["*", "", "1.x || >=2.5.0 || 5.0.0 - 7.2.3", "~1.2.3-beta.1", "^0.0.1", "<1.0.0-rc.1",
         ">=1.2.3 <2", "<0.0.0-0", "=v1.2.3", "1.2.3 - 2.3", ">1.2.3-alpha.3 || <=x"]
    )
    versions = ["1.2.3", "0.0.0", "1.0.0-rc.1", "v2.0.0", "10.20.30+build.1", ""]
    version_re = re.compile(r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?")
    for r in ranges:
        own = version_re.findall(r)[:2]
        for v in own + versions[:2]:
            emit("npm_range", f"{r}\n{v}")
    for v in versions:
        emit("npm_range", f">=1.0.0 <2.0.0\n{v}")

    # Archives: the smallest records, so several fit in one seed under -max_len.
    small = sorted((d for d in osv_docs + bulk if len(d) < 2500), key=len)[:6]
    small_legacy = sorted(legacy_docs, key=len)[:2]
    base = [("advisories/", None)] + [
        (f"advisories/r{i}.json", d) for i, d in enumerate(small[:3] + small_legacy[:1])
    ]
    hostile = [
        ("../escape.json", small[0]),
        ("/abs.json", small[0]),
        ("advisories/link.json", ("symlink", "/etc/passwd")),
        ("advisories/readme.txt", b"not an advisory"),
        ("advisories/.hidden/h.json", small[0]),
        ("advisories/bad.json", b"{\"id\":"),
        ("advisories/empty.json", b""),
    ]
    sets = [base, base[:2], hostile, base + hostile, [("one.json", small_legacy[-1])]]
    for entries in sets:
        tar = tar_bytes(entries)
        candidates = [
            (0, zip_bytes(entries, zipfile.ZIP_DEFLATED)),
            (0, zip_bytes(entries, zipfile.ZIP_STORED)),
            (1, __import__("gzip").compress(tar, mtime=0)),
            (2, zstd_bytes(tar, 3)),
            (2, zstd_bytes(tar, 19)),
        ]
        for selector, data in candidates:
            if len(data) + 1 <= ARCHIVE_MAX:
                emit("archive", bytes([selector]) + data)
    # A small bomb: 2 MiB of zeros in one entry, over the target's 1 MiB archive limit.
    bomb = tar_bytes([("bomb.json", b"0" * (2 << 20))])
    emit("archive", bytes([1]) + __import__("gzip").compress(bomb, mtime=0))
    emit("archive", bytes([2]) + zstd_bytes(bomb, 19))
    emit("archive", bytes([0]) + zip_bytes([("bomb.json", b"0" * (2 << 20))], zipfile.ZIP_DEFLATED))

    for target, n in sorted(counts.items()):
        print(f"{target}: {n} seeds -> {OUT / target}")


if __name__ == "__main__":
    main()
