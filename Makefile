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
# Every fuzz target, 30 s each (FUZZTIME=10m make fuzz for a release).
fuzz:
	./scripts/fuzz.sh
bench:
	go test -run '^$$' -bench . -benchmem ./...
release-check:
	$(GORELEASER) check
# Build the .deb as released, install it with dpkg -i, check the binary and
# the man page, remove it again (needs root or sudo).
package-check:
	./scripts/package-check.sh
