#!/usr/bin/env bash
# Runs every fuzz target in the tree, one after another, each for
# FUZZTIME (default 30s; issue 12's bar for a release is 10m) with one
# worker, and stops at the first failure, whose input go test writes
# under the package's testdata/fuzz (commit it: it then runs in every
# plain "go test").
#
#   scripts/fuzz.sh                  every target, 30s each
#   FUZZTIME=10m scripts/fuzz.sh     every target, 10 minutes each
#   scripts/fuzz.sh ./envoy          the targets of some packages
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-30s}
pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)
# shellcheck disable=SC2046
for dir in $(go list -f '{{.Dir}}' "${pkgs[@]}"); do
  rel=./${dir#"$PWD"/}
  [ "$dir" = "$PWD" ] && rel=.
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "== $rel $target ($FUZZTIME)"
    go test "$rel" -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" -parallel 1
  done
done
