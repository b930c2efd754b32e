// Command mwoauth is the MediaWiki OAuth admin and token toolkit.
package main

import (
	"os"

	"github.com/mwoauth/mwoauth/commands"
)

func main() { os.Exit(commands.Main()) }
