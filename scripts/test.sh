#!/usr/bin/env bash
# The whole test suite, as README and CI run it. Installs what it needs on a
# fresh Debian machine (MariaDB server for the database tests, jose for the
# benchmark peers), then: gofmt, go vet, go test -race (which includes the
# stale-docs check, the fuzz seed corpora and the MariaDB + SQLite tests).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need_apt+=(mariadb-server)
command -v sqlite3 >/dev/null 2>&1 || need_apt+=(sqlite3)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt would change:"; echo "$unformatted"; exit 1; fi

echo "== go mod tidy"
go mod tidy -diff

echo "== go vet"
go vet ./...

# Layers (depguard), process streams and environment (forbidigo) and the
# linters in .golangci.yml. Pinned; "go run pkg@version" builds it once
# (about 3 minutes on 2 cores, modules from the Go proxy) and then runs it
# from the Go build cache (a few seconds to start, under a minute to lint).
echo "== golangci-lint"
go run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0 run ./...

echo "== go test -race"
go test -race -count=1 ./...
