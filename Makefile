GORELEASER := go run github.com/goreleaser/goreleaser/v2@v2.15.1

# What `mwoauth version` reports for a build from this checkout: the tag if
# HEAD has one (else "dev"), the commit and its date. Empty outside git.
VERSION := $(shell git describe --tags --exact-match 2>/dev/null)
COMMIT  := $(shell git rev-parse --short HEAD 2>/dev/null)
DATE    := $(shell git log -1 --format=%cI 2>/dev/null)
LDFLAGS := -X github.com/mwoauth/mwoauth/commands.version=$(VERSION) \
           -X github.com/mwoauth/mwoauth/commands.commit=$(COMMIT) \
           -X github.com/mwoauth/mwoauth/commands.date=$(DATE)

.PHONY: build install test docs sandbox fuzz bench release-check package-check
build:
	go build -ldflags "$(LDFLAGS)" -o bin/mwoauth ./cmd/mwoauth
# Into $(go env GOBIN), or $(go env GOPATH)/bin.
install:
	go install -ldflags "$(LDFLAGS)" ./cmd/mwoauth
test:
	./scripts/test.sh
docs:
	go run ./cmd/gendocs -out docs/reference -man docs/man
sandbox:
	go run ./cmd/mwoauth sandbox
fuzz:
	go test ./jwtutil -run '^$$' -fuzz FuzzExtract -fuzztime 30s
	go test ./jwtutil -run '^$$' -fuzz FuzzParse -fuzztime 30s
	go test ./docs/doctest -run '^$$' -fuzz FuzzParse -fuzztime 30s
	go test ./db/mycnf -run '^$$' -fuzz FuzzParse -fuzztime 30s
bench:
	go test -run '^$$' -bench . -benchmem ./...
release-check:
	$(GORELEASER) check
# Build the .deb as released, install it with dpkg -i, check the binary and
# the man page, remove it again (needs root or sudo).
package-check:
	./scripts/package-check.sh
