#!/usr/bin/env bash
# Fills the git-ignored .corpus/ with the third-party source the corpus tests analyse (never committed):
#  - transformers trees from the public fork feisenyu/transformers_4573 (full history), by commit;
#  - released transformers wheels from the machine's package index, unpacked as SRC/transformers.
# Usage: tools/fetch-corpus.sh [MIRROR_GIT_DIR]   (default: the search tool's mirror under /work/.mirror)
set -euo pipefail
cd "$(dirname "$0")/.."
mirror=${1:-/work/.mirror/feisenyu+transformers_4573/repo}
mkdir -p .corpus
# name                                   commit of the fork
trees=(
  "transformers-4.44.0.dev0-50c3ba889a 50c3ba889a7f9c30e78211e32dffe38e08ecc752"
  "transformers-4.52.0.dev0-f834d368f6 f834d368f6a21ed54188d9c96fbb9013b1d2c75f"
  "transformers-5.0.0.dev0-d6a6c82680 d6a6c82680cba9c51decdacac6dd6315ea4a766a"
)
for t in "${trees[@]}"; do
  set -- $t
  [ -d ".corpus/$1/src/transformers" ] && continue
  [ -d "$mirror" ] || { echo "no mirror at $mirror: fetch github:feisenyu/transformers_4573 first" >&2; exit 1; }
  mkdir -p ".corpus/$1"
  git --git-dir="$mirror" archive "$2" src/transformers | tar -x -C ".corpus/$1"
  echo "$1: commit $2" >> .corpus/INDEX.md
done
# Released wheels (pip's configured local index); a wheel holds transformers/ at its root.
for v in 4.57.6 5.17.0 5.18.0; do
  d=".corpus/transformers-$v/src"
  [ -d "$d/transformers" ] && continue
  tmp=$(mktemp -d)
  python3 -m pip download -q --no-deps --retries 0 --timeout 5 -d "$tmp" "transformers==$v"
  mkdir -p "$d"
  python3 -m zipfile -e "$tmp"/transformers-"$v"-*.whl "$tmp/x"
  mv "$tmp/x/transformers" "$d/"
  rm -rf "$tmp"
  echo "transformers-$v: wheel transformers==$v from the package index" >> .corpus/INDEX.md
done
ls .corpus
