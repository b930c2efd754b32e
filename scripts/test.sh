#!/usr/bin/env bash
# The whole test suite, as README and CI run it. Installs what the tests need
# on a fresh Debian machine when it is missing: mariadb-server (the database
# tests start their own throwaway server), sqlite3 (reads rows back), jq (the
# guides pipe JSON into it), man-db (the man pages are rendered with man -l),
# GNU parallel (the scan-at-scale guide and scan-partial.txtar shard a log
# with it).
# Then: gofmt, go mod tidy, go vet, and go test -race -count=1, which includes
# the stale-docs check, the README's and the guides' shell blocks
# (docs/doctest), the fuzz seed corpora and the MariaDB + SQLite tests.
#
# With CI=true a test that skips fails the run unless .ci/allowed-skips names
# it with a reason: a missing server, tool or ../shared must be a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need_apt+=(mariadb-server)
command -v sqlite3 >/dev/null 2>&1 || need_apt+=(sqlite3)
command -v jq >/dev/null 2>&1 || need_apt+=(jq)
command -v man >/dev/null 2>&1 || need_apt+=(man-db)
command -v parallel >/dev/null 2>&1 || need_apt+=(parallel)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

step() { echo "== $1"; step_start=$SECONDS; }
took() { echo "   ($(( SECONDS - step_start ))s)"; }

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt would change:"; echo "$unformatted"; exit 1; fi
took

step "go mod tidy"
go mod tidy -diff
took

step "go vet"
go vet ./...
took

# Layers (depguard), process streams and environment (forbidigo) and the
# linters in .golangci.yml. Pinned; "go run pkg@version" builds it once
# (about 3 minutes on 2 cores, modules from the Go proxy) and then runs it
# from the Go build cache (a few seconds to start, under a minute to lint).
# It runs from a link to this checkout at a path holding /db/ and /review/,
# as a clone or worktree of that name would be: the layer rules must match
# the repository's own directories wherever it is cloned (an unanchored
# **/db/** glob once linted every file there as a library).
step "golangci-lint"
lintdir=$(mktemp -d)
trap 'rm -rf "$lintdir"' EXIT
mkdir -p "$lintdir/db/review"
ln -s "$PWD" "$lintdir/db/review/mwoauth"
(cd "$lintdir/db/review/mwoauth" && go run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0 run ./...)
took

step "go test -race"
report=$(mktemp -d)
trap 'rm -rf "$report" "$lintdir"' EXIT
go build -o "$report/testreport" ./cmd/testreport
fail_on_skip=()
[ "${CI:-}" = true ] && fail_on_skip=(-fail-on-skip)
go test -race -count=1 -json ./... | "$report/testreport" -allow .ci/allowed-skips "${fail_on_skip[@]}"
took

# The race detector changes what allocations cost, so the checks that count
# them (logscan's raceEnabled) skip or loosen under -race; here they run as
# they are meant to, and a skip is a failure.
step "go test (allocation checks, without -race)"
go test -count=1 -json -run '^(TestFastJudgeGarbage|TestStateEstimate)$' ./logscan | "$report/testreport" "${fail_on_skip[@]}"
took
