// Package docgen writes the command reference and man pages. It lives apart
// from package commands so the mwoauth binary does not link cobra/doc and its
// Markdown and YAML dependencies (start-up time).
package docgen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/mwoauth/mwoauth/commands"
	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// GenDocs writes the Markdown command reference to mdDir (with a page per
// help topic) and man pages to manDir; an empty directory name skips that
// part. The output depends only on the command tree, so CI can regenerate
// and diff it.
func GenDocs(mdDir, manDir string) error {
	root := Root()
	for _, d := range []string{mdDir, manDir} {
		if d == "" {
			continue
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if mdDir != "" {
		if err := doc.GenMarkdownTree(root, mdDir); err != nil {
			return fmt.Errorf("markdown: %w", err)
		}
		for _, t := range root.Commands() {
			if !t.IsAdditionalHelpTopicCommand() {
				continue
			}
			page := "# mwoauth " + t.Name() + "\n\n" + t.Short + ".\n\n```text\n" + strings.Trim(t.Long, "\n") + "\n```\n"
			if err := os.WriteFile(filepath.Join(mdDir, "mwoauth_"+t.Name()+".md"), []byte(page), 0o644); err != nil {
				return err
			}
		}
	}
	if manDir != "" {
		for _, p := range manPages(root, manDate) {
			if err := os.WriteFile(filepath.Join(manDir, p.file), p.text, 0o644); err != nil {
				return fmt.Errorf("man: %w", err)
			}
		}
	}
	return nil
}

// Root is the whole command tree as the docs describe it: every command,
// the completion commands, and no auto-generated date tag.
func Root() *cobra.Command {
	ios, _, _, _ := cmdutil.Test()
	root := commands.NewCmdRoot(cmdutil.NewFactory(ios))
	root.InitDefaultCompletionCmd()
	disableAutoGenTag(root)
	return root
}

func disableAutoGenTag(c *cobra.Command) {
	c.DisableAutoGenTag = true
	for _, s := range c.Commands() {
		disableAutoGenTag(s)
	}
}
