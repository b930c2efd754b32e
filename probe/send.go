package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// MaxBody is how much of an answer is read. Every answer a wiki or gateway
// gives to a token is a few hundred bytes; an HTML error page a few KiB.
// Whatever a server sends, the probe holds at most this much (after gzip
// decoding, so a compressed bomb is cut off at the same size).
const MaxBody = 1 << 20

// Default timeouts: a wiki answers userinfo in well under a second.
const (
	DefaultConnectTimeout = 10 * time.Second
	DefaultReadTimeout    = 30 * time.Second
)

// Request is one probe request.
type Request struct {
	URL            *url.URL
	Token          string // sent as "Authorization: Bearer <Token>", nowhere else
	Insecure       bool   // do not verify the server's TLS certificate
	ConnectTimeout time.Duration
	ReadTimeout    time.Duration // for the answer, headers and body, once connected
	UserAgent      string
}

// Response is what came back, at most MaxBody bytes of body.
type Response struct {
	Proto      string
	Status     int
	Header     http.Header
	Body       []byte
	Truncated  bool      // the body was longer than MaxBody
	Redirect   *Redirect // set for a 3xx answer with a Location
	ReceivedAt time.Time // zero for a recorded answer
}

// Redirect is a 3xx answer's target. It is reported, never followed.
type Redirect struct {
	Location   string `json:"location"`
	SameOrigin bool   `json:"same_origin"`
}

// NetError is a failure to get an answer at all: no connection, TLS,
// timeout, a reset in the middle of the answer.
type NetError struct {
	Op  string // "connect", "tls", "timeout", "read"
	URL string
	Err error
}

func (e *NetError) Error() string { return fmt.Sprintf("%s %s: %v", e.Op, e.URL, e.Err) }
func (e *NetError) Unwrap() error { return e.Err }

// Send makes the request once. It never follows a redirect: a 3xx answer is
// returned with Redirect set, so the token is never sent to a second URL,
// not even one of the same origin. A same-origin Location can still be
// another application behind the same host name (path-routed services), and
// each client library has its own redirect policy: what the client sees at
// this URL is the redirect itself, so that is what the probe reports.
func Send(ctx context.Context, r Request) (*Response, error) {
	if r.URL == nil {
		return nil, errors.New("no URL")
	}
	if strings.ContainsAny(r.Token, "\r\n") {
		return nil, errors.New("the token contains a line break")
	}
	connect, read := r.ConnectTimeout, r.ReadTimeout
	if connect <= 0 {
		connect = DefaultConnectTimeout
	}
	if read <= 0 {
		read = DefaultReadTimeout
	}
	tr := &http.Transport{
		DialContext:            (&net.Dialer{Timeout: connect}).DialContext,
		TLSHandshakeTimeout:    connect,
		ResponseHeaderTimeout:  read,
		DisableKeepAlives:      true,
		MaxResponseHeaderBytes: 64 << 10,
		TLSClientConfig:        &tls.Config{InsecureSkipVerify: r.Insecure}, //nolint:gosec // only with --insecure, which warns
		ForceAttemptHTTP2:      true,
	}
	// A proxy from the environment sees an http:// request, token included,
	// so plain-http probes never use one; https goes through CONNECT, where
	// the proxy sees only the host name.
	if r.URL.Scheme == "https" {
		tr.Proxy = http.ProxyFromEnvironment
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	ctx, cancel := context.WithTimeout(ctx, connect+read)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.URL.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+r.Token)
	req.Header.Set("Accept", "application/json")
	if r.UserAgent != "" {
		req.Header.Set("User-Agent", r.UserAgent)
	}
	where := Origin(r.URL)
	resp, err := client.Do(req)
	if err != nil {
		return nil, netError(ctx, where, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, netError(ctx, where, err)
	}
	out := &Response{Proto: resp.Proto, Status: resp.StatusCode, Header: resp.Header, Body: body, ReceivedAt: time.Now()}
	if len(body) > MaxBody {
		out.Body, out.Truncated = body[:MaxBody], true
	}
	out.Redirect = RedirectOf(r.URL, resp.StatusCode, resp.Header.Get("Location"))
	return out, nil
}

// RedirectOf is the redirect a 3xx answer to from with Location loc makes,
// or nil.
func RedirectOf(from *url.URL, status int, loc string) *Redirect {
	if status < 300 || status > 399 || loc == "" {
		return nil
	}
	to, err := from.Parse(loc)
	if err != nil {
		return &Redirect{Location: loc}
	}
	return &Redirect{Location: to.String(), SameOrigin: Origin(to) == Origin(from)}
}

// netError names what failed in words a user can act on, without the
// request URL's query (which holds nothing secret, but is noise).
func netError(ctx context.Context, where string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	var oe *net.OpError
	var ce *tls.CertificateVerificationError
	var re tls.RecordHeaderError
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() == context.Canceled:
		return context.Canceled
	case errors.As(err, &ce):
		return &NetError{Op: "tls", URL: where, Err: fmt.Errorf("certificate not trusted: %v", ce.Err)}
	case errors.As(err, &re):
		return &NetError{Op: "tls", URL: where, Err: errors.New("the server does not speak TLS (is it http://?)")}
	case errors.As(err, &oe) && oe.Op == "dial":
		if oe.Timeout() {
			return &NetError{Op: "connect", URL: where, Err: errors.New("timed out")}
		}
		return &NetError{Op: "connect", URL: where, Err: oe.Err}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return &NetError{Op: "timeout", URL: where, Err: errors.New("no complete answer in time")}
	}
	return &NetError{Op: "read", URL: where, Err: err}
}
