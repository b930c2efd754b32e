package mediawiki

import "testing"

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]Version{
		"": Master, "master": Master, "MASTER": Master, "1.47": Master, "1.46": Master,
		"1.45": V1_45, "REL1_45": V1_45, "1.43": V1_43, "rel1_43": V1_43, "1.44": V1_43,
	} {
		got, err := ParseVersion(in)
		if err != nil || got != want {
			t.Errorf("ParseVersion(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseVersion("1.39"); err == nil {
		t.Error("ParseVersion(1.39) should fail")
	}
}

func TestDefaultIsMaster(t *testing.T) {
	var v Version
	if v != Master || DefaultVersion != Master || v.String() != "master" {
		t.Fatalf("zero Version is %v, want master", v)
	}
}

func TestRulesDifferWhereTheFactsSay(t *testing.T) {
	m, old := Master.Rules(), V1_43.Rules()
	if !m.MWSubject || old.MWSubject {
		t.Error("mw: sub is master-only")
	}
	if !m.GrantTypeClaim || old.GrantTypeClaim {
		t.Error("grant_type is master-only")
	}
	if m.LcobucciMajor != 5 || old.LcobucciMajor != 4 {
		t.Error("lcobucci 5 on master, 4 on 1.43")
	}
	if !V1_45.Rules().SplitDatabases || old.SplitDatabases {
		t.Error("split databases from REL1_45")
	}
	for _, s := range Versions() {
		v, err := ParseVersion(s)
		if err != nil || v.String() != s {
			t.Errorf("round trip %q: %v %v", s, v, err)
		}
	}
}
