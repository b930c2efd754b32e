package sandbox

import (
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

// WriteProfile adds or replaces the [profile NAME] section of the
// configuration file at path, keeping every other line as it was. It sets
// "default = NAME" only when the file has no default, and reports whether
// NAME is the default now, and since when. The file is read and written by
// cmdutil.ConfigFile, the one reader every other command uses, so a file
// those commands would refuse is refused here too, before anything is
// written, instead of being kept and failing the next command.
func WriteProfile(path, name string, values [][2]string) (DefaultStatus, error) {
	cf, _, err := cmdutil.ReadConfigFile(path)
	if err != nil {
		return otherDefault, err
	}
	def := otherDefault
	switch cf.Default() {
	case "":
		cf.Set("", "default", name)
		def = madeDefault
	case name:
		def = wasDefault
	}
	cf.ReplaceProfile(name, "Written by mwoauth sandbox; rerun it to recreate.", values)
	return def, cf.Write()
}
