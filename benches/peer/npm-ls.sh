#!/usr/bin/env bash
# Whole-process comparison on the npm corpus lockfiles: `npm ls --all --package-lock-only --json`
# vs `portcullis ls --format json`, wall time (hyperfine) and peak RSS (GNU time).
#
# npm ls needs the project's package.json files; they are rebuilt here from the lockfile's own
# root and workspace entries into a temp dir (nothing is installed, no script runs).
# Usage: benches/peer/npm-ls.sh [CORPUS_DIR]   (default ../shared/data/lockfiles)
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=${1:-../shared/data/lockfiles}
[ -d "$corpus" ] || { echo "corpus $corpus absent" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine missing: apt-get install hyperfine" >&2; exit 2; }
cargo build --release -q -p portcullis
bin=$PWD/target/release/portcullis
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for lock in "$corpus"/package-lock-v*/*.json; do
  case "$lock" in *.truth.json) continue ;; esac
  name=$(basename "$lock")
  dir="$work/${name%.json}"
  mkdir -p "$dir"
  target=package-lock.json
  case "$name" in *shrinkwrap*) target=npm-shrinkwrap.json ;; esac
  cp "$lock" "$dir/$target"
  # package.json for the root and each workspace folder, from the lockfile's own entries.
  node -e '
    const fs = require("fs"), path = require("path");
    const [dir, file] = process.argv.slice(1);
    const lock = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
    const pick = (e) => { const o = {};
      for (const k of ["name","version","workspaces","dependencies","devDependencies","optionalDependencies","peerDependencies","peerDependenciesMeta","bin","engines","license"]) if (e[k] !== undefined) o[k] = e[k];
      return o; };
    if (lock.packages) {
      for (const [k, e] of Object.entries(lock.packages)) {
        if (k.includes("node_modules/")) continue;
        const d = path.join(dir, k); fs.mkdirSync(d, { recursive: true });
        fs.writeFileSync(path.join(d, "package.json"), JSON.stringify(pick(e), null, 2));
      }
    } else {
      const deps = {}; for (const [n, e] of Object.entries(lock.dependencies || {})) if (!e.dev) deps[n] = e.version;
      const dev = {}; for (const [n, e] of Object.entries(lock.dependencies || {})) if (e.dev) dev[n] = e.version;
      fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: lock.name, version: lock.version, dependencies: deps, devDependencies: dev }, null, 2));
    }' "$dir" "$target"
  echo "== $name ($(du -k "$lock" | cut -f1) KiB)"
  hyperfine -N -i --warmup 2 --runs 10 --export-json "$work/$name.hyperfine.json" \
    -n "npm ls" "npm ls --all --package-lock-only --json --ignore-scripts --offline --no-update-notifier --prefix $dir" \
    -n "portcullis ls" "$bin ls --format json --lockfile $dir/$target" 2>&1 | grep -E "Time|±|faster|^  " || true
  for cmd in "npm ls --all --package-lock-only --json --ignore-scripts --offline --no-update-notifier --prefix $dir" "$bin ls --format json --lockfile $dir/$target"; do
    /usr/bin/time -f "%M" $cmd >/dev/null 2>"$work/time.err" || true
    echo "   peak RSS $(tail -1 "$work/time.err") KiB: ${cmd%% --*}"
  done
done
