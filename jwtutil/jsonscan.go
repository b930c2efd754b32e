package jwtutil

import (
	"encoding/json"
	"fmt"
)

// member is one top-level "key": value pair of a JSON object, with byte
// offsets into the document. Start is the key's opening quote, ValStart and
// End delimit the value.
type member struct {
	Key                  string
	Start, ValStart, End int
}

// scanObject lists the members of a JSON object in written order. The
// input must already be valid JSON (json.Valid); this only locates things,
// so it can stay small.
func scanObject(b []byte) ([]member, error) {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, fmt.Errorf("the JSON is not an object")
	}
	i = skipWS(b, i+1)
	var out []member
	if i < len(b) && b[i] == '}' {
		return out, nil
	}
	for i < len(b) {
		start := i
		end, err := skipString(b, i)
		if err != nil {
			return nil, err
		}
		var key string
		if err := json.Unmarshal(b[start:end], &key); err != nil {
			return nil, err
		}
		i = skipWS(b, end)
		if i >= len(b) || b[i] != ':' {
			return nil, fmt.Errorf("expected ':' at offset %d", i)
		}
		i = skipWS(b, i+1)
		vs := i
		if i, err = skipValue(b, i); err != nil {
			return nil, err
		}
		out = append(out, member{Key: key, Start: start, ValStart: vs, End: i})
		i = skipWS(b, i)
		if i < len(b) && b[i] == ',' {
			i = skipWS(b, i+1)
			continue
		}
		if i < len(b) && b[i] == '}' {
			return out, nil
		}
		return nil, fmt.Errorf("expected ',' or '}' at offset %d", i)
	}
	return nil, fmt.Errorf("unterminated object")
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func skipString(b []byte, i int) (int, error) {
	if i >= len(b) || b[i] != '"' {
		return 0, fmt.Errorf("expected a string at offset %d", i)
	}
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1, nil
		}
	}
	return 0, fmt.Errorf("unterminated string")
}

func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, fmt.Errorf("missing value")
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				e, err := skipString(b, i)
				if err != nil {
					return 0, err
				}
				i = e
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, nil
				}
			}
			i++
		}
		return 0, fmt.Errorf("unterminated value")
	}
	for i < len(b) {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i, nil
		}
		i++
	}
	return i, nil
}
