// Package testvalues has a nil fallback that only a test's value reaches:
// silent by default, reported with -clienttimeout.tests where the test
// files are part of the package (TestTestValues).
package testvalues

import (
	"net/http"
	"time"
)

// Service is built complete by its constructor; its test builds one
// without a client.
type Service struct {
	hc *http.Client
}

func NewService() *Service {
	s := new(Service)
	s.hc = &http.Client{Timeout: time.Minute}
	return s
}

func (s *Service) Get(url string) (*http.Response, error) {
	hc := s.hc
	if hc == nil {
		hc = http.DefaultClient // fallback: reached from the test's Service alone
	}
	return hc.Get(url)
}
