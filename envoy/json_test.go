package envoy

import (
	"math"
	"strings"
	"testing"
)

// TestParseStruct pins what protobuf's JsonStringToMessage into a Struct
// accepts with default (legacy) options; see json.go for the sources.
func TestParseStruct(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{`{}`, true},
		{` {"a":1} ` + "\n", true},
		{`null`, true},           // an empty Struct
		{` null `, true},         //
		{`nul`, false},           //
		{`null x`, false},        // extraneous characters
		{`[]`, false},            // not an object
		{`"s"`, false},           //
		{`1`, false},             //
		{``, false},              //
		{`   `, false},           //
		{`{"a":1}{}`, false},     //
		{`{"a":1,"a":2}`, false}, // duplicate key
		{`{"a":{"b":1,"b":1}}`, false},
		{`{"a":1,"b":{"a":1}}`, true},                // same name at another level
		{`{"a":"x","\u0061":1}`, false},              // duplicate after unescaping
		{`{'a':'b'}`, true},                          // single quotes (legacy)
		{`{a:1,_b2:2}`, true},                        // bare keys (legacy)
		{`{2a:1}`, false},                            // not starting with a digit
		{`{true:1}`, false},                          //
		{`{a-b:1}`, false},                           //
		{`{"a":1,}`, true},                           // trailing comma (legacy)
		{`{"a":[1,2,],}`, true},                      //
		{`{,}`, false},                               //
		{`{"a":[,]}`, false},                         //
		{`{"a":1,,"b":2}`, false},                    //
		{`{"a":1 "b":2}`, false},                     // missing comma
		{`{"a" 1}`, false},                           //
		{"{\"a\":\"x\ty\"}", true},                   // raw control character (legacy)
		{"{\"a\":\"x\x00y\"}", true},                 //
		{`{"a":"\'"}`, true},                         // \' (legacy)
		{`{"a":"\U0041"}`, true},                     // \U (legacy)
		{`{"a":"\x41"}`, false},                      // no such escape
		{`{"a":"\ud83d\ude00"}`, true},               // a surrogate pair
		{`{"a":"\ud83d ` + "\n" + ` \ude00"}`, true}, // blanks between the pair: Expect skips them
		{`{"a":"\ud83d"}`, false},                    // high surrogate alone
		{`{"a":"\ude00"}`, false},                    // low surrogate alone
		{`{"a":"\ud83d\u0041"}`, false},              // not a low surrogate
		{`{"a":"\ud83d\Ude00"}`, false},              // the pair's second escape must be \u
		{`{"a":"\u00e9"}`, true},                     //
		{`{"a":"\u00G9"}`, false},                    //
		{"{\"a\":\"\xe9\"}", false},                  // invalid UTF-8
		{"{\"a\":\"\xed\xa0\x80\"}", false},          // an encoded surrogate
		{"{\"\xff\":1}", false},                      // keys are strings too
		{`{"a":"unterminated}`, false},               //
		{`{"a":tru}`, false},                         //
		{`{"a":truex}`, false},                       //
		{`{"a":True}`, false},                        //
		{`{"a":NaN}`, false},                         //
		{`{"a":-0}`, true},                           //
		{`{"a":0.5e-3}`, true},                       //
		{`{"a":1E+2}`, true},                         //
		{`{"a":01}`, false},                          // leading zero
		{`{"a":-01}`, false},                         //
		{`{"a":1.}`, false},                          // trailing period
		{`{"a":.5}`, false},                          //
		{`{"a":+1}`, false},                          //
		{`{"a":-}`, false},                           //
		{`{"a":--1}`, false},                         //
		{`{"a":1e}`, false},                          //
		{`{"a":1e+}`, false},                         //
		{`{"a":1.5.5}`, false},                       //
		{`{"a":0x10}`, false},                        //
		{`{"a":1e400}`, false},                       // not finite
		{`{"a":-1e400}`, false},                      //
		{`{"a":1e-400}`, true},                       // underflows to 0
		{`{"a":1 }`, true},                           //
		{"{\"a\":1\f}", false},                       // \f is not JSON whitespace
		{"\xef\xbb\xbf{}", false},                    // nor is a BOM
	} {
		_, ok := parseStruct(tc.in)
		if ok != tc.ok {
			t.Errorf("parseStruct(%q) ok = %v, want %v", tc.in, ok, tc.ok)
		}
	}
}

func TestParseStructValues(t *testing.T) {
	o, ok := parseStruct(`{'s':'it\'s', n: 1.5, "t":true, "f":false, "z":null, "l":[1,"x",[null],{}], "e":"\ud83d \ude00", "u":1e-400}`)
	if !ok {
		t.Fatal("rejected")
	}
	check := func(name string, k kind) *value {
		v, ok := o.get(name)
		if !ok || v.kind != k {
			t.Fatalf("%s: %+v", name, v)
		}
		return v
	}
	if check("s", kindString).str != "it's" || check("n", kindNumber).num != 1.5 ||
		!check("t", kindBool).b || check("f", kindBool).b || check("e", kindString).str != "😀" {
		t.Error("wrong values")
	}
	check("z", kindNull)
	if u := check("u", kindNumber).num; u != 0 || math.Signbit(u) {
		t.Errorf("1e-400 = %v", u)
	}
	l := check("l", kindList).list
	if len(l) != 4 || l[0].kind != kindNumber || l[1].kind != kindString || l[2].kind != kindList || l[3].kind != kindStruct {
		t.Errorf("list: %+v", l)
	}
	if got := strings.Join(o.keys, ","); got != "s,n,t,f,z,l,e,u" {
		t.Errorf("key order %s", got)
	}
}

// TestParseStructDepth: ParseOptions::kDefaultDepth is 100 objects/arrays,
// the top-level object included.
func TestParseStructDepth(t *testing.T) {
	nest := func(n int) string {
		return `{"a":` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}`
	}
	if _, ok := parseStruct(nest(100)); !ok {
		t.Error("100 levels refused")
	}
	if _, ok := parseStruct(nest(101)); ok {
		t.Error("101 levels accepted")
	}
	if _, ok := parseStruct(`{"a":` + strings.Repeat("[", 1e6)); ok {
		t.Error("a million open brackets accepted")
	}
}
