package profile

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

// debug2 is a runtime.Stack dump with the header forms Go 1.26 writes.
const debug2 = `goroutine 7 [running]:
main.main()
	/src/app/main.go:10 +0x1d

goroutine 18 gp=0xc000007a40 m=nil [chan send (leaked), 3 minutes, locked to thread]:
example.com/app.logMessage(...)
	/src/app/log.go:40
example.com/app.(*Server).handle.func1()
	/src/app/log.go:51 +0x31
created by example.com/app.(*Server).handle in goroutine 240
	/src/app/log.go:51 +0x76

goroutine 19 [select]:
net/http.(*Client).Get(0xc000010000, {0xc0000a0000?, 0x0?})
	net/http/client.go:489 +0x5f
...additional frames elided...
created by example.com/app.init.0 in goroutine 1
	example.com/app/queue.go:49 +0x25
`

func TestParseDebug2(t *testing.T) {
	t.Parallel()
	p, err := Parse([]byte(debug2))
	if err != nil {
		t.Fatal(err)
	}
	want := &Profile{Format: Debug2, Goroutines: []Goroutine{
		{Stack: []Frame{{"main.main", "/src/app/main.go", 10}}, State: "running", Count: 1},
		{
			Stack: []Frame{
				{"example.com/app.logMessage", "/src/app/log.go", 40},
				{"example.com/app.(*Server).handle.func1", "/src/app/log.go", 51},
			},
			Created: &Frame{"example.com/app.(*Server).handle", "/src/app/log.go", 51},
			State:   "chan send", Leaked: true, WaitMinutes: 3, Count: 1,
		},
		{
			Stack:   []Frame{{"net/http.(*Client).Get", "net/http/client.go", 489}},
			Created: &Frame{"example.com/app.init.0", "example.com/app/queue.go", 49},
			State:   "select", Count: 1,
		},
	}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("Parse(debug=2) =\n%+v\nwant\n%+v", p, want)
	}
	if p.Total() != 3 {
		t.Errorf("Total = %d, want 3", p.Total())
	}
}

// debug1 is the debug=1 text of a leak profile.
const debug1 = `goroutineleak profile: total 9
8 @ 0x48a1ce 0x4195bc 0x6acd31 0x6acd0f 0x491b01
# labels: {"handler":"log"}
#	0x6acd30	example.com/app.logMessage+0x30			/src/app/log.go:40
#	0x6acd0e	example.com/app.(*Server).handle.func1+0xe	/src/app/log.go:51

1 @ 0x48a1ce 0x491b01
#	0x48a1cd	example.com/app.wait+0x2d	example.com/app/wait.go:7
`

func TestParseDebug1(t *testing.T) {
	t.Parallel()
	p, err := Parse([]byte(debug1))
	if err != nil {
		t.Fatal(err)
	}
	want := &Profile{Format: Debug1, Leak: true, Goroutines: []Goroutine{
		{Stack: []Frame{
			{"example.com/app.logMessage", "/src/app/log.go", 40},
			{"example.com/app.(*Server).handle.func1", "/src/app/log.go", 51},
		}, Leaked: true, Count: 8},
		{Stack: []Frame{{"example.com/app.wait", "example.com/app/wait.go", 7}}, Leaked: true, Count: 1},
	}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("Parse(debug=1) =\n%+v\nwant\n%+v", p, want)
	}
}

// protoProfile returns a goroutine profile in protocol buffer form, of
// sample type kind: two goroutines in the same stack, whose first
// location holds an inlined call.
func protoProfile(t *testing.T, kind string) []byte {
	t.Helper()
	park := &profile.Function{ID: 1, Name: "runtime.gopark", Filename: "runtime/proc.go"}
	inner := &profile.Function{ID: 2, Name: "example.com/app.logMessage", Filename: "/src/app/log.go"}
	outer := &profile.Function{ID: 3, Name: "example.com/app.(*Server).handle.func1", Filename: "/src/app/log.go"}
	loc1 := &profile.Location{ID: 1, Address: 0x10, Line: []profile.Line{{Function: park, Line: 462}}}
	loc2 := &profile.Location{ID: 2, Address: 0x20, Line: []profile.Line{{Function: inner, Line: 40}, {Function: outer, Line: 51}}}
	prof := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: kind, Unit: "count"}},
		PeriodType: &profile.ValueType{Type: kind, Unit: "count"},
		Period:     1,
		Sample:     []*profile.Sample{{Location: []*profile.Location{loc1, loc2}, Value: []int64{2}}},
		Location:   []*profile.Location{loc1, loc2},
		Function:   []*profile.Function{park, inner, outer},
	}
	var b bytes.Buffer
	if err := prof.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestParseProto(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"goroutine", "goroutineleak"} {
		p, err := Parse(protoProfile(t, kind))
		if err != nil {
			t.Fatal(err)
		}
		leak := kind == "goroutineleak"
		want := &Profile{Format: Proto, Leak: leak, Goroutines: []Goroutine{{
			Stack: []Frame{
				{"runtime.gopark", "runtime/proc.go", 462},
				{"example.com/app.logMessage", "/src/app/log.go", 40},
				{"example.com/app.(*Server).handle.func1", "/src/app/log.go", 51},
			},
			Leaked: leak, Count: 2,
		}}}
		if !reflect.DeepEqual(p, want) {
			t.Errorf("Parse(%s proto) =\n%+v\nwant\n%+v", kind, p, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, data, want string
	}{
		{"empty", "", "empty profile"},
		{"garbage", "hello, world\n", "neither a goroutine dump"},
		{"debug=1, bad count", "goroutine profile: total 1\nmany @ 0x1\n", `want "count @ pc…"`},
		{"debug=1, bad frame", "goroutine profile: total 1\n1 @ 0x1\n#\tnonsense\n", "want a frame"},
		{"debug=2, bad position", "goroutine 1 [running]:\nmain.main()\n\tmain.go\n", `want "\tfile:line"`},
		{"cpu profile", string(protoProfile(t, "samples")), "a samples profile, not a goroutine profile"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Parse error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestLoadURL(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.Path+"?"+r.URL.RawQuery)
		mu.Unlock()
		switch r.URL.Path {
		case "/debug/pprof/goroutine", "/debug/pprof/goroutineleak":
			w.Write([]byte(strings.ReplaceAll(debug2, " (leaked)", "")))
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		default:
			http.Error(w, "Unknown profile", http.StatusNotFound)
		}
	}))
	defer srv.Close()
	ctx := context.Background()

	p, err := Load(ctx, srv.URL+"/debug/pprof/goroutine", time.Second)
	if err != nil || p.Format != Debug2 || p.Leak {
		t.Errorf("goroutine: %+v, %v; want a plain debug=2 profile", p, err)
	}
	p, err = Load(ctx, srv.URL+"/debug/pprof/goroutineleak?debug=2", time.Second)
	if err != nil || !p.Leak {
		t.Errorf("goroutineleak: %+v, %v; want a leak profile", p, err)
	}
	mu.Lock()
	if want := []string{"/debug/pprof/goroutine?debug=2", "/debug/pprof/goroutineleak?debug=2"}; !reflect.DeepEqual(queries, want) {
		t.Errorf("queries %q, want %q", queries, want)
	}
	mu.Unlock()
	if _, err := Load(ctx, srv.URL+"/debug/pprof/nothing", time.Second); err == nil || !strings.Contains(err.Error(), "404 Not Found: Unknown profile") {
		t.Errorf("404: error %v", err)
	}
	if _, err := Load(ctx, srv.URL+"/slow", 100*time.Millisecond); err == nil || !strings.Contains(err.Error(), "deadline exceeded") {
		t.Errorf("slow: error %v, want a timeout", err)
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	if _, err := Load(ctx, closed.URL+"/debug/pprof/goroutine", time.Second); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("unreachable: error %v", err)
	}
	if _, err := Load(ctx, "testdata/no-such-file", time.Second); err == nil {
		t.Errorf("missing file: no error")
	}
}

func TestFuncPackage(t *testing.T) {
	t.Parallel()
	for fn, want := range map[string]string{
		"example.com/a/b.(*T).m.func1":     "example.com/a/b",
		"example.com/a/b.F[...]":           "example.com/a/b",
		"main.main":                        "main",
		"net/http.(*Client).Get":           "net/http",
		"example.com/bin/vendor/x.org/y.f": "x.org/y",
		"nodot":                            "",
	} {
		if got := funcPackage(fn); got != want {
			t.Errorf("funcPackage(%q) = %q, want %q", fn, got, want)
		}
	}
}
