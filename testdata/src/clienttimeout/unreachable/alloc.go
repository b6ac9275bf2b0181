package unreachable

import (
	"errors"
	"net/http"
	"time"
)

// Store's constructor allocates it empty and fills in the fields, the
// client among them, before anything else sees it.
type Store struct {
	hc       *http.Client
	endpoint string
	retries  int
}

// NewStore returns early on bad input, before it allocates.
func NewStore(endpoint string, retries int) (*Store, error) {
	if endpoint == "" {
		return nil, errors.New("no endpoint")
	}
	s := new(Store)
	s.endpoint = endpoint
	if retries < 0 {
		return nil, errors.New("negative retries") // s is dropped here, never seen
	}
	s.retries = retries
	s.hc = &http.Client{Timeout: time.Minute}
	return s, nil
}

func (s *Store) Get(url string) (*http.Response, error) {
	hc := s.hc
	if hc == nil {
		hc = http.DefaultClient // ok: the only allocation sets hc before returning the Store
	}
	return hc.Get(url)
}

// Branches sets its client on both branches before it returns.
type Branches struct {
	hc   *http.Client
	name string
}

func NewBranches(slow bool) *Branches {
	b := &Branches{name: "b"}
	if slow {
		b.hc = &http.Client{Timeout: time.Hour}
	} else {
		b.hc = &http.Client{Timeout: time.Minute}
	}
	return b
}

func (b *Branches) Get(url string) (*http.Response, error) {
	if b.hc == nil {
		b.hc = http.DefaultClient // ok: either branch sets hc before NewBranches returns
	}
	return b.hc.Get(url)
}

// Pool builds its entries in a loop, each complete before it is kept.
type Pool struct {
	entries []*entry
}

type entry struct {
	hc *http.Client
	id int
}

func NewPool(n int) *Pool {
	p := &Pool{}
	for i := range n {
		e := new(entry)
		e.id = i
		e.hc = &http.Client{Timeout: time.Minute}
		p.entries = append(p.entries, e)
	}
	return p
}

func (e *entry) get(url string) (*http.Response, error) {
	hc := e.hc
	if hc == nil {
		hc = http.DefaultClient // ok: each entry's hc is set before append keeps it
	}
	return hc.Get(url)
}

// OneBranch sets its client only when asked to be fast.
type OneBranch struct {
	hc *http.Client
}

func NewOneBranch(fast bool) *OneBranch {
	o := new(OneBranch)
	if fast {
		o.hc = &http.Client{Timeout: time.Second}
	}
	return o
}

func (o *OneBranch) Get(url string) (*http.Response, error) {
	hc := o.hc
	if hc == nil {
		hc = http.DefaultClient // want `http.DefaultClient has no Timeout`
	}
	return hc.Get(url)
}

// Registered is handed to other code before its client is set.
type Registered struct {
	hc *http.Client
}

var registry []*Registered

func register(r *Registered) { registry = append(registry, r) }

func NewRegistered() *Registered {
	r := &Registered{}
	register(r)
	r.hc = &http.Client{Timeout: time.Minute}
	return r
}

func (r *Registered) Get(url string) (*http.Response, error) {
	hc := r.hc
	if hc == nil {
		hc = http.DefaultClient // want `http.DefaultClient has no Timeout`
	}
	return hc.Get(url)
}

// Started runs a goroutine on itself before its client is set.
type Started struct {
	hc *http.Client
}

func NewStarted(url string) *Started {
	s := new(Started)
	go s.poll(url)
	s.hc = &http.Client{Timeout: time.Minute}
	return s
}

func (s *Started) poll(url string) {
	hc := s.hc
	if hc == nil {
		hc = http.DefaultClient // want `http.DefaultClient has no Timeout`
	}
	if resp, err := hc.Get(url); err == nil {
		resp.Body.Close()
	}
}

// Looped keeps each new value in the loop before it sets the client of
// the value made in the next round.
type Looped struct {
	hc *http.Client
}

func NewLooped(n int) []*Looped {
	var out []*Looped
	for range n {
		l := new(Looped)
		out = append(out, l)
		l.hc = &http.Client{Timeout: time.Minute}
	}
	return out
}

func (l *Looped) Get(url string) (*http.Response, error) {
	hc := l.hc
	if hc == nil {
		hc = http.DefaultClient // want `http.DefaultClient has no Timeout`
	}
	return hc.Get(url)
}

// Copied is copied as a value before its client is set.
type Copied struct {
	hc *http.Client
}

func NewCopied() (*Copied, Copied) {
	c := &Copied{}
	snapshot := *c
	c.hc = &http.Client{Timeout: time.Minute}
	return c, snapshot
}

func (c *Copied) Get(url string) (*http.Response, error) {
	hc := c.hc
	if hc == nil {
		hc = http.DefaultClient // want `http.DefaultClient has no Timeout`
	}
	return hc.Get(url)
}

// Tested is built complete here; its test builds one without a client,
// which only that test uses (see alloc_test.go).
type Tested struct {
	hc *http.Client
}

func NewTested() *Tested {
	t := new(Tested)
	t.hc = &http.Client{Timeout: time.Minute}
	return t
}

func (t *Tested) Get(url string) (*http.Response, error) {
	hc := t.hc
	if hc == nil {
		hc = http.DefaultClient // ok: only a test builds a Tested without hc
	}
	return hc.Get(url)
}
