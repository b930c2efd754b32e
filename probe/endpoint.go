package probe

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Endpoint is the kind of wiki endpoint a probe talks to.
type Endpoint string

// The endpoints a probe knows how to read.
const (
	// EndpointAction is the Action API: api.php?action=query&meta=userinfo.
	EndpointAction Endpoint = "action"
	// EndpointRESTProfile is Extension:OAuth's rest.php/oauth2/resource/profile.
	EndpointRESTProfile Endpoint = "rest-profile"
	// EndpointREST is core's REST API under rest.php (not oauth2/).
	EndpointREST Endpoint = "rest"
)

// Endpoints lists the accepted endpoint names.
func Endpoints() []string {
	return []string{string(EndpointAction), string(EndpointRESTProfile), string(EndpointREST)}
}

// ParseEndpoint reads an endpoint name.
func ParseEndpoint(s string) (Endpoint, error) {
	for _, e := range Endpoints() {
		if s == e {
			return Endpoint(s), nil
		}
	}
	return "", fmt.Errorf("unknown endpoint %q (want %s)", s, strings.Join(Endpoints(), ", "))
}

// The paths appended to the wiki's script path. The action API asks who the
// request runs as; the profile endpoint answers the same for OAuth 2; core
// REST has no "who am I" route, so the page the test wiki's core REST
// answers were recorded for (e2e-findings §7) is read instead.
const (
	actionPath      = "/api.php?action=query&meta=userinfo&format=json"
	restProfilePath = "/rest.php/oauth2/resource/profile"
	restPath        = "/rest.php/v1/page/Main_Page/bare"
	// defaultScriptPath is where Wikimedia and the installer's usual layout
	// put api.php when the URL is only the wiki's origin.
	defaultScriptPath = "/w"
)

// ErrEndpointConflict says the URL already names an endpoint other than the
// one asked for.
var ErrEndpointConflict = errors.New("the URL already names an endpoint")

// Target is where a probe goes.
type Target struct {
	URL      *url.URL
	Endpoint Endpoint
	// Verbatim is true when the URL named the route itself and is used as
	// given; false when the route was built from the wiki's script path.
	Verbatim bool
}

// ResolveTarget turns what the user typed into the URL to probe. A wiki's
// base (https://wiki/, …/w/, …/w/api.php, …/w/rest.php) gets the endpoint's
// route appended (ep, or the action API when ep is ""); an origin alone
// means the script path /w. A URL that already names a route
// (api.php?…, rest.php/…) is used as it is, and ep must agree with it.
func ResolveTarget(raw string, ep Endpoint) (*Target, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("not a URL: %v", unwrapURLError(err))
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return nil, fmt.Errorf("%q has no scheme: give https://… (or http://… for a local wiki)", raw)
	default:
		return nil, fmt.Errorf("scheme %q is not supported: give an https:// or http:// URL", u.Scheme)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Host == "" {
		return nil, fmt.Errorf("%q has no host", raw)
	}
	if u.User != nil {
		// They would be sent as Basic credentials next to the token.
		return nil, errors.New("the URL carries a user name or password: remove it (only the bearer token is sent)")
	}
	if u.Fragment != "" || strings.HasSuffix(raw, "#") {
		u.Fragment, u.RawFragment = "", ""
	}
	path := u.Path
	switch {
	case strings.Contains(path, "/rest.php/"):
		kind := EndpointREST
		if strings.HasPrefix(path[strings.Index(path, "/rest.php/")+len("/rest.php"):], "/oauth2/resource/") {
			kind = EndpointRESTProfile
		}
		return verbatim(u, kind, ep)
	case strings.HasSuffix(path, "/api.php") && u.RawQuery != "":
		return verbatim(u, EndpointAction, ep)
	case strings.HasSuffix(path, "/api.php"):
		path = strings.TrimSuffix(path, "/api.php")
	case strings.HasSuffix(path, "/rest.php"):
		path = strings.TrimSuffix(path, "/rest.php")
	case path == "" || path == "/":
		path = defaultScriptPath
	case strings.HasSuffix(path, "/") || lastSegment(path) == "w":
		// A directory: the script path itself (…/w/, …/mediawiki/).
		path = strings.TrimRight(path, "/")
	default:
		return nil, fmt.Errorf("cannot tell the wiki's script path from %q: give the wiki's script path with a final slash (https://wiki/w/), api.php or a rest.php route", raw)
	}
	if u.RawQuery != "" {
		return nil, errors.New("a query string belongs to api.php: give …/api.php?… or the wiki's base without one")
	}
	if ep == "" {
		ep = EndpointAction
	}
	route := map[Endpoint]string{EndpointAction: actionPath, EndpointRESTProfile: restProfilePath, EndpointREST: restPath}[ep]
	if route == "" {
		return nil, fmt.Errorf("unknown endpoint %q", ep)
	}
	p, q, _ := strings.Cut(route, "?")
	out := *u
	out.Path, out.RawPath, out.RawQuery = path+p, "", q
	return &Target{URL: &out, Endpoint: ep}, nil
}

func verbatim(u *url.URL, kind, ep Endpoint) (*Target, error) {
	if ep != "" && ep != kind {
		return nil, fmt.Errorf("%w (%s), not %s: drop the endpoint or give the wiki's base", ErrEndpointConflict, kind, ep)
	}
	return &Target{URL: u, Endpoint: kind, Verbatim: true}, nil
}

func lastSegment(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Origin is scheme://host[:port] of u, lower-cased, without the scheme's
// default port: two URLs may share a token exactly when their origins are
// equal (RFC 6454).
func Origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		return scheme + "://" + host + ":" + port
	}
	return scheme + "://" + host
}

// IssuerOrigin is the origin of a token's iss when it is an http(s) URL
// (MediaWiki sets iss to the central wiki's canonical server).
func IssuerOrigin(iss string) (string, bool) {
	u, err := url.Parse(iss)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	return Origin(u), true
}

// IsLoopback reports whether u's host is a loopback name or address, where
// plain http does not expose the token to the network.
func IsLoopback(u *url.URL) bool {
	h := u.Hostname()
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
