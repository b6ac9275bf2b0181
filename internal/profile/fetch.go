package profile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// maxSize bounds what Load reads: a debug=2 dump stops at 64 MB, and the
// other forms are far smaller.
const maxSize = 256 << 20

// Load reads the profile at source, a file name or an http(s) URL, and
// parses it. A URL without a debug parameter is fetched with debug=2, the
// only form with wait reasons, wait times and creation sites; a URL whose
// path ends in "goroutineleak" gives a leak profile whatever its form.
// The fetch gives up after timeout.
func Load(ctx context.Context, source string, timeout time.Duration) (*Profile, error) {
	var data []byte
	var err error
	leak := false
	if isURL(source) {
		var u *url.URL
		u, err = url.Parse(source)
		if err != nil {
			return nil, err
		}
		leak = strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "goroutineleak")
		data, err = fetch(ctx, u, timeout)
	} else {
		data, err = readFile(source)
	}
	if err != nil {
		return nil, err
	}
	p, err := Parse(data)
	if err != nil {
		return nil, err
	}
	p.Leak = p.Leak || leak
	return p, nil
}

// isURL reports whether source names an http or https URL.
func isURL(source string) bool {
	return strings.HasPrefix(source, "http://") || strings.HasPrefix(source, "https://")
}

// readFile reads a profile file of at most maxSize bytes.
func readFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAll(f)
}

// readAll reads r to its end, failing beyond maxSize bytes.
func readAll(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err == nil && len(data) > maxSize {
		err = fmt.Errorf("larger than %d MB", maxSize>>20)
	}
	return data, err
}

// fetch gets the profile at u, adding debug=2 when u has no debug
// parameter.
func fetch(ctx context.Context, u *url.URL, timeout time.Duration) ([]byte, error) {
	q := u.Query()
	if !q.Has("debug") {
		q.Set("debug", "2")
		u.RawQuery = q.Encode()
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Timeout: timeout}
	resp, err := client.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // the URL is in the caller's message already
		}
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		msg := strings.TrimSpace(strings.SplitN(string(body), "\n", 2)[0])
		if msg != "" {
			return nil, fmt.Errorf("%s: %s", resp.Status, msg)
		}
		return nil, errors.New(resp.Status)
	}
	return readAll(resp.Body)
}
