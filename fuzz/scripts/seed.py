#!/usr/bin/env python3
"""Generates the fuzz seed corpora into fuzz/corpus/<target>/ (gitignored, never committed).

Sources, all read in place:
  * the real lockfile corpus (default ../../shared/data/lockfiles, or $PORTCULLIS_CORPUS):
    whole files, and small still-valid subsets of them (header + a sample of entries), so
    that seeds fit in -max_len=65536 and reach the graph-building code instead of failing
    at a truncated last line;
  * raw string literals (r#"..."#) in the lockfile crate's inline tests;
  * small hand-written inputs below, and small bun.lockb files built the way the
    bun_binary unit tests build them (a Python port of their Builder).

Usage: python3 fuzz/scripts/seed.py   (from the repository root or from fuzz/)
"""

import base64
import json
import os
import random
import re
import struct
import sys
from pathlib import Path

FUZZ = Path(__file__).resolve().parent.parent
REPO = FUZZ.parent
CORPUS = Path(os.environ.get("PORTCULLIS_CORPUS", REPO.parent / "shared/data/lockfiles"))
OUT = FUZZ / "corpus"
MAX_LEN = 65536
SUBSET_SIZES = [1, 3, 8, 20, 60, 150]

rng = random.Random(20240601)
written = {}


def emit(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)
    written[target] = written.get(target, 0) + 1


def emit_text(target, name, data, allow_big=False):
    """Text seeds: whole files only when asked (libFuzzer truncates to -max_len anyway)."""
    if isinstance(data, str):
        data = data.encode()
    if len(data) <= MAX_LEN or allow_big:
        emit(target, name, data)


# ---------------------------------------------------------------- subsetting helpers


def pick(items, k):
    """First k items, and a random sample of k (sorted back into file order)."""
    out = [("first", items[:k])]
    if len(items) > k:
        idx = sorted(rng.sample(range(len(items)), k))
        out.append(("rand", [items[i] for i in idx]))
    return out


def split_items(lines, is_start):
    """Groups lines into items, each starting at a line where is_start(line) holds."""
    head, items = [], []
    for line in lines:
        if is_start(line):
            items.append([line])
        elif items:
            items[-1].append(line)
        else:
            head.append(line)
    return head, items


def subsets_fitting(make, items):
    """Yields (label, text) for subset sizes while the text fits in MAX_LEN."""
    for k in SUBSET_SIZES:
        if k > len(items) and k != SUBSET_SIZES[0]:
            break
        for label, chosen in pick(items, k):
            text = make(chosen)
            if len(text.encode()) <= MAX_LEN:
                yield f"{label}{k}", text


# ---------------------------------------------------------------- per format


def npm_subsets(path):
    doc = json.loads(path.read_text())
    if "packages" in doc:
        pkgs = list(doc["packages"].items())
        root = [kv for kv in pkgs if kv[0] == ""]
        rest = [kv for kv in pkgs if kv[0] != ""]
        for label, text in subsets_fitting(
            lambda chosen: json.dumps(
                {
                    **{k: v for k, v in doc.items() if k not in ("packages", "dependencies")},
                    "packages": dict(root + chosen),
                },
                indent=2,
            )
            + "\n",
            rest,
        ):
            yield label, text
    if "dependencies" in doc and doc.get("lockfileVersion") == 1:
        deps = list(doc["dependencies"].items())
        # v1: keep nested trees but only a sample of top-level entries.
        for label, text in subsets_fitting(
            lambda chosen: json.dumps(
                {**{k: v for k, v in doc.items() if k != "packages"}, "dependencies": dict(chosen)},
                indent=2,
            )
            + "\n",
            deps,
        ):
            yield "v1" + label, text


def yarn_subsets(path):
    lines = path.read_text().splitlines(keepends=True)

    def start(line):
        return bool(line.strip()) and not line[0].isspace() and not line.startswith("#")

    head, items = split_items(lines, start)
    fixed = [i for i in items if i[0].startswith("__metadata")]
    items = [i for i in items if not i[0].startswith("__metadata")]
    prefix = "".join(head) + "".join("".join(i) for i in fixed)
    yield from subsets_fitting(lambda chosen: prefix + "".join("".join(i) for i in chosen), items)


def yaml_sections(lines):
    """pnpm: top-level keys (and `---` document markers) at column 0."""

    def start(line):
        return bool(line.strip()) and not line[0].isspace() and not line.startswith("#")

    return split_items(lines, start)


def pnpm_key(line):
    return line.strip().rstrip(":").strip("'\"")


def pnpm_subsets(path):
    lines = path.read_text().splitlines(keepends=True)
    head, sections = yaml_sections(lines)

    def entry(line):
        return line.startswith("  ") and len(line) > 2 and not line[2].isspace()

    parsed = []
    for sec in sections:
        sh, items = split_items(sec[1:], entry)
        parsed.append((sec[0], sh, items))
    big = max((len(items) for _, _, items in parsed), default=0)
    for k in SUBSET_SIZES:
        if k > big and k != SUBSET_SIZES[0]:
            break
        for mode in ("first", "rand"):
            out = "".join(head)
            kept_packages = set()
            for title, sh, items in parsed:
                if title.startswith("snapshots:") and kept_packages:
                    # v9: a snapshot needs its packages entry; keep the chosen packages' ones.
                    chosen = [i for i in items if pnpm_key(i[0]).split("(")[0] in kept_packages]
                elif items and mode == "first":
                    chosen = items[:k]
                elif items:
                    idx = sorted(rng.sample(range(len(items)), min(k, len(items))))
                    chosen = [items[i] for i in idx]
                else:
                    chosen = []
                if title.startswith("packages:"):
                    kept_packages = {pnpm_key(i[0]) for i in chosen}
                out += title + "".join(sh) + "".join("".join(i) for i in chosen)
            if len(out.encode()) <= MAX_LEN:
                yield f"{mode}{k}", out


def bun_subsets(path):
    lines = path.read_text().splitlines(keepends=True)

    def top(line):
        return line.startswith('  "')

    head, sections = split_items(lines, top)

    def entry(line):
        return line.startswith('    "')

    parsed = []
    for sec in sections:
        sh, items = split_items(sec[1:], entry)
        # Keep the closing `  },` of the section out of the items.
        tail = []
        if items:
            while items[-1] and not items[-1][-1].startswith("    ") and items[-1][-1].strip():
                tail.insert(0, items[-1].pop())
        parsed.append((sec[0], sh, items, tail))
    for k in SUBSET_SIZES:
        for mode in ("first", "rand"):
            out = "".join(head)
            for title, sh, items, tail in parsed:
                keep = list(items)
                # The root workspace ("") is always kept.
                root = [i for i in keep if i[0].startswith('    "": ')]
                others = [i for i in keep if not i[0].startswith('    "": ')]
                if mode == "first":
                    chosen = others[:k]
                else:
                    idx = sorted(rng.sample(range(len(others)), min(k, len(others))))
                    chosen = [others[i] for i in idx]
                chosen = root + chosen
                body = ""
                for item in chosen:
                    text = "".join(item).rstrip()
                    if not text.endswith(","):
                        text += ","
                    body += text + "\n"
                out += title + "".join(sh) + body + "".join(tail)
            if len(out.encode()) <= MAX_LEN:
                yield f"{mode}{k}", out


# ---------------------------------------------------------------- bun.lockb builder
# A port of the Builder in crates/lockfile/src/bun_binary.rs's tests.

MAGIC = b"#!/usr/bin/env bun\nbun-lockfile-format-v0\n"
RES_ROOT, RES_NPM, RES_FOLDER, RES_LOCAL_TARBALL = 1, 2, 4, 8
RES_GITHUB, RES_GIT, RES_SYMLINK, RES_WORKSPACE, RES_REMOTE_TARBALL = 16, 32, 64, 72, 80
OPTIONAL, PROD, DEV, PEER, WORKSPACE = 1 << 2, 1 << 1, 1 << 3, 1 << 4, 1 << 5
INVALID = 0xFFFFFFFF
META_SIZE, BIN_SIZE, SCRIPTS_SIZE = 88, 20, 49


class Builder:
    def __init__(self, version):
        self.version = version
        self.strings = bytearray()
        self.packages = []
        self.deps = []
        self.resolutions = []
        self.trailer = b""

    def string(self, s):
        b = s.encode()
        if len(b) < 8:
            return b.ljust(8, b"\0")
        off = len(self.strings)
        self.strings += b
        return struct.pack("<Q", off | len(b) << 32 | 1 << 63)

    def res_size(self):
        return 64 if self.version == 2 else 72

    def semver(self, v):
        core, _, pre = v.partition("-")
        out = b""
        for n in core.split("."):
            out += struct.pack("<I" if self.version == 2 else "<Q", int(n))
        if self.version == 2:
            out += b"\0" * 4
        out += self.string(pre) + b"\0" * 24
        return out

    def npm(self, version, url):
        return bytes([RES_NPM]) + b"\0" * 7 + self.string(url) + self.semver(version)

    def tagged(self, tag, values):
        return bytes([tag]) + b"\0" * 7 + b"".join(self.string(v) for v in values)

    def package(self, name, name_hash, resolution, integrity, deps):
        resolution = resolution.ljust(self.res_size(), b"\0")[: self.res_size()]
        name_b = self.string(name)
        off = len(self.deps)
        for n, req, behavior, target in deps:
            rec = bytearray(26)
            rec[:8] = self.string(n)
            rec[16] = behavior
            rec[17] = 1
            rec[18:] = self.string(req)
            self.deps.append(bytes(rec))
            self.resolutions.append(target)
        meta = bytearray(META_SIZE)
        meta[2:4] = struct.pack("<H", 0xFFE)
        meta[4:6] = struct.pack("<H", 0x1FE)
        if integrity:
            tag, digest = integrity
            meta[20] = tag
            meta[21 : 21 + len(digest)] = digest
        meta[85] = 1
        self.packages.append((name_b, name_hash, resolution, (off, len(deps)), bytes(meta)))

    @staticmethod
    def array(out, type_line, data):
        header = len(out)
        out += b"\0" * 16
        out += type_line.encode()
        while len(out) % 8:
            out.append(0)
        start = len(out)
        out += data
        end = len(out)
        out[header : header + 16] = struct.pack("<QQ", start, end)

    def build(self):
        n = len(self.packages)
        out = bytearray(MAGIC)
        out += struct.pack("<I", self.version) + b"\x07" * 32
        total_at = len(out)
        out += b"\0" * 8
        out += struct.pack("<5Q", n, 8, 8, 0, 0)
        begin = len(out)
        for p in self.packages:
            out += p[0]
        for p in self.packages:
            out += struct.pack("<Q", p[1])
        for p in self.packages:
            out += p[2]
        for _ in range(2):
            for p in self.packages:
                out += struct.pack("<II", *p[3])
        for p in self.packages:
            out += p[4]
        out += b"\0" * (n * (BIN_SIZE + SCRIPTS_SIZE))
        end = len(out)
        table = total_at + 8 + 24
        out[table : table + 16] = struct.pack("<QQ", begin, end)
        res = b"".join(struct.pack("<I", r) for r in self.resolutions)
        Builder.array(out, "\n<src.install.lockfile.Tree> 20 sizeof, 4 alignof\n", b"")
        Builder.array(out, "\n<u32> 4 sizeof, 4 alignof\n", b"")
        Builder.array(out, "\n<u32> 4 sizeof, 4 alignof\n", res)
        Builder.array(out, "\n<[26]u8> 26 sizeof, 1 alignof\n", b"".join(self.deps))
        Builder.array(out, "\n<ExternalString> 16 sizeof, 8 alignof\n", b"")
        Builder.array(out, "\n<u8> 1 sizeof, 1 alignof\n", bytes(self.strings))
        out += b"\0" * 8
        out += self.trailer
        out[total_at : total_at + 8] = struct.pack("<Q", len(out))
        out += b"\0" * 16
        return bytes(out)


def lockb_seeds():
    url = "https://registry.example.test/a/-/a-1.2.3.tgz"
    for version in (2, 3):
        b = Builder(version)
        b.package("my-app", 1, b.tagged(RES_ROOT, []), None,
                  [("a", "^1.2.0", DEV, 1), ("alias-b", "npm:b@2", PROD, 2),
                   ("opt", "^1", OPTIONAL | PEER, INVALID)])
        b.package("a", 2, b.npm("1.2.3", url), (4, b"\xfb" * 64), [("b", "^2.0.0-rc.1", PROD, 2)])
        b.package("b", 3, b.npm("2.0.0-rc.1", ""), (1, b"\x01" * 20), [("gone", "^3", PROD, INVALID)])
        yield f"sample_v{version}", b.build()

        b = Builder(version)
        b.package("", 0, b.tagged(RES_ROOT, []), None, [])
        kinds = [
            b.tagged(RES_FOLDER, ["../lib"]),
            b.tagged(RES_LOCAL_TARBALL, ["vendor/x.tgz"]),
            b.tagged(RES_GITHUB, ["owner", "repo", "main", "owner-repo-abc1234"]),
            b.tagged(RES_GIT, ["", "git@example.test:team/repo.git", "", "def5678"]),
            b.tagged(RES_SYMLINK, ["../linked"]),
            b.tagged(RES_REMOTE_TARBALL, ["https://example.test/x.tgz"]),
        ]
        for i, res in enumerate(kinds):
            b.package(f"p{i}", 10 + i, res, None, [])
        yield f"kinds_v{version}", b.build()

        b = Builder(version)
        b.package("mono", 1, b.tagged(RES_ROOT, []), None,
                  [("web", "packages/web", WORKSPACE, 1), ("lib", "workspace:*", PROD, 2)])
        b.package("web", 0xABC, b.tagged(RES_WORKSPACE, ["packages/web"]), None,
                  [("lib", "workspace:*", PROD, 2), ("z", "1", PROD, 3)])
        b.package("lib", 0xDEF, b.tagged(RES_WORKSPACE, ["packages/lib"]), None, [])
        b.package("z", 4, b.npm("1.0.0", ""), None, [])
        v = b.semver("3.1.4")
        base = len(b.build()) - 16
        body = bytearray(base + 8)
        Builder.array(body, "\n<u64> 8 sizeof, 8 alignof\n", struct.pack("<Q", 0xABC))
        Builder.array(body, f"\n<Version> {len(v)} sizeof, 8 alignof\n", v)
        Builder.array(body, "\n<u64> 8 sizeof, 8 alignof\n", b"")
        Builder.array(body, "\n<String> 8 sizeof, 1 alignof\n", b"")
        b.trailer = b"wOrKsPaC" + bytes(body[base + 8 :])
        yield f"workspaces_v{version}", b.build()

    b = Builder(3)
    b.package("r", 1, b.tagged(RES_ROOT, []), None, [])
    base = len(b.build()) - 16
    body = bytearray(base + 8)
    Builder.array(body, "\n<u64> 8 sizeof, 8 alignof\n", b"\x01" * 16)
    Builder.array(body, "\n<PatchedDep> 24 sizeof, 8 alignof\n", b"\0" * 48)
    b.trailer = b"pAtChEdD" + bytes(body[base + 8 :])
    yield "patched_v3", b.build()


# ---------------------------------------------------------------- hand-written seeds

HAND = {
    "npm": [
        '{"name":"x","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{'
        '"":{"name":"x","version":"1.0.0","workspaces":["packages/*"],"dependencies":{"a":"^1"},'
        '"devDependencies":{"w":"*"}},'
        '"node_modules/a":{"version":"1.0.0","resolved":"https://registry.example.test/a/-/a-1.0.0.tgz",'
        '"integrity":"sha512-AAAA","dependencies":{"b":"^2"}},'
        '"node_modules/a/node_modules/b":{"version":"2.0.0","optional":true,"os":["linux"],"cpu":["x64"]},'
        '"node_modules/c":{"name":"react-is","version":"18.3.1","dev":true},'
        '"node_modules/w":{"resolved":"packages/w","link":true},'
        '"packages/w":{"name":"w","version":"0.1.0","peerDependencies":{"a":"*"},'
        '"peerDependenciesMeta":{"a":{"optional":true}}}}}',
        '{"lockfileVersion":1,"requires":true,"dependencies":{"a":{"version":"1.0.0",'
        '"requires":{"b":"^2"},"dependencies":{"b":{"version":"2.0.0","bundled":true}}},'
        '"g":{"version":"git+ssh://git@example.test/x.git#abcdef","from":"git+ssh://git@example.test/x.git"}}}',
        '{"lockfileVersion":2,"packages":{},"dependencies":{}}',
    ],
    "yarn_v1": [
        '# yarn lockfile v1\n\n\na@^1, "a@npm:1.0.0":\n  version "1.0.0"\n'
        '  resolved "https://registry.example.test/a/-/a-1.0.0.tgz#deadbeef"\n'
        '  integrity sha512-AAAA\n  dependencies:\n    b "^2"\n  optionalDependencies:\n    c "*"\n\n'
        'b@^2:\n  version "2.0.0"\n\n"w@file:./w":\n  version "0.0.0"\n',
        '# bun ./bun.lockb --hash: 0000\n# yarn lockfile v1\n\n\n"@s/x@^1":\n  version "1.1.0"\n',
    ],
    "yarn_berry": [
        '__metadata:\n  version: 8\n  cacheKey: 10c0\n\n'
        '"a@npm:^1.0.0":\n  version: 1.0.0\n  resolution: "a@npm:1.0.0"\n'
        '  dependencies:\n    b: "npm:^2"\n  peerDependencies:\n    c: "*"\n'
        '  peerDependenciesMeta:\n    c:\n      optional: true\n'
        '  checksum: 10c0/abcdef\n  languageName: node\n  linkType: hard\n\n'
        '"b@npm:^2":\n  version: 2.0.0\n  resolution: "b@npm:2.0.0"\n  languageName: node\n  linkType: hard\n\n'
        '"root@workspace:.":\n  version: 0.0.0-use.local\n  resolution: "root@workspace:."\n'
        '  dependencies:\n    a: "npm:^1.0.0"\n  languageName: unknown\n  linkType: soft\n\n'
        '"p@patch:p@npm%3A1.0.0#~/.yarn/patches/p.patch::version=1.0.0&hash=abc":\n'
        '  version: 1.0.0\n  resolution: "p@patch:p@npm%3A1.0.0#~/.yarn/patches/p.patch::version=1.0.0&hash=abc"\n'
        '  languageName: node\n  linkType: hard\n',
    ],
    "pnpm": [
        "lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n\nimporters:\n\n  .:\n"
        "    dependencies:\n      a:\n        specifier: ^1.0.0\n        version: 1.0.0(b@2.0.0)\n"
        "      w:\n        specifier: workspace:*\n        version: link:packages/w\n\n"
        "  packages/w: {}\n\npackages:\n\n  a@1.0.0:\n    resolution: {integrity: sha512-AAAA}\n"
        "    peerDependencies:\n      b: '*'\n\n  b@2.0.0:\n    resolution: {integrity: sha512-BBBB}\n\n"
        "snapshots:\n\n  a@1.0.0(b@2.0.0):\n    dependencies:\n      b: 2.0.0\n\n  b@2.0.0: {}\n",
        "lockfileVersion: '6.0'\n\ndependencies:\n  a:\n    specifier: ^1\n    version: 1.0.0\n\n"
        "packages:\n\n  /a@1.0.0:\n    resolution: {integrity: sha512-AAAA}\n    dev: false\n",
        "lockfileVersion: 5.4\n\nspecifiers:\n  a: ^1\n\ndependencies:\n  a: 1.0.0_b@2.0.0\n\n"
        "packages:\n\n  /a/1.0.0_b@2.0.0:\n    resolution: {integrity: sha512-AAAA}\n"
        "    dependencies:\n      b: 2.0.0\n    dev: false\n\n  /b/2.0.0:\n    resolution: {integrity: sha512-BBBB}\n    dev: false\n",
    ],
    "bun": [
        '{\n  "lockfileVersion": 1,\n  "workspaces": {\n    "": {\n      "name": "x",\n'
        '      "dependencies": {\n        "a": "^1",\n      },\n    },\n    "packages/w": {\n'
        '      "name": "w",\n      "version": "0.1.0",\n    },\n  },\n  "packages": {\n'
        '    "a": ["a@1.0.0", "", { "dependencies": { "b": "^2" } }, "sha512-AAAA"],\n'
        '    "a/b": ["b@2.0.0", "", {}, "sha512-BBBB"],\n'
        '    "w": ["w@workspace:packages/w"],\n  },\n}\n',
    ],
    "manifest": [
        '{"name":"root","version":"1.0.0","workspaces":["packages/*"],"dependencies":{"a":"^1"},'
        '"devDependencies":{"b":"2.0.0"},"optionalDependencies":{"a":"^1"},"peerDependencies":{"w":"*"}}',
        '{"name":"w","workspaces":{"packages":["a","b/*"]},"dependencies":{"w":"workspace:*","x":"file:../x"}}',
        "{}",
    ],
}


SRI_A = "sha512-" + base64.b64encode(bytes(range(64))).decode()
SRI_B = "sha512-" + base64.b64encode(bytes(range(64, 128))).decode()
HAND = {
    k: [s.replace("sha512-AAAA", SRI_A).replace("sha512-BBBB", SRI_B) for s in v]
    for k, v in HAND.items()
}

# ---------------------------------------------------------------- main

FAMILY_DIRS = {
    "npm": ["package-lock-v1", "package-lock-v2", "package-lock-v3"],
    "yarn_v1": ["yarn-v1"],
    "yarn_berry": ["yarn-berry"],
    "pnpm": ["pnpm-v5", "pnpm-v6", "pnpm-v9"],
    "bun": ["bun-lock"],
}
SUBSETTERS = {
    "npm": npm_subsets,
    "yarn_v1": yarn_subsets,
    "yarn_berry": yarn_subsets,
    "pnpm": pnpm_subsets,
    "bun": bun_subsets,
}
MODULES = {
    "npm": "npm.rs",
    "yarn_v1": "yarn_v1.rs",
    "yarn_berry": "yarn_berry.rs",
    "pnpm": "pnpm.rs",
    "bun": "bun.rs",
}


def raw_literals(path):
    if not path.exists():
        return []
    text = path.read_text()
    out = []
    for m in re.finditer(r'r(#+)"(.*?)"\1', text, re.S):
        s = m.group(2)
        if len(s) >= 16:
            out.append(s)
    return out


def main():
    if not CORPUS.is_dir():
        sys.exit(f"corpus not found at {CORPUS} (set PORTCULLIS_CORPUS)")
    small_for_detect = []
    for target, dirs in FAMILY_DIRS.items():
        for d in dirs:
            for f in sorted((CORPUS / d).iterdir()):
                if f.name.endswith((".truth.json", ".gz")):
                    continue
                stem = f"{d}-{f.name}"
                emit_text(target, stem, f.read_bytes())
                try:
                    subsets = list(SUBSETTERS[target](f))
                except Exception as e:  # a subsetter bug must not stop seeding
                    print(f"warning: {f}: {e}", file=sys.stderr)
                    subsets = []
                for label, text in subsets:
                    emit(target, f"{stem}.{label}", text)
                    if label in ("first3", "rand8"):
                        small_for_detect.append((f"{stem}.{label}", text))
        for i, s in enumerate(raw_literals(REPO / "crates/lockfile/src" / MODULES[target])):
            emit(target, f"inline-{i}", s)
            small_for_detect.append((f"{target}-inline-{i}", s))
        for i, s in enumerate(HAND[target]):
            emit(target, f"hand-{i}", s)
            small_for_detect.append((f"{target}-hand-{i}", s))

    # bun_binary: the real file whole (no -max_len cut for this target), plus built ones.
    for f in sorted((CORPUS / "bun-lockb").iterdir()):
        if f.name.endswith(".lockb"):
            emit("bun_binary", f.name, f.read_bytes())
    for name, data in lockb_seeds():
        emit("bun_binary", name, data)
        small_for_detect.append((f"lockb-{name}", data))

    for name, data in small_for_detect:
        emit("detect_and_parse", name, data)

    for i, s in enumerate(HAND["manifest"]):
        emit("manifest", f"hand-{i}", s)
    src = REPO / "crates/lockfile/src"
    for module in ("manifest.rs", "importers.rs", "yarn_v1.rs", "npm.rs", "discover.rs"):
        for i, s in enumerate(raw_literals(src / module)):
            if s.lstrip().startswith("{") and len(s) < 4096:
                emit("manifest", f"inline-{module}-{i}", s)
    # npm v2/v3 `packages[""]` and workspace entries are package.json-shaped.
    for d in ("package-lock-v2", "package-lock-v3"):
        for f in sorted((CORPUS / d).iterdir()):
            if not f.name.endswith(".json"):
                continue
            pkgs = json.loads(f.read_text()).get("packages", {})
            ws = [(k, v) for k, v in pkgs.items() if k == "" or not k.startswith("node_modules")
                  and "node_modules/" not in k]
            for k, v in ws[:20]:
                emit("manifest", f"{f.name}-{k.replace('/', '_') or 'root'}", json.dumps(v, indent=2))

    for t in sorted(written):
        print(f"{t}: {written[t]} seeds")


if __name__ == "__main__":
    main()
