package probe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Layer is who answered a probe.
type Layer string

// The layers a probe tells apart.
const (
	// LayerActionAPI: MediaWiki's api.php (MediaWiki-API-Error, an error or
	// errors member, or a query result).
	LayerActionAPI Layer = "mediawiki-action-api"
	// LayerREST: core's rest.php (messageTranslations, httpCode/httpReason).
	LayerREST Layer = "mediawiki-rest"
	// LayerOAuth2Resource: Extension:OAuth's league resource server
	// (error, error_description, hint), or its profile answer.
	LayerOAuth2Resource Layer = "oauth2-resource"
	// LayerGateway: Envoy's jwt_authn in front of the wiki.
	LayerGateway Layer = "gateway"
	// LayerOther: anything else (HTML error pages, captive portals, proxies).
	LayerOther Layer = "other"
)

// IsMediaWiki reports whether the layer is MediaWiki itself.
func (l Layer) IsMediaWiki() bool {
	return l == LayerActionAPI || l == LayerREST || l == LayerOAuth2Resource
}

// User is who the request ran as, by the answer.
type User struct {
	Name      string `json:"name"`
	ID        *int64 `json:"id"`                   // local user id (Action API); null when the answer has none
	CentralID string `json:"central_id,omitempty"` // profile "sub"
	Anonymous bool   `json:"anonymous"`
	Source    string `json:"source"` // "query.userinfo" or "oauth2/resource/profile"
}

// Error is the error an answer carries.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Answer is a classified response.
type Answer struct {
	Status        int
	AnsweredBy    Layer
	Evidence      []string
	Authenticated bool
	User          *User
	Error         *Error
	Advice        Advice
	AdviceReason  string
	// Headers are the answer's headers that matter to a client or to this
	// classification, lower-cased names, values as sent.
	Headers map[string]string
	// ThroughGateway: the answer came from or through Envoy (server: envoy,
	// x-envoy-* headers).
	ThroughGateway bool
	// GatewayStatus is the jwt_verify_lib status the gateway answered with.
	GatewayStatus string
	// Hint is league's hint (oauth2-resource), which tells "could not be
	// verified" from "has been revoked".
	Hint       string
	RetryAfter string
	Redirect   *Redirect
	Truncated  bool
	// ServerDate is the answer's Date header, zero when absent: the clock
	// the server judged the token by, to the second.
	ServerDate time.Time
}

// selectedHeaders are the headers worth showing and keeping in the report.
var selectedHeaders = []string{
	"Content-Type", "Server", "Date", "Www-Authenticate", "Mediawiki-Api-Error", "Retry-After",
	"Location", "Access-Control-Allow-Origin", "Via", "X-Cache", "X-Request-Id", "Cache-Control",
}

// maxShown bounds every string the classifier copies from an answer into
// evidence, so that a hostile answer cannot blow up the report.
const maxShown = 300

// Classify reads a response to a probe of endpoint ep: who answered and why
// the probe thinks so, as whom the request ran, the error, and the advice.
func Classify(resp *Response, ep Endpoint) *Answer {
	a := &Answer{Status: resp.Status, Headers: map[string]string{}, Redirect: resp.Redirect, Truncated: resp.Truncated}
	for _, h := range selectedHeaders {
		if v := resp.Header.Values(h); len(v) > 0 {
			a.Headers[strings.ToLower(h)] = shorten(strings.Join(v, ", "))
		}
	}
	envoyHeaders := []string{}
	for name := range resp.Header {
		if strings.HasPrefix(strings.ToLower(name), "x-envoy-") {
			envoyHeaders = append(envoyHeaders, strings.ToLower(name))
			a.Headers[strings.ToLower(name)] = shorten(resp.Header.Get(name))
		}
	}
	sort.Strings(envoyHeaders)
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		a.ServerDate = d.UTC()
	}
	a.RetryAfter = strings.TrimSpace(resp.Header.Get("Retry-After"))
	server := resp.Header.Get("Server")
	if strings.EqualFold(strings.TrimSpace(server), "envoy") {
		a.ThroughGateway = true
		a.Evidence = append(a.Evidence, "header server: envoy (the answer came from or through Envoy)")
	}
	if len(envoyHeaders) > 0 {
		a.ThroughGateway = true
		a.Evidence = append(a.Evidence, "header "+strings.Join(envoyHeaders, ", ")+" (set by Envoy)")
	}
	if resp.Truncated {
		a.Evidence = append(a.Evidence, fmt.Sprintf("body longer than %d bytes: only the first %d were read", MaxBody, MaxBody))
	}

	obj := jsonObject(resp.Body)
	gwStatus, gwMember := gatewayJSON(obj)
	switch {
	case resp.Header.Get("MediaWiki-API-Error") != "":
		a.AnsweredBy = LayerActionAPI
		a.Evidence = append(a.Evidence, "header MediaWiki-API-Error: "+shorten(resp.Header.Get("MediaWiki-API-Error")))
		a.readActionAPI(obj, resp)
	case obj != nil && (isObject(obj["error"]) || isArray(obj["errors"])):
		a.AnsweredBy = LayerActionAPI
		a.Evidence = append(a.Evidence, "body: Action API error member")
		a.readActionAPI(obj, resp)
	case obj != nil && gwStatus != "":
		a.readGateway(gwStatus, resp, "body: JSON whose "+gwMember+" is a jwt_verify_lib status")
	case obj != nil && isString(obj["error"]) && (obj["error_description"] != nil || obj["hint"] != nil):
		a.AnsweredBy = LayerOAuth2Resource
		a.readLeague(obj)
	case obj != nil && (obj["messageTranslations"] != nil || obj["errorKey"] != nil || (obj["httpCode"] != nil && obj["httpReason"] != nil)):
		a.AnsweredBy = LayerREST
		a.readCoreREST(obj)
	case obj != nil && (isObject(obj["query"]) || obj["batchcomplete"] != nil):
		a.AnsweredBy = LayerActionAPI
		a.Evidence = append(a.Evidence, "body: Action API query result")
		a.readActionAPI(obj, resp)
	case obj != nil && ep == EndpointRESTProfile && isString(obj["username"]):
		a.AnsweredBy = LayerOAuth2Resource
		a.Evidence = append(a.Evidence, "body: oauth2/resource/profile answer (sub, username)")
		a.readProfile(obj)
	case obj != nil && ep == EndpointREST && resp.Status/100 == 2:
		a.AnsweredBy = LayerREST
		a.Evidence = append(a.Evidence, "body: JSON answer to a core REST route")
	default:
		text := string(bytes.TrimSpace(resp.Body))
		www := resp.Header.Get("WWW-Authenticate")
		switch {
		case IsGatewayStatus(text):
			a.readGateway(text, resp, "body is exactly a jwt_verify_lib status")
		case wwwAuthError(www) != "" && (resp.Status == 401 || resp.Status == 403):
			a.readGateway("", resp, "")
		case a.ThroughGateway && (resp.Status == 401 || resp.Status == 403) && len(text) == 0:
			a.readGateway("", resp, "empty 401/403 from Envoy (strip_failure_response)")
		default:
			a.readOther(resp, text)
		}
	}
	if a.AnsweredBy == LayerOther || !a.AnsweredBy.IsMediaWiki() {
		a.Authenticated, a.User = false, nil
	}
	a.Advice, a.AdviceReason = advise(a)
	return a
}

// readActionAPI reads api.php's answer: errors (format version 1 "error"
// object, or errorformat's "errors" list) and query.userinfo.
func (a *Answer) readActionAPI(obj map[string]json.RawMessage, resp *Response) {
	if hdr := resp.Header.Get("MediaWiki-API-Error"); hdr != "" {
		code, _, _ := strings.Cut(hdr, ",")
		a.Error = &Error{Code: shorten(strings.TrimSpace(code))}
	}
	var e struct {
		Code string `json:"code"`
		Info string `json:"info"`
	}
	if obj != nil && isObject(obj["error"]) && json.Unmarshal(obj["error"], &e) == nil {
		if a.Error == nil || a.Error.Code == "" {
			a.Error = &Error{Code: shorten(e.Code)}
		}
		a.Error.Message = shorten(e.Info)
		a.Evidence = append(a.Evidence, "body: error.code "+shorten(e.Code))
	}
	var es []struct {
		Code string `json:"code"`
		Text string `json:"text"`
		HTML string `json:"html"`
		Key  string `json:"key"`
	}
	if obj != nil && isArray(obj["errors"]) && json.Unmarshal(obj["errors"], &es) == nil && len(es) > 0 {
		if a.Error == nil || a.Error.Code == "" {
			a.Error = &Error{Code: shorten(es[0].Code)}
		}
		a.Error.Message = shorten(firstNonEmpty(es[0].Text, es[0].HTML, es[0].Key))
		a.Evidence = append(a.Evidence, "body: errors[0].code "+shorten(es[0].Code))
	}
	if a.Error != nil {
		return
	}
	var q struct {
		Query struct {
			UserInfo *struct {
				ID   *json.Number    `json:"id"`
				Name string          `json:"name"`
				Anon json.RawMessage `json:"anon"`
			} `json:"userinfo"`
		} `json:"query"`
	}
	if obj == nil || json.Unmarshal(obj["query"], &q.Query) != nil || q.Query.UserInfo == nil {
		return
	}
	ui := q.Query.UserInfo
	u := &User{Name: shorten(ui.Name), Source: "query.userinfo"}
	if ui.ID != nil {
		if n, err := ui.ID.Int64(); err == nil {
			u.ID = &n
		}
	}
	// formatversion 1 marks anonymous with "anon":"", version 2 with true.
	u.Anonymous = len(ui.Anon) > 0 && string(ui.Anon) != "false" || (u.ID != nil && *u.ID == 0)
	a.User = u
	a.Authenticated = !u.Anonymous
	if u.Anonymous {
		a.Evidence = append(a.Evidence, "body: query.userinfo is anonymous (id 0)")
	} else {
		a.Evidence = append(a.Evidence, "body: query.userinfo names user "+u.Name)
	}
}

func (a *Answer) readProfile(obj map[string]json.RawMessage) {
	var p struct {
		Sub      json.RawMessage `json:"sub"`
		Username string          `json:"username"`
	}
	_ = json.Unmarshal(mustJSON(obj), &p)
	u := &User{Name: shorten(p.Username), Source: "oauth2/resource/profile", Anonymous: p.Username == ""}
	var s string
	if json.Unmarshal(p.Sub, &s) == nil {
		u.CentralID = shorten(s)
	} else if len(p.Sub) > 0 {
		u.CentralID = shorten(string(p.Sub))
	}
	a.User, a.Authenticated = u, !u.Anonymous
}

// readLeague reads league/oauth2-server's OAuthServerException JSON.
func (a *Answer) readLeague(obj map[string]json.RawMessage) {
	var l struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
		Hint        string `json:"hint"`
		Message     string `json:"message"`
	}
	_ = json.Unmarshal(mustJSON(obj), &l)
	a.Hint = shorten(l.Hint)
	a.Error = &Error{Code: shorten(l.Error), Message: shorten(firstNonEmpty(l.Hint, l.Description, l.Message))}
	ev := "body: league OAuth error " + shorten(l.Error)
	if l.Hint != "" {
		ev += ", hint " + strconv.Quote(shorten(l.Hint))
	}
	a.Evidence = append(a.Evidence, ev)
}

// readCoreREST reads core rest.php's error JSON (ResponseFactory):
// messageTranslations, httpCode, httpReason and, in newer cores, errorKey.
func (a *Answer) readCoreREST(obj map[string]json.RawMessage) {
	var r struct {
		Translations map[string]string `json:"messageTranslations"`
		ErrorKey     string            `json:"errorKey"`
		Error        json.RawMessage   `json:"error"`
		Message      string            `json:"message"`
		HTTPCode     json.Number       `json:"httpCode"`
		HTTPReason   string            `json:"httpReason"`
	}
	_ = json.Unmarshal(mustJSON(obj), &r)
	var errStr string
	_ = json.Unmarshal(r.Error, &errStr)
	code := firstNonEmpty(r.ErrorKey, errStr)
	if code == "" && r.HTTPCode != "" {
		code = "http-" + r.HTTPCode.String()
	}
	msg := r.Translations["en"]
	if msg == "" {
		langs := make([]string, 0, len(r.Translations))
		for l := range r.Translations {
			langs = append(langs, l)
		}
		sort.Strings(langs)
		if len(langs) > 0 {
			msg = r.Translations[langs[0]]
		}
	}
	a.Error = &Error{Code: shorten(code), Message: shorten(firstNonEmpty(msg, r.Message, r.HTTPReason))}
	var which []string
	for _, k := range []string{"messageTranslations", "errorKey", "httpCode", "httpReason"} {
		if obj[k] != nil {
			which = append(which, k)
		}
	}
	a.Evidence = append(a.Evidence, "body: core REST error JSON ("+strings.Join(which, ", ")+")")
}

func (a *Answer) readGateway(status string, resp *Response, why string) {
	a.AnsweredBy = LayerGateway
	if why != "" {
		a.Evidence = append(a.Evidence, why+": "+strconv.Quote(shorten(status)))
	}
	www := resp.Header.Get("WWW-Authenticate")
	code := wwwAuthError(www)
	if code != "" {
		a.Evidence = append(a.Evidence, "header www-authenticate carries error=\""+shorten(code)+"\" (MediaWiki never sends one)")
	}
	if code == "" {
		code = "jwt_authn_access_denied"
	}
	if status == "" {
		// No body to read (strip_failure_response): the status line is all.
		status = http.StatusText(resp.Status)
	} else {
		if st, ok := gatewayStatus(status); ok {
			a.GatewayStatus = st.String()
		}
	}
	a.Error = &Error{Code: shorten(code), Message: shorten(status)}
}

var titleRE = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

func (a *Answer) readOther(resp *Response, text string) {
	a.AnsweredBy = LayerOther
	ct := resp.Header.Get("Content-Type")
	switch {
	case resp.Redirect != nil:
		where := "same origin"
		if !resp.Redirect.SameOrigin {
			where = "another origin"
		}
		a.Evidence = append(a.Evidence, fmt.Sprintf("HTTP %d redirect to %s (%s): not followed, the token was sent only to this URL", resp.Status, shorten(resp.Redirect.Location), where))
	case strings.Contains(strings.ToLower(ct), "html") || strings.HasPrefix(text, "<"):
		ev := "body: an HTML page, not an API answer"
		if m := titleRE.FindStringSubmatch(text); m != nil {
			ev += " (title " + strconv.Quote(shorten(strings.Join(strings.Fields(m[1]), " "))) + ")"
		}
		a.Evidence = append(a.Evidence, ev)
	case len(text) == 0:
		a.Evidence = append(a.Evidence, fmt.Sprintf("HTTP %d with an empty body and no MediaWiki or Envoy marker", resp.Status))
	default:
		a.Evidence = append(a.Evidence, "body: neither MediaWiki's nor Envoy's answer format")
	}
	if v := resp.Header.Get("Via"); v != "" {
		a.Evidence = append(a.Evidence, "header via: "+shorten(v)+" (a proxy answered or relayed)")
	}
	if s := resp.Header.Get("Server"); s != "" && !a.ThroughGateway {
		a.Evidence = append(a.Evidence, "header server: "+shorten(s))
	}
	msg := http.StatusText(resp.Status)
	if m := titleRE.FindStringSubmatch(text); m != nil {
		msg = strings.Join(strings.Fields(m[1]), " ")
	} else if line, _, _ := strings.Cut(text, "\n"); line != "" && !strings.HasPrefix(line, "<") {
		msg = line
	}
	code := fmt.Sprintf("http-%d", resp.Status)
	if resp.Status/100 == 2 {
		code = "unexpected-answer"
	}
	a.Error = &Error{Code: code, Message: shorten(msg)}
}

// gatewayJSON returns the jwt_verify_lib status carried by a JSON body
// (Wikimedia's local reply {"httpCode":401,"httpReason":"Jwt is expired"})
// and the member that carries it, unless the body is one of MediaWiki's
// own error shapes.
func gatewayJSON(obj map[string]json.RawMessage) (status, member string) {
	if obj["messageTranslations"] != nil || obj["error_description"] != nil || isObject(obj["error"]) {
		return "", ""
	}
	for _, k := range gatewayMembers {
		var s string
		if json.Unmarshal(obj[k], &s) == nil && IsGatewayStatus(s) {
			return s, k
		}
	}
	return "", ""
}

var gatewayMembers = []string{"httpReason", "message", "error", "reason", "detail"}

var wwwErrorRE = regexp.MustCompile(`(?i)(?:^|[\s,])error\s*=\s*"?([^",\s]*)`)

// wwwAuthError is the error= parameter of a WWW-Authenticate challenge
// (RFC 6750 §3): Envoy sends error="invalid_token"; MediaWiki never sends
// the header, and league only "Bearer realm=\"OAuth\"" without error=.
func wwwAuthError(v string) string {
	if m := wwwErrorRE.FindStringSubmatch(v); m != nil {
		if m[1] == "" {
			return "error"
		}
		return m[1]
	}
	return ""
}

// jsonObject decodes body when it is a JSON object, keeping members raw.
func jsonObject(body []byte) map[string]json.RawMessage {
	b := bytes.TrimSpace(body)
	if len(b) == 0 || b[0] != '{' {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}

func mustJSON(obj map[string]json.RawMessage) []byte {
	b, _ := json.Marshal(obj)
	return b
}

func isObject(r json.RawMessage) bool {
	return len(bytes.TrimSpace(r)) > 0 && bytes.TrimSpace(r)[0] == '{'
}
func isArray(r json.RawMessage) bool {
	return len(bytes.TrimSpace(r)) > 0 && bytes.TrimSpace(r)[0] == '['
}
func isString(r json.RawMessage) bool {
	return len(bytes.TrimSpace(r)) > 0 && bytes.TrimSpace(r)[0] == '"'
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// shorten bounds a string copied from an answer (runes kept whole).
func shorten(s string) string {
	if len(s) <= maxShown {
		return s
	}
	cut := maxShown
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
