// Package probetest serves HTTP answers on a loopback address, byte for
// byte, for tests of the probe and of "mwoauth token probe": recorded
// answers of a real wiki, the gateway's answer, error pages, and a wiki
// (with or without a gateway in front) that judges a token by its exp and
// the request time.
//
// It listens on 127.0.0.1 only and writes raw bytes to the connection, so
// header names keep their case (a recorded "Content-type" stays so) and no
// header is added that the answer does not have.
package probetest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// Answerer returns the raw response (status line, headers, body) for a
// request. The server closes the connection after writing it.
type Answerer func(r *http.Request) []byte

// Seen is one request the server received.
type Seen struct {
	Method, Target, Authorization string
}

// Server is a running loopback server.
type Server struct {
	URL    string // http://127.0.0.1:PORT
	ln     net.Listener
	answer Answerer
	wg     sync.WaitGroup

	mu   sync.Mutex
	seen []Seen
}

// Serve starts a server for a test and stops it when the test ends.
func Serve(tb testing.TB, answer Answerer) *Server {
	tb.Helper()
	s, err := Start(answer)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Start listens on 127.0.0.1 (never another address) and serves answer.
func Start(answer Answerer) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String(), ln: ln, answer: answer}
	s.wg.Add(1)
	go s.loop()
	return s, nil
}

func (s *Server) loop() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serve(c)
		}()
	}
}

func (s *Server) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	req, err := http.ReadRequest(bufio.NewReader(c))
	if err != nil {
		return
	}
	s.mu.Lock()
	s.seen = append(s.seen, Seen{Method: req.Method, Target: req.RequestURI, Authorization: req.Header.Get("Authorization")})
	s.mu.Unlock()
	_, _ = c.Write(s.answer(req))
}

// Requests returns the requests served so far.
func (s *Server) Requests() []Seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Seen(nil), s.seen...)
}

// Close stops the server and waits for its connections to end.
func (s *Server) Close() {
	_ = s.ln.Close()
	s.wg.Wait()
}

// Raw builds a response from a status line, header lines and a body.
func Raw(status string, headers []string, body string) []byte {
	var b []byte
	b = append(b, "HTTP/1.1 "+status+"\r\n"...)
	for _, h := range headers {
		b = append(b, h+"\r\n"...)
	}
	b = append(b, "Connection: close\r\n\r\n"...)
	return append(b, body...)
}

// Fixed answers every request with the same bytes.
func Fixed(wire []byte) Answerer { return func(*http.Request) []byte { return wire } }

// NotFound is the answer to a request nothing matches.
func NotFound(r *http.Request) []byte {
	return Raw("404 Not Found", []string{"Content-Type: text/plain"}, fmt.Sprintf("probetest: no answer for %s %s\n", r.Method, r.RequestURI))
}

// Gateway is Envoy jwt_authn's refusal of an expired token as the seed
// report describes it (Wikimedia's local reply): 401, server: envoy, a JSON
// body with httpCode/httpReason, WWW-Authenticate with the request URL as
// realm and error="invalid_token", and no CORS header.
func Gateway(status string) Answerer {
	return func(r *http.Request) []byte {
		return gatewayWire(r, status)
	}
}

func gatewayWire(r *http.Request, status string) []byte {
	code := 401
	if status == "Audiences in Jwt are not allowed" {
		code = 403
	}
	body := fmt.Sprintf(`{"httpCode":%d,"httpReason":%q}`, code, status)
	realm := "http://" + r.Host + r.RequestURI
	return Raw(fmt.Sprintf("%d %s", code, http.StatusText(code)), []string{
		"content-type: application/json",
		fmt.Sprintf("content-length: %d", len(body)),
		fmt.Sprintf(`www-authenticate: Bearer realm="%s", error="invalid_token"`, realm),
		"server: envoy",
	}, body)
}

// HTML502 is a proxy's "bad gateway" page.
func HTML502(*http.Request) []byte {
	body := "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
	return Raw("502 Bad Gateway", []string{"Server: nginx", "Content-Type: text/html", fmt.Sprintf("Content-Length: %d", len(body))}, body)
}

// RateLimited is a 429 with Retry-After.
func RateLimited(seconds int) Answerer {
	return func(*http.Request) []byte {
		body := "Too many requests\n"
		return Raw("429 Too Many Requests", []string{"Content-Type: text/plain", fmt.Sprintf("Retry-After: %d", seconds), fmt.Sprintf("Content-Length: %d", len(body))}, body)
	}
}

// Redirect answers 302 to location.
func Redirect(location string) Answerer {
	return func(*http.Request) []byte {
		return Raw("302 Found", []string{"Location: " + location, "Content-Length: 0"}, "")
	}
}

// ErrNoToken is returned by the wiki emulation for a request without one.
var ErrNoToken = errors.New("no bearer token")
