package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mwoauth/mwoauth/commands/cmdutil"
)

// DefaultStatus says whether a profile WriteProfile wrote is the file's
// default.
type DefaultStatus int

const (
	otherDefault DefaultStatus = iota // the file names another default
	madeDefault                       // the file had none: now it is this one
	wasDefault                        // the file already named this one
)

// IsDefault: the profile is the file's default after the write.
func (d DefaultStatus) IsDefault() bool { return d != otherDefault }

// WriteProfile adds or replaces the [profile NAME] section of the INI file
// at path, keeping every other line as it was. It sets "default = NAME" only
// when the file has no default, and reports whether NAME is the default
// now, and since when.
func WriteProfile(path, name string, values [][2]string) (def DefaultStatus, err error) {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return otherDefault, err
	}
	ini, err := cmdutil.ParseINI(strings.NewReader(string(old)))
	if err != nil {
		return otherDefault, fmt.Errorf("%s: %v", path, err)
	}
	var kept []string
	inTarget := false
	for _, line := range strings.Split(strings.TrimRight(string(old), "\n"), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[") {
			end := strings.IndexByte(t, ']')
			sec := t
			if end > 0 {
				sec = strings.Join(strings.Fields(t[1:end]), " ")
			}
			inTarget = sec == "profile "+name
		}
		if !inTarget {
			kept = append(kept, line)
		}
	}
	for len(kept) > 0 && strings.TrimSpace(kept[len(kept)-1]) == "" {
		kept = kept[:len(kept)-1]
	}
	switch ini.Global["default"] {
	case "":
		kept = append([]string{"default = " + name}, kept...)
		def = madeDefault
	case name:
		def = wasDefault
	}
	var b strings.Builder
	for _, l := range kept {
		b.WriteString(l + "\n")
	}
	if len(kept) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("[profile " + name + "]\n")
	b.WriteString("# Written by mwoauth sandbox; rerun it to recreate.\n")
	for _, kv := range values {
		b.WriteString(kv[0] + " = " + kv[1] + "\n")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return otherDefault, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return otherDefault, err
	}
	return def, os.Rename(tmp, path)
}
