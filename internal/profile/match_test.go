package profile

import (
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/packages"
)

// appPkg is the import path of testdata/app.
const appPkg = "github.com/goroutinelint/goroutinelint/internal/profile/testdata/app"

// A fixture is testdata/app loaded, with the lines of its "// at" marks.
type fixture struct {
	code  *Code
	file  string // app.go, absolute
	src   string
	lines map[string]int // mark -> line
}

// loadFixture loads testdata/app once for all tests.
var loadFixture = sync.OnceValues(func() (*fixture, error) {
	dir, err := filepath.Abs(filepath.Join("testdata", "app"))
	if err != nil {
		return nil, err
	}
	cfg := &packages.Config{Mode: packages.LoadSyntax | packages.NeedModule, Dir: dir}
	pkgs, err := packages.Load(cfg, ".")
	if err != nil {
		return nil, err
	}
	file := filepath.Join(dir, "app.go")
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	fx := &fixture{code: NewCode(pkgs), file: file, src: string(src), lines: make(map[string]int)}
	for i, line := range strings.Split(fx.src, "\n") {
		if _, mark, ok := strings.Cut(line, "// at "); ok {
			fx.lines[mark] = i + 1
		}
	}
	return fx, nil
})

// fixtureT returns the fixture or fails t.
func fixtureT(t *testing.T) *fixture {
	t.Helper()
	fx, err := loadFixture()
	if err != nil {
		t.Fatal(err)
	}
	return fx
}

// frame returns a frame of fn (relative to the package) at the marked line.
func (fx *fixture) frame(t *testing.T, fn, mark string) Frame {
	t.Helper()
	line, ok := fx.lines[mark]
	if !ok {
		t.Fatalf("no mark %q in app.go", mark)
	}
	return Frame{Func: appPkg + "." + fn, File: fx.file, Line: line}
}

// finding returns a finding of check at the first occurrence of text on
// the marked line.
func (fx *fixture) finding(t *testing.T, check, mark, text string) Finding {
	t.Helper()
	offset := 0
	for i, line := range strings.SplitAfter(fx.src, "\n") {
		if i+1 == fx.lines[mark] {
			col := strings.Index(line, text)
			if col < 0 {
				t.Fatalf("no %q on the line marked %q", text, mark)
			}
			return Finding{Check: check, Posn: token.Position{Filename: fx.file, Offset: offset + col, Line: i + 1, Column: col + 1}}
		}
		offset += len(line)
	}
	t.Fatalf("no mark %q", mark)
	return Finding{}
}

// httpFrame is a frame in net/http, where a client call waits.
var httpFrame = Frame{Func: "net/http.(*Client).Get", File: "net/http/client.go", Line: 489}

func TestMapFrame(t *testing.T) {
	t.Parallel()
	fx := fixtureT(t)
	line := fx.lines["fetch"]
	rel := "internal/profile/testdata/app/app.go"
	tests := []struct {
		name, fn, file string
		want           bool
	}{
		{"absolute", appPkg + ".fetch", fx.file, true},
		{"trimpath", appPkg + ".fetch", appPkg + "/app.go", true},
		{"built elsewhere", appPkg + ".fetch", "/build/src/goroutinelint/" + rel, true},
		{"vendored", "example.com/bin/vendor/" + appPkg + ".fetch", "/src/bin/vendor/" + appPkg + "/app.go", true},
		{"vendored, trimmed", appPkg + ".fetch", "example.com/bin/vendor/" + appPkg + "/app.go", true},
		{"same name, other module", "example.com/other/internal/profile/testdata/app.fetch", "/mod/example.com/other@v1.0.0/" + rel, false},
		{"same file, other function's package", "example.com/other.fetch", fx.file, false},
		{"standard library", "net/http.(*Client).Get", "net/http/client.go", false},
		{"no file", appPkg + ".fetch", "", false},
	}
	for _, tt := range tests {
		pos, ok := fx.code.Map(Frame{Func: tt.fn, File: tt.file, Line: line})
		if ok != tt.want || ok && (pos.File != fx.file || pos.Line != line) {
			t.Errorf("%s: Map(%s, %s) = %v, %v; want %v at app.go:%d", tt.name, tt.fn, tt.file, pos, ok, tt.want, line)
		}
	}
}

// appFindings are the findings the matching tests join with profiles.
func appFindings(t *testing.T, fx *fixture) []Finding {
	return []Finding{
		fx.finding(t, "clienttimeout", "literal", "http.Client"), // 0
		fx.finding(t, "clienttimeout", "default", "http.Get"),    // 1
		fx.finding(t, "unguardedsend", "send", "<-"),             // 2
		fx.finding(t, "noexit", "go worker", "go"),               // 3
		fx.finding(t, "noexit", "go literal", "go"),              // 4
	}
}

func TestMatchDebug2(t *testing.T) {
	t.Parallel()
	fx := fixtureT(t)
	created := func(fn, mark string) *Frame { f := fx.frame(t, fn, mark); return &f }
	p := &Profile{Format: Debug2, Goroutines: []Goroutine{
		// Through a field holding the literal's client: confirms it.
		{Stack: []Frame{httpFrame, fx.frame(t, "(*service).viaField", "field")}, State: "IO wait", Count: 3},
		// Through a parameter, the caller passing the field.
		{Stack: []Frame{httpFrame, fx.frame(t, "fetch", "fetch"), fx.frame(t, "(*service).viaParam", "param")}, State: "IO wait", Count: 2},
		{Stack: []Frame{httpFrame, {Func: "net/http.Get", File: "net/http/client.go", Line: 461}, fx.frame(t, "viaDefault", "default")}, State: "IO wait", Count: 1},
		// A client with a timeout: no finding; waiting for minutes.
		{Stack: []Frame{httpFrame, fx.frame(t, "timed", "timed")}, State: "IO wait", WaitMinutes: 2, Count: 4},
		// The other send on the reported channel.
		{Stack: []Frame{{Func: "runtime.chansend1", File: "runtime/chan.go", Line: 161}, fx.frame(t, "results.func1", "other send")},
			Created: created("results", "send"), State: "chan send", Count: 6},
		{Stack: []Frame{fx.frame(t, "worker", "worker loop"), {Func: "runtime.goexit", File: "runtime/asm_amd64.s", Line: 1700}},
			Created: created("start", "go worker"), State: "chan receive", WaitMinutes: 5, Count: 1},
		// Running, and waiting under a minute: never runtime only.
		{Stack: []Frame{fx.frame(t, "timed", "timed literal")}, State: "running", Count: 1},
		{Stack: []Frame{fx.frame(t, "start.func1", "literal receive")}, Created: created("start", "worker loop"), State: "chan receive", Count: 7},
		// Another program's goroutine.
		{Stack: []Frame{{Func: "main.main", File: "/elsewhere/main.go", Line: 3}}, State: "select", WaitMinutes: 9, Count: 2},
	}}
	res := Match(p, fx.code, appFindings(t, fx))
	want := map[int]Confirmation{
		0: {Goroutines: 5},
		1: {Goroutines: 1},
		2: {Goroutines: 6},
		3: {Goroutines: 1, LongestWait: 5, Started: true},
	}
	checkConfirmed(t, res, want)
	if len(res.RuntimeOnly) != 1 {
		t.Fatalf("runtime only: %+v, want the timed client's group", res.RuntimeOnly)
	}
	g := res.RuntimeOnly[0]
	if g.Blocked.Line != fx.lines["timed"] || g.Goroutines != 4 || g.LongestWait != 2 || g.Func != appPkg+".timed" {
		t.Errorf("runtime only: %+v, want 4 goroutines at line %d waiting 2 minutes", g, fx.lines["timed"])
	}
	if res.Total != 27 || res.InCode != 25 {
		t.Errorf("Total, InCode = %d, %d; want 27, 25", res.Total, res.InCode)
	}
}

func TestMatchNoCreationSite(t *testing.T) {
	t.Parallel()
	fx := fixtureT(t)
	for _, format := range []Format{Debug1, Proto} {
		p := &Profile{Format: format, Goroutines: []Goroutine{
			{Stack: []Frame{{Func: "runtime.gopark", File: "runtime/proc.go", Line: 462}, fx.frame(t, "worker", "worker loop")}, Count: 2},
			{Stack: []Frame{fx.frame(t, "start.func1", "literal receive")}, Count: 3},
			// Runs worker, but called from elsewhere: not started by the go statement.
			{Stack: []Frame{fx.frame(t, "worker", "worker loop"), {Func: "example.com/x.run", File: "x.go", Line: 1}}, Count: 4},
			{Stack: []Frame{httpFrame, fx.frame(t, "timed", "timed")}, Count: 4},
		}}
		res := Match(p, fx.code, appFindings(t, fx))
		checkConfirmed(t, res, map[int]Confirmation{3: {Goroutines: 2, Started: true}, 4: {Goroutines: 3, Started: true}})
		if len(res.RuntimeOnly) != 0 {
			t.Errorf("%s: runtime only %+v; a plain profile without wait times has none", format, res.RuntimeOnly)
		}
	}
}

func TestMatchLeak(t *testing.T) {
	t.Parallel()
	fx := fixtureT(t)
	p := &Profile{Format: Debug2, Leak: true, Goroutines: []Goroutine{
		{Stack: []Frame{fx.frame(t, "results.func1", "send")}, State: "chan send", Leaked: true, Count: 1},
		{Stack: []Frame{fx.frame(t, "results.func1", "send")}, State: "chan send", Count: 1}, // alive: not counted
		{Stack: []Frame{fx.frame(t, "start.func1", "literal receive")}, State: "chan receive", Leaked: true, Count: 1},
	}}
	res := Match(p, fx.code, appFindings(t, fx))
	checkConfirmed(t, res, map[int]Confirmation{2: {Goroutines: 1, Leaked: true}})
	if len(res.RuntimeOnly) != 1 || res.RuntimeOnly[0].Blocked.Line != fx.lines["literal receive"] || !res.RuntimeOnly[0].Leaked {
		t.Errorf("runtime only: %+v, want the leaked receive, whatever its wait", res.RuntimeOnly)
	}
}

func TestMatchForeign(t *testing.T) {
	t.Parallel()
	fx := fixtureT(t)
	p := &Profile{Format: Debug2, Goroutines: []Goroutine{
		{Stack: []Frame{{Func: "main.main", File: "/src/other/main.go", Line: 10}}, State: "chan send", WaitMinutes: 3, Count: 5},
		{Stack: []Frame{httpFrame}, State: "IO wait", WaitMinutes: 3, Count: 1},
	}}
	res := Match(p, fx.code, appFindings(t, fx))
	if res.InCode != 0 || res.Total != 6 || len(res.Confirmed) != 0 || len(res.RuntimeOnly) != 0 {
		t.Errorf("another program's profile: %+v, want nothing in the code", res)
	}
}

// checkConfirmed compares the confirmations of res with want.
func checkConfirmed(t *testing.T, res *Result, want map[int]Confirmation) {
	t.Helper()
	for i, w := range want {
		if got, ok := res.Confirmed[i]; !ok || got != w {
			t.Errorf("finding %d: confirmed %+v (%v), want %+v", i, got, ok, w)
		}
	}
	for i, got := range res.Confirmed {
		if _, ok := want[i]; !ok {
			t.Errorf("finding %d: confirmed %+v, want not seen", i, got)
		}
	}
}

// TestMatchMarkedDump checks a plain debug=2 dump taken after the leak
// detector ran: it marks the leaked goroutines among all the others, and
// a leaked group is stuck whatever its wait.
func TestMatchMarkedDump(t *testing.T) {
	t.Parallel()
	fx := fixtureT(t)
	p := &Profile{Format: Debug2, Goroutines: []Goroutine{
		{Stack: []Frame{fx.frame(t, "results.func1", "send")}, State: "chan send", Leaked: true, Count: 1},
		{Stack: []Frame{fx.frame(t, "results.func1", "send")}, State: "chan send", Count: 1},
		{Stack: []Frame{fx.frame(t, "start.func1", "literal receive")}, State: "chan receive", Leaked: true, Count: 2},
		{Stack: []Frame{fx.frame(t, "start.func1", "literal receive")}, State: "chan receive", Count: 5},
	}}
	res := Match(p, fx.code, appFindings(t, fx))
	checkConfirmed(t, res, map[int]Confirmation{2: {Goroutines: 2}})
	if len(res.RuntimeOnly) != 1 || res.RuntimeOnly[0].Goroutines != 2 || res.RuntimeOnly[0].Leaked {
		t.Errorf("runtime only: %+v, want the 2 leaked receivers of a group not all leaked", res.RuntimeOnly)
	}
}
