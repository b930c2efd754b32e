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
	md := flag.String("out", "docs/reference", "Markdown output directory")
	man := flag.String("man", "docs/man", "man page output directory")
	flag.Parse()
	if err := docgen.GenDocs(*md, *man); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}
