package mediawiki

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
)

// Restrictions is oarc_restrictions decoded: core's MWRestrictions::toJson
// ({"IPAddresses": [CIDR, ...], "Pages": [title, ...]}). The registration
// form's default, and the value every consumer without restrictions holds,
// is {"IPAddresses":["0.0.0.0/0","::/0"]}.
type Restrictions struct {
	IPAddresses []string `json:"ip_addresses"`
	Pages       []string `json:"pages"`
}

// ParseRestrictions reads oarc_restrictions. An empty or null value is no
// restriction (MWRestrictions::newDefault). Entries are kept as stored; an
// address range that is not an IP address or CIDR range is an error, as
// MWRestrictions refuses it.
func ParseRestrictions(raw []byte) (Restrictions, error) {
	r := Restrictions{IPAddresses: []string{}, Pages: []string{}}
	t := strings.TrimSpace(string(raw))
	if t == "" || t == "null" {
		return r, nil
	}
	var v struct {
		IPAddresses []string `json:"IPAddresses"`
		Pages       []string `json:"Pages"`
	}
	if err := json.Unmarshal([]byte(t), &v); err != nil {
		return r, fmt.Errorf("restrictions: not MWRestrictions JSON: %v", err)
	}
	for _, a := range v.IPAddresses {
		if _, err := parseRange(a); err != nil {
			return r, fmt.Errorf("restrictions: %v", err)
		}
	}
	if v.IPAddresses != nil {
		r.IPAddresses = v.IPAddresses
	}
	if v.Pages != nil {
		r.Pages = v.Pages
	}
	return r, nil
}

func parseRange(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		return p, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address or range", s)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// AnyAddress reports whether the consumer may be used from every address:
// no ranges, or ranges that cover all of IPv4 (0.0.0.0/0) and all of IPv6
// (::/0).
func (r Restrictions) AnyAddress() bool {
	if len(r.IPAddresses) == 0 {
		return true
	}
	var v4, v6 bool
	for _, a := range r.IPAddresses {
		p, err := parseRange(a)
		if err != nil || p.Bits() != 0 {
			continue
		}
		if p.Addr().Is4() {
			v4 = true
		} else {
			v6 = true
		}
	}
	return v4 && v6
}
