package docgen

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// The roff is written here rather than by cobra/doc's GenManTree, which has
// no EXIT STATUS, ENVIRONMENT or FILES section, renders a group's synopsis as
// "mwoauth   [flags]" and lets groff turn "--flag" into typographic hyphens
// that cannot be pasted back into a shell. What goes in the pages still
// comes from one place each: the command tree (names, usage, flags,
// examples), cmdutil.ExitCodeTable (EXIT STATUS) and cmdutil.Settings
// (ENVIRONMENT).

// Man page sections. The help topics (exit codes, environment) are not
// commands but conventions and overviews, which is what section 7 holds
// (man-pages(7); git does the same with gitcli(7)); "man mwoauth-exit-codes"
// finds them either way.
const (
	sectionCommand = "1"
	sectionTopic   = "7"
)

// CommandSections are the sections of every command's page, in order.
var CommandSections = []string{"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO"}

// TopicSections are the sections of a help topic's page.
var TopicSections = []string{"NAME", "DESCRIPTION", "SEE ALSO"}

// manDate is fixed so regenerating the man pages does not churn them.
var manDate = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// manPage is one rendered man page: its file name (mwoauth-token-verify.1)
// and its roff.
type manPage struct {
	file string
	text []byte
}

// manPages renders a page for every available command
// (mwoauth-token-verify.1) and every help topic (mwoauth-exit-codes.7) of
// root; GenDocs writes them.
func manPages(root *cobra.Command, date time.Time) []manPage {
	var cmds, topics []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		switch {
		case c.IsAdditionalHelpTopicCommand():
			topics = append(topics, c)
		case c == root || c.IsAvailableCommand():
			cmds = append(cmds, c)
			for _, s := range c.Commands() {
				walk(s)
			}
		}
	}
	walk(root)
	var pages []manPage
	for _, c := range cmds {
		pages = append(pages, renderPage(pageName(c), sectionCommand, commandPage(root, c, topics), date))
	}
	for _, c := range topics {
		pages = append(pages, renderPage(pageName(c), sectionTopic, topicPage(root, c, topics), date))
	}
	return pages
}

func pageName(c *cobra.Command) string { return strings.ReplaceAll(c.CommandPath(), " ", "-") }

func pageRef(c *cobra.Command) string {
	sec := sectionCommand
	if c.IsAdditionalHelpTopicCommand() {
		sec = sectionTopic
	}
	return pageName(c) + "(" + sec + ")"
}

// page collects the sections of one man page as roff.
type page struct {
	b strings.Builder
}

func (p *page) section(name string) { fmt.Fprintf(&p.b, ".SH %s\n", name) }
func (p *page) line(s string)       { p.b.WriteString(s + "\n") }

func renderPage(name, section string, body *page, date time.Time) manPage {
	var b strings.Builder
	// No hyphenation, so paths, DSNs and variable names stay whole; groff's
	// man macros read HY at .TH (.nh after it is undone by every paragraph).
	b.WriteString(".nr HY 0\n")
	fmt.Fprintf(&b, ".TH %s %s %s %s %s\n", roffArg(strings.ToUpper(name)), section,
		roffArg(date.Format("2006-01-02")), roffArg("mwoauth"), roffArg("mwoauth manual"))
	b.WriteString(body.b.String())
	return manPage{file: name + "." + section, text: []byte(b.String())}
}

func commandPage(root, c *cobra.Command, topics []*cobra.Command) *page {
	p := &page{}
	p.section("NAME")
	p.line(roffText(pageName(c)) + ` \- ` + roffText(c.Short))

	p.section("SYNOPSIS")
	if subs := availableSubcommands(c); len(subs) > 0 && c != root {
		// A group's synopsis is its subcommands', as git's pages show theirs.
		for _, s := range subs {
			p.line(synopsis(s))
		}
	} else {
		p.line(synopsis(c))
	}

	p.section("DESCRIPTION")
	long := c.Long
	if long == "" {
		long = c.Short + "."
	}
	p.line(roffParagraphs(long))
	if subs := availableSubcommands(c); len(subs) > 0 {
		p.section("COMMANDS")
		for _, s := range subs {
			p.line(".TP")
			p.line(`\fB` + roffText(s.Name()) + `\fR`)
			p.line(roffText(s.Short) + ": " + roffText(pageRef(s)) + ".")
		}
	}

	p.section("OPTIONS")
	local := c.NonInheritedFlags()
	inherited := c.InheritedFlags()
	if !local.HasAvailableFlags() && !inherited.HasAvailableFlags() {
		p.line("None.")
	}
	writeFlags(p, local)
	if inherited.HasAvailableFlags() {
		p.line(`.SS "Global options"`)
		writeFlags(p, inherited)
	}

	p.section("EXIT STATUS")
	for _, e := range cmdutil.ExitCodeTable {
		p.line(".TP")
		p.line(fmt.Sprintf(`\fB%d\fR`, e.Code))
		p.line(roffText(e.Name + ": " + e.Meaning))
	}
	p.line(".PP")
	p.line("One table for every command; " + topicRef(topics, "exit-codes") + " says which failure wins when several apply.")

	p.section("ENVIRONMENT")
	env := settingsOf(c)
	if len(env) > 0 {
		p.line("A setting missing from the command line is read from the environment or from the profile:")
		for _, k := range env {
			p.line(".TP")
			p.line(`\fB` + roffText(cmdutil.EnvName(k.Key)) + `\fR`)
			p.line(roffText(k.Help) + `; the \fB` + roffText("--"+k.Key) + `\fR option, profile key \fB` + roffText(k.Key) + `\fR.`)
		}
		p.line(".PP")
	}
	p.line(topicRef(topics, "environment") + " lists every variable mwoauth reads, and the order settings resolve in.")

	p.section("FILES")
	p.line(".TP")
	p.line(`\fI$XDG_CONFIG_HOME/mwoauth/config\fR (default \fI~/.config/mwoauth/config\fR)`)
	p.line(roffText("The configuration file: INI, with a default profile and [profile NAME] sections. --config or MWOAUTH_CONFIG names another; mwoauth config show prints the one in use."))
	if hasFlag(c, "db") {
		p.line(".TP")
		p.line(`\fI~/.my.cnf\fR`)
		p.line(roffText("The MariaDB/MySQL client option file, read as the mariadb client reads it ([client], [mysql] and its other groups, the last value winning; comments, quotes, escapes, !include and !includedir): it supplies what a mysql: DSN leaves out, the user, the password, and for a DSN without an address the host, port and socket."))
	}

	p.section("EXAMPLES")
	p.line(".EX")
	for _, l := range examples(c) {
		p.line(roffLiteral(l))
	}
	p.line(".EE")

	p.section("SEE ALSO")
	var refs []*cobra.Command
	if c.HasParent() {
		refs = append(refs, c.Parent())
	}
	for _, s := range availableSubcommands(c) {
		refs = append(refs, s)
	}
	for _, t := range topics {
		refs = append(refs, t)
	}
	p.line(seeAlso(refs))
	return p
}

func topicPage(root, c *cobra.Command, topics []*cobra.Command) *page {
	p := &page{}
	p.section("NAME")
	p.line(roffText(pageName(c)) + ` \- ` + roffText(c.Short))
	p.section("DESCRIPTION")
	p.line(roffParagraphs(c.Long))
	p.section("SEE ALSO")
	refs := []*cobra.Command{root}
	for _, t := range topics {
		if t != c {
			refs = append(refs, t)
		}
	}
	p.line(seeAlso(refs))
	return p
}

func topicRef(topics []*cobra.Command, name string) string {
	for _, t := range topics {
		if t.Name() == name {
			return `\fB` + roffText(pageName(t)) + `\fR(` + sectionTopic + `)`
		}
	}
	return `\fBmwoauth help ` + roffText(name) + `\fR`
}

func seeAlso(refs []*cobra.Command) string {
	var parts []string
	for _, r := range refs {
		sec := sectionCommand
		if r.IsAdditionalHelpTopicCommand() {
			sec = sectionTopic
		}
		parts = append(parts, `\fB`+roffText(pageName(r))+`\fR(`+sec+`)`)
	}
	return strings.Join(parts, ",\n")
}

func availableSubcommands(c *cobra.Command) []*cobra.Command {
	var subs []*cobra.Command
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() {
			subs = append(subs, s)
		}
	}
	return subs
}

// synopsis is the command path and the arguments of its Use line, as a
// .SY block (wrapped lines hang under the arguments); "[flags]" is spelled
// "[options]", as the OPTIONS section is called, and added when the command
// has options and its Use line does not say so.
func synopsis(c *cobra.Command) string {
	_, args, _ := strings.Cut(c.Use, " ")
	args = strings.TrimSpace(strings.ReplaceAll(args, "[flags]", ""))
	if c.HasAvailableFlags() {
		args = strings.TrimSpace(args + " [options]")
	}
	out := ".SY " + roffArg(c.CommandPath()) + "\n"
	if args != "" {
		out += roffText(strings.Join(strings.Fields(args), " ")) + "\n"
	}
	return out + ".YS"
}

func writeFlags(p *page, fs *pflag.FlagSet) {
	fs.VisitAll(func(fl *pflag.Flag) {
		if fl.Hidden {
			return
		}
		varname, usage := pflag.UnquoteUsage(fl)
		head := ""
		if fl.Shorthand != "" && fl.ShorthandDeprecated == "" {
			head = `\fB` + roffText("-"+fl.Shorthand) + `\fR, `
		}
		head += `\fB` + roffText("--"+fl.Name) + `\fR`
		if varname != "" {
			head += ` \fI` + roffText(varname) + `\fR`
		}
		if def := flagDefault(fl); def != "" && !strings.Contains(usage, "(default") {
			usage += " (default " + def + ")"
		}
		p.line(".TP")
		p.line(head)
		p.line(roffText(usage))
	})
}

// flagDefault is the default worth printing: none for the zero values.
func flagDefault(fl *pflag.Flag) string {
	switch fl.DefValue {
	case "", "false", "0", "[]", "0s":
		return ""
	}
	if fl.Value.Type() == "string" {
		return fmt.Sprintf("%q", fl.DefValue)
	}
	return fl.DefValue
}

// settingsOf lists the settings (cmdutil.Settings) the command has a flag
// for, in the table's order.
func settingsOf(c *cobra.Command) []struct{ Key, Help string } {
	var out []struct{ Key, Help string }
	for _, k := range cmdutil.Settings {
		if hasFlag(c, k.Key) {
			out = append(out, struct{ Key, Help string }{k.Key, k.Help})
		}
	}
	return out
}

func hasFlag(c *cobra.Command, name string) bool {
	return c.Flags().Lookup(name) != nil || c.InheritedFlags().Lookup(name) != nil
}

// examples are the command's own, or for a group the first example of
// each subcommand, so every page shows at least one line to paste.
func examples(c *cobra.Command) []string {
	if ex := strings.Trim(c.Example, "\n"); ex != "" {
		return strings.Split(ex, "\n")
	}
	var out []string
	var walk func(*cobra.Command)
	walk = func(s *cobra.Command) {
		for _, sub := range availableSubcommands(s) {
			if ex := strings.Trim(sub.Example, "\n"); ex != "" {
				first, _, _ := strings.Cut(ex, "\n")
				out = append(out, first)
			} else {
				walk(sub)
			}
		}
	}
	walk(c)
	return out
}
