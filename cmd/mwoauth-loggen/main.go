// Command mwoauth-loggen writes synthetic access logs with known token
// verdicts, for testing and benchmarking "mwoauth token scan".
package main

import (
	"os"

	"github.com/mwoauth/mwoauth/internal/loggen"
)

func main() { os.Exit(loggen.Main(os.Args[1:], os.Stdout, os.Stderr)) }
