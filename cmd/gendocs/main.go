// Command gendocs regenerates docs/reference (Markdown) and docs/man (man
// pages) from the command tree. CI fails when the committed copies differ.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/mwoauth/mwoauth/commands/docgen"
)

func main() {
	flag.Usage = func() {
		// goreleaser's hook gives -out "" to build only the man pages.
		fmt.Fprintln(os.Stderr, "usage: go run ./cmd/gendocs [-out dir] [-man dir]   (an empty dir writes no pages of that kind)")
		flag.PrintDefaults()
	}
	md := flag.String("out", "docs/reference", "Markdown output directory")
	man := flag.String("man", "docs/man", "man page output directory")
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := docgen.GenDocs(*md, *man); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}
