package commands

import (
	"runtime/debug"
	"testing"
)

func TestBuildInfo(t *testing.T) {
	vcs := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	for _, c := range []struct {
		name           string
		bi             *debug.BuildInfo
		ver, rev, when string
	}{
		{"no build info", nil, "dev", "", ""},
		{"go build in a checkout", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"},
			Settings: vcs("vcs.revision", "1b1a9f4c0ffee", "vcs.time", "2026-11-22T09:30:00Z", "vcs.modified", "false")},
			"dev", "1b1a9f4c0ffee", "2026-11-22T09:30:00Z"},
		{"local changes", &debug.BuildInfo{Settings: vcs("vcs.revision", "abc", "vcs.modified", "true")}, "dev", "abc-dirty", ""},
		{"go install of a tag", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3", "", ""},
	} {
		ver, rev, when := buildInfoFrom(c.bi)
		if ver != c.ver || rev != c.rev || when != c.when {
			t.Errorf("%s: %q %q %q, want %q %q %q", c.name, ver, rev, when, c.ver, c.rev, c.when)
		}
	}
	// ldflags win.
	version, commit, date = "v2.0.0", "feedbee", "2026-12-01"
	defer func() { version, commit, date = "", "", "" }()
	if ver, rev, when := buildInfoFrom(&debug.BuildInfo{Settings: vcs("vcs.revision", "other")}); ver != "v2.0.0" || rev != "feedbee" || when != "2026-12-01" {
		t.Errorf("ldflags: %q %q %q", ver, rev, when)
	}
}
