package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestParseCasesGOROOT reads the cases from the installed Go's runtime
// test, the way the benchmark does.
func TestParseCasesGOROOT(t *testing.T) {
	t.Parallel()
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skipf("go env GOROOT: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "src", filepath.FromSlash(testFile)))
	if err != nil {
		t.Skipf("no runtime test source: %v", err)
	}
	cases, err := parseCases(src)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*testCase{}
	pkgs := map[string]int{}
	for _, tc := range cases {
		byName[tc.Name] = tc
		pkgs[tc.Pkg]++
		for _, l := range tc.Leaks {
			if len(l.Reasons) == 0 || l.Func == nil {
				t.Errorf("%s: %s: no reason or function part", tc.Name, l.Source)
			}
		}
	}
	if pkgs["."] == 0 || pkgs["goker"] == 0 {
		t.Errorf("cases per program = %v, want both . and goker", pkgs)
	}
	if tc := byName["ChanSend"]; tc == nil || !tc.Simple || tc.Reps != 3 || tc.Pkg != "." || len(tc.Leaks) != 1 || tc.Leaks[0].Flaky {
		t.Errorf("ChanSend = %+v, want a simple case of the main program, 3 runs, one expected leak", tc)
	}
	if tc := byName["Cockroach1055"]; tc == nil || tc.Simple || tc.Reps != 11 || tc.Pkg != "goker" || len(tc.Leaks) != 4 || !tc.Leaks[0].Flaky {
		t.Errorf("Cockroach1055 = %+v, want a flaky goker case, 11 runs, four leaks", tc)
	}
	if byName["Kubernetes1321"] != nil {
		t.Errorf("Kubernetes1321 is commented out in the test, yet parsed")
	}
}

// TestParseCasesShapes checks the helpers' meaning and that an unknown
// shape is an error rather than a silently missing case.
func TestParseCasesShapes(t *testing.T) {
	t.Parallel()
	const good = `package runtime_test
func TestGoroutineLeakProfile(t *testing.T) {
	a := []testCase{
		makeTest("A", ` + "`A\\.func1\\(.* \\[chan send\\]`" + `),
		makeAnyTest("B", true, 4, "B\\(.* \\[sync\\.(RW)?Mutex\\.Lock\\]"),
	}
	b := []testCase{makeTest("D")}
	all := append(a, b...)
	c := []testCase{makeFlakyTest("C")}
	runTests("testgoroutineleakprofile", all)
	runTests("testgoroutineleakprofile/goker", c)
}`
	cases, err := parseCases([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tc := range cases {
		got = append(got, tc.Name+" "+tc.Pkg)
	}
	if want := []string{"A .", "B .", "D .", "C goker"}; !slices.Equal(got, want) {
		t.Errorf("cases = %q, want %q", got, want)
	}
	b := cases[1]
	if b.Reps != 5 || b.Simple || !b.Leaks[0].Flaky || !slices.Equal(b.Leaks[0].Reasons, []string{"sync.Mutex.Lock", "sync.RWMutex.Lock"}) {
		t.Errorf("B = %+v %+v", b, b.Leaks[0])
	}
	bad := strings.Replace(good, `makeFlakyTest("C")`, `newCase("C")`, 1)
	if _, err := parseCases([]byte(bad)); err == nil || !strings.Contains(err.Error(), "unknown helper") {
		t.Errorf("unknown helper: err = %v", err)
	}
}

// profile is a debug=2 goroutineleak profile as a -trimpath build prints it.
const profile = `goroutine 1 [running]:
runtime/pprof.writeGoroutineStacks({0x521338, 0x124727ca6040})
	runtime/pprof/pprof.go:819 +0x6b
main.Mixed()
	testgoroutineleakprofile/simple.go:237 +0x71
main.main()
	testgoroutineleakprofile/main.go:38 +0x133

goroutine 7 [sync.WaitGroup.Wait (leaked)]:
sync.runtime_SemacquireWaitGroup(0x124727cb4060?, 0xa0?)
	runtime/sema.go:114 +0x2e
sync.(*WaitGroup).Wait(0x124727cb60d0)
	sync/waitgroup.go:206 +0x85
main.Mixed.func1()
	testgoroutineleakprofile/simple.go:229 +0x85
created by main.Mixed in goroutine 1
	testgoroutineleakprofile/simple.go:220 +0x30

goroutine 8 [chan send (leaked)]:
main.(*T).send(...)
	testgoroutineleakprofile/goker/x.go:25
main.Mixed.func1.1()
	testgoroutineleakprofile/goker/x.go:30 +0x27
created by main.Mixed.func1 in goroutine 7
	testgoroutineleakprofile/goker/x.go:224 +0x7b
`

func TestParseProfile(t *testing.T) {
	t.Parallel()
	got := parseProfile(profile)
	want := []goroutine{
		{Reason: "sync.WaitGroup.Wait", Entry: "Mixed.func1()", Blocked: "simple.go:229", Created: "simple.go:220"},
		{Reason: "chan send", Entry: "Mixed.func1.1()", Blocked: "goker/x.go:25", Created: "goker/x.go:224"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("parseProfile =\n%+v\nwant\n%+v", got, want)
	}
	l, err := newLeak(&testCase{}, `Mixed\.func1\.1\(.* \[chan send\]`, false)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Re.MatchString(got[1].leakString()) || l.Re.MatchString(got[0].leakString()) {
		t.Errorf("the runtime test's regexp does not pick the goroutine it names from %q, %q", got[0].leakString(), got[1].leakString())
	}
}

func TestMarks(t *testing.T) {
	t.Parallel()
	g := goroutine{Reason: "chan receive", Blocked: "a.go:10", Created: "a.go:5"}
	for _, tc := range []struct {
		f    finding
		want bool
	}{
		{finding{Check: "noexit", Pos: "a.go:10:3"}, true},
		{finding{Check: "unguardedsend", Pos: "a.go:10:3"}, false}, // a receive is noexit's
		{finding{Check: "noexit", Pos: "a.go:11:3"}, false},
		{finding{Check: "noexit", Pos: "a.go:5:2", Related: []string{"a.go:10:4"}}, true},
		{finding{Check: "noexit", Pos: "a.go:5:2", Related: []string{"a.go:12:4"}}, false},
	} {
		if got := marks(tc.f, g); got != tc.want {
			t.Errorf("marks(%+v) = %v, want %v", tc.f, got, tc.want)
		}
	}
	l, _ := newLeak(&testCase{}, `\(\*S\)\.run\(.* \[chan send\]`, true)
	if !namesLeak(finding{Check: "unguardedsend", Names: []string{"(*S).run"}}, l) {
		t.Error("a send finding in (*S).run does not name the leak")
	}
	if namesLeak(finding{Check: "noexit", Names: []string{"(*S).run"}}, l) {
		t.Error("a noexit finding counts for a blocked send")
	}
}

// TestNames checks the runtime spelling of functions, closures and go
// statements' entries.
func TestNames(t *testing.T) {
	t.Parallel()
	const src = `package main

type S struct{}

func (s *S) run() {}
func (S) val()    {}

func F() {
	f := func() {
		go func() {}()
	}
	_ = f
	go func() {}()
	s := &S{}
	go s.run()
	go F()
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "/m/a.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}}
	if _, err := new(types.Config).Check("main", fset, []*ast.File{f}, info); err != nil {
		t.Fatal(err)
	}
	x := &nameIndex{fset: fset, funcs: map[string][]namedFunc{}, gos: map[string][]string{}}
	x.addFile("/m", info, f)
	for pos, want := range map[string]string{
		"a.go:5:1": "(*S).run", "a.go:6:1": "S.val", "a.go:9:3": "F.func1", "a.go:10:6": "F.func1.1", "a.go:13:6": "F.func2",
	} {
		if got := x.enclosing(pos); got != want {
			t.Errorf("enclosing(%s) = %q, want %q", pos, got, want)
		}
	}
	for at, want := range map[string]string{"a.go:10": "F.func1.1", "a.go:13": "F.func2", "a.go:15": "(*S).run", "a.go:16": "F"} {
		if got := x.gos[at]; !slices.Equal(got, []string{want}) {
			t.Errorf("go statement at %s starts %q, want %q", at, got, want)
		}
	}
}

// TestTriage checks which findings need a verdict and what -update writes.
func TestTriage(t *testing.T) {
	t.Parallel()
	scored := finding{Check: "noexit", Pos: "goker/a.go:3:1", Message: "m1"}
	tr := finding{Check: "unguardedsend", Pos: "goker/a.go:9:2", Message: "m2"}
	fa := finding{Check: "noexit", Pos: "goker/b.go:4:1", Message: "m3"}
	fresh := finding{Check: "noexit", Pos: "simple.go:7:1", Message: "m4"}
	res := &result{Findings: []finding{scored, tr, fa, fresh}, Listed: map[string]bool{scored.key(): true}}
	path := filepath.Join(t.TempDir(), "triage.tsv")
	table := triageHeader +
		"a\tgoker/a.go:9:2\tunguardedsend\tm2\ttrue\tthe receiver returns first\n" +
		"b\tgoker/b.go:4:1\tnoexit\tm3\tfalse\tnever runs\n" +
		"c\tgoker/c.go:1:1\tnoexit\tgone\ttrue\ta finding that vanished\n"
	if err := os.WriteFile(path, []byte(table), 0o644); err != nil {
		t.Fatal(err)
	}
	rows, err := readTriage(path)
	if err != nil {
		t.Fatal(err)
	}
	untriaged, falses, trues := unlisted(res, rows)
	if len(untriaged) != 1 || untriaged[0].key() != fresh.key() || len(falses) != 1 || falses[0].Pos != fa.Pos || trues != 1 {
		t.Errorf("unlisted = %v, %v, %d; want the fresh finding untriaged, b.go false, one true", untriaged, falses, trues)
	}
	if err := writeTriage(path, rows, res); err != nil {
		t.Fatal(err)
	}
	rows, err = readTriage(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.Kernel+" "+r.Verdict)
	}
	slices.Sort(got)
	if want := []string{"a true", "b false", "simple todo"}; !slices.Equal(got, want) {
		t.Errorf("after -update the table holds %q, want %q (no row for the scored finding, none for the vanished one)", got, want)
	}
	if err := os.WriteFile(path, []byte("a\tx.go:1:1\tnoexit\tm\ttrue\t\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readTriage(path); err == nil {
		t.Error("a true verdict without its interleaving was accepted")
	}
}
