#!/usr/bin/env bash
# Runs one fuzz target with the project's standard limits.
#   fuzz/scripts/run.sh TARGET [SECONDS] [extra libFuzzer flags...]
# FUZZ_CORPUS=DIR fuzzes from another corpus directory (default corpus/TARGET).
# Later flags win, so e.g. `-max_len=4096` after the defaults narrows a run to small inputs.
# Seeds must exist first: python3 fuzz/scripts/seed.py
set -euo pipefail
cd "$(dirname "$0")/.."
target=$1
secs=${2:-300}
shift $(( $# >= 2 ? 2 : 1 ))
case $target in
  npm | bun | manifest) dict=dicts/$target.dict ;;
  yarn_v1 | yarn_berry | pnpm) dict=dicts/$target.dict ;;
  detect_and_parse) dict=dicts/all.dict ;;
  bun_binary) dict= ;;
  osv_record | cvss_vector | npm_range | legacy_advisory) dict=dicts/$target.dict ;;
  archive) dict= ;;
  *) echo "unknown target $target" >&2; exit 2 ;;
esac
# Text targets: 64 KiB is enough for every structure; bun.lockb seeds include the 344 KiB
# real file, which must fit whole to parse.
max_len=65536
[ "$target" = bun_binary ] && max_len=524288
# Advisory targets (seeds: python3 fuzz/scripts/seed_advisory.py): a vector or a range is
# short; archive seeds are a few KB, and the target's limits cap what they unpack to.
case $target in
  cvss_vector) max_len=512 ;;
  npm_range) max_len=1024 ;;
  archive) max_len=16384 ;;
esac
corpus=${FUZZ_CORPUS:-corpus/$target}
mkdir -p "$corpus" "artifacts/$target"
exec cargo +nightly fuzz run -O -a "$target" "$corpus" -- \
  ${dict:+-dict=$dict} \
  -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len="$max_len" \
  -print_final_stats=1 "$@"
