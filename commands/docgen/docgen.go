// Package docgen writes the command reference and man pages. It lives apart
// from package commands so the mwoauth binary does not link cobra/doc and its
// Markdown and YAML dependencies (start-up time).
package docgen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/mwoauth/mwoauth/commands"
	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// manDate is fixed so regenerating the man pages does not churn them.
var manDate = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// GenDocs writes the Markdown command reference to mdDir, man pages to
// manDir and the exit-code page next to the reference. The output depends
// only on the command tree, so CI can regenerate and diff it.
func GenDocs(mdDir, manDir string) error {
	ios, _, _, _ := cmdutil.Test()
	root := commands.NewCmdRoot(cmdutil.NewFactory(ios))
	root.InitDefaultCompletionCmd()
	disableAutoGenTag(root)
	for _, d := range []string{mdDir, manDir} {
		if err := os.MkdirAll(d, 0o755); err != nil { // cobra/doc does not create it
			return err
		}
	}
	if err := doc.GenMarkdownTree(root, mdDir); err != nil {
		return fmt.Errorf("markdown: %w", err)
	}
	hdr := &doc.GenManHeader{Title: "MWOAUTH", Section: "1", Source: "mwoauth", Manual: "mwoauth manual", Date: &manDate}
	if err := doc.GenManTree(root, hdr, manDir); err != nil {
		return fmt.Errorf("man: %w", err)
	}
	page := "# mwoauth exit codes\n\n```\n" + strings.TrimRight(commands.ExitCodesText(), "\n") + "\n```\n"
	return os.WriteFile(filepath.Join(mdDir, "mwoauth_exit-codes.md"), []byte(page), 0o644)
}

func disableAutoGenTag(c *cobra.Command) {
	c.DisableAutoGenTag = true
	for _, s := range c.Commands() {
		disableAutoGenTag(s)
	}
}
