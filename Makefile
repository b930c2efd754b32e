.PHONY: build test docs sandbox fuzz bench release-check
build:
	go build -o bin/mwoauth ./cmd/mwoauth
test:
	./scripts/test.sh
docs:
	go run ./cmd/gendocs -out docs/reference -man docs/man
sandbox:
	go run ./cmd/mwoauth sandbox
fuzz:
	go test ./jwtutil -run '^$$' -fuzz FuzzExtract -fuzztime 30s
	go test ./jwtutil -run '^$$' -fuzz FuzzParse -fuzztime 30s
bench:
	go test -run '^$$' -bench . -benchmem ./...
release-check:
	go run github.com/goreleaser/goreleaser/v2@v2.15.1 check
