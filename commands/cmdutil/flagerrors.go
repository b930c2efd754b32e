package cmdutil

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

var (
	unknownFlagRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^unknown flag: --(.+)$`) })
	badValueRE    = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^invalid argument "((?s).*)" for "(?:-[^,]+, )?--([^"]+)" flag: `)
	})
	needsValueRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^flag needs an argument: (?:'(.)' in -.|--(.+))$`) })
)

// FriendlyFlagError is the root's flag error function: pflag's messages
// made into what a user can act on, each a usage error (exit 2) that ends
// by pointing at the command's --help:
//
//	unknown flag: --reson; did you mean --reason?
//	--after wants a whole number, not "abc"
//	--expires-in wants a duration with a unit, such as 30s, 15m or 2h, not "30"
//	--reason needs a value
func FriendlyFlagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	help := fmt.Sprintf(" (see %s --help)", cmd.CommandPath())
	if m := unknownFlagRE().FindStringSubmatch(msg); m != nil {
		name := m[1]
		if i := strings.IndexByte(name, '='); i >= 0 {
			name = name[:i]
		}
		var names []string
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if !f.Hidden {
				names = append(names, f.Name)
			}
		})
		text := "unknown flag: --" + name
		if s := Suggest(name, names); len(s) > 0 {
			text += "; did you mean --" + s[0] + "?"
		}
		return &FlagError{Err: fmt.Errorf("%s%s", text, help)}
	}
	if m := badValueRE().FindStringSubmatch(msg); m != nil {
		val, name := m[1], m[2]
		if fl := cmd.Flags().Lookup(name); fl != nil {
			if want := wantedForm(fl.Value.Type()); want != "" {
				return FlagErrorf("--%s wants %s, not %q%s", name, want, val, help)
			}
		}
	}
	if m := needsValueRE().FindStringSubmatch(msg); m != nil {
		name := "--" + m[2]
		if m[1] != "" {
			name = "-" + m[1]
			if fl := cmd.Flags().ShorthandLookup(m[1]); fl != nil {
				name = "--" + fl.Name
			}
		}
		return FlagErrorf("%s needs a value%s", name, help)
	}
	return &FlagError{Err: fmt.Errorf("%s%s", msg, help)}
}

// wantedForm describes, for people, the values a flag type accepts.
func wantedForm(typ string) string {
	switch typ {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "a whole number"
	case "float32", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "duration":
		return "a duration with a unit, such as 30s, 15m or 2h"
	case "intSlice", "int64Slice", "uintSlice":
		return "whole numbers separated by commas"
	}
	return ""
}
