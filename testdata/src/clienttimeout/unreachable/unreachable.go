// Package unreachable has nil fallbacks on struct fields: one for a field
// that can never be nil never runs.
package unreachable

import (
	"errors"
	"net/http"
	"time"
)

// Service always gets a client from its constructor.
type Service struct {
	hc   *http.Client
	name string
}

// NewService is the only way to build a Service.
func NewService(name string) *Service {
	return &Service{hc: &http.Client{Timeout: time.Minute}, name: name}
}

// Reset swaps the client for one from a helper that never returns nil.
func (s *Service) Reset(slow bool) {
	s.hc = newClient(slow)
}

func newClient(slow bool) *http.Client {
	if slow {
		return &http.Client{Timeout: time.Hour}
	}
	return &http.Client{Timeout: time.Minute}
}

func (s *Service) Fetch(url string) (*http.Response, error) {
	hc := s.hc
	if s.hc == nil {
		hc = http.DefaultClient // ok: the constructor and Reset never leave hc nil
	}
	return hc.Get(url)
}

// Copied reads the field into a local first, the fallback tests the local.
func (s *Service) Copied(url string) (*http.Response, error) {
	hc := s.hc
	if hc == nil {
		hc = http.DefaultClient // ok: the local is the field read just before, never nil
	}
	return hc.Get(url)
}

// CopiedEarlier reads the field, then does something else before the test:
// only a read just before the if counts as the field.
func (s *Service) CopiedEarlier(url string, other *Service) (*http.Response, error) {
	hc := s.hc
	if url == "" {
		hc = other.hc
	}
	if hc == nil {
		hc = http.DefaultClient // want `http.DefaultClient has no Timeout`
	}
	return hc.Get(url)
}

func (s *Service) Ensure() *http.Client {
	if s.hc == nil {
		s.hc = &http.Client{} // ok: unreachable, hc is never nil
	}
	return s.hc
}

// Doer sends requests.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Agent holds its client behind an interface.
type Agent struct {
	doer Doer
}

func NewAgent() (*Agent, error) {
	return &Agent{doer: new(http.Client)}, nil // want `new\(http.Client\) has no Timeout`
}

func (a *Agent) Send(req *http.Request) (*http.Response, error) {
	d := a.doer
	if a.doer == nil {
		d = http.DefaultClient // ok: every Agent is built with a doer
	}
	return d.Do(req)
}

// Zeroed has a zero value declared in the package.
type Zeroed struct {
	hc *http.Client
}

var shared Zeroed

func (z *Zeroed) Get(url string) (*http.Response, error) {
	if z.hc == nil {
		z.hc = http.DefaultClient // want `http.DefaultClient has no Timeout`
	}
	return z.hc.Get(url)
}

func useShared() *Zeroed { return &shared }

// Partial is sometimes built without its client.
type Partial struct {
	hc   *http.Client
	name string
}

func NewPartial(name string) *Partial {
	if name == "" {
		return &Partial{name: "default"}
	}
	return &Partial{hc: &http.Client{Timeout: time.Minute}, name: name}
}

func (p *Partial) Get(url string) (*http.Response, error) {
	if p.hc == nil {
		p.hc = http.DefaultClient // want `http.DefaultClient has no Timeout`
	}
	return p.hc.Get(url)
}

// Given takes its client from the caller, who may pass nil.
type Given struct {
	hc *http.Client
}

func newGiven(hc *http.Client) *Given {
	return &Given{hc: hc}
}

func (g *Given) Get(url string) (*http.Response, error) {
	hc := g.hc
	if g.hc == nil {
		hc = http.DefaultClient // want `http.DefaultClient has no Timeout`
	}
	return hc.Get(url)
}

// Public's field can be set to nil by other packages.
type Public struct {
	HC *http.Client
}

func NewPublic() *Public {
	return &Public{HC: &http.Client{Timeout: time.Minute}}
}

func (p *Public) Get(url string) (*http.Response, error) {
	hc := p.HC
	if p.HC == nil {
		hc = http.DefaultClient // want `http.DefaultClient has no Timeout`
	}
	return hc.Get(url)
}

// Failing's constructor helper returns nil on one path.
type Failing struct {
	hc *http.Client
}

func maybeClient(ok bool) (*http.Client, error) {
	if !ok {
		return nil, errors.New("no client")
	}
	return &http.Client{Timeout: time.Minute}, nil
}

func NewFailing(ok bool) *Failing {
	hc, _ := maybeClient(ok)
	return &Failing{hc: hc}
}

func (f *Failing) Get(url string) (*http.Response, error) {
	hc := f.hc
	if f.hc == nil {
		hc = http.DefaultClient // want `http.DefaultClient has no Timeout`
	}
	return hc.Get(url)
}

// Allocated is made with new somewhere.
type Allocated struct {
	hc *http.Client
}

func NewAllocated() *Allocated {
	return &Allocated{hc: &http.Client{Timeout: time.Minute}}
}

func blank() *Allocated { return new(Allocated) }

func (a *Allocated) Get(url string) (*http.Response, error) {
	hc := a.hc
	if a.hc == nil {
		hc = http.DefaultClient // want `http.DefaultClient has no Timeout`
	}
	return hc.Get(url)
}
