package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestBadInput runs the binary on the packages of testdata/e2e/bad, module
// example.com/bad, and on patterns that match nothing (issue 7): each run
// gets a clear message, no stack trace, and the documented exit code. The
// table is the README's "Bad input" table.
func TestBadInput(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := sharedBad(t)
	const nothingAnalyzed = "goroutinelint: packages failed to load or type-check; nothing was analyzed"
	cgoFinding := []string{
		"cgo/cgo.go:16:17: send on ch may block forever: the receiver returns on ctx.Done without receiving",
		"\tcgo/cgo.go:16:2: goroutine started here",
		"\tcgo/cgo.go:21:3: returns here without receiving",
	}
	typeErr := `typeerr/typeerr.go:5:25: cannot use "not an int" (untyped string constant) as int value in return statement`
	tests := []struct {
		name   string
		env    []string // settings over the clean environment
		args   []string
		code   int
		stderr []string // $DIR stands for the module's directory
		cgo    bool     // needs a C compiler
	}{{
		name: "cgo", cgo: true,
		args:   []string{"./cgo"},
		code:   1, // analyzed: the finding is in cgo.go, not in the code cgo generates
		stderr: cgoFinding,
	}, {
		name:   "cgo disabled",
		env:    []string{"CGO_ENABLED=0"},
		args:   []string{"./cgo"},
		code:   2,
		stderr: []string{"build constraints exclude all Go files in $DIR/cgo", nothingAnalyzed},
	}, {
		name:   "build tags exclude every file",
		args:   []string{"./tagonly"},
		code:   2,
		stderr: []string{"build constraints exclude all Go files in $DIR/tagonly", nothingAnalyzed},
	}, {
		name:   "no Go files",
		args:   []string{"./nogo"},
		code:   2,
		stderr: []string{"no Go files in $DIR/nogo", nothingAnalyzed},
	}, {
		name:   "wildcard matches nothing",
		args:   []string{"./nogo/..."},
		code:   2,
		stderr: []string{`goroutinelint: warning: "./nogo/..." matched no packages`, "goroutinelint: no packages to analyze"},
	}, {
		name:   "wildcard over excluded files matches nothing",
		args:   []string{"./tagonly/..."},
		code:   2,
		stderr: []string{`goroutinelint: warning: "./tagonly/..." matched no packages`, "goroutinelint: no packages to analyze"},
	}, {
		name:   "import path wildcard matches nothing",
		args:   []string{"example.com/bad/nothere/..."},
		code:   2,
		stderr: []string{`goroutinelint: warning: "example.com/bad/nothere/..." matched no packages`, "goroutinelint: no packages to analyze"},
	}, {
		name: "one of two patterns matches nothing", cgo: true,
		args:   []string{"./cgo/...", "./nogo/..."},
		code:   1, // the other pattern's packages are analyzed
		stderr: append([]string{`goroutinelint: warning: "./nogo/..." matched no packages`}, cgoFinding...),
	}, {
		name:   "missing directory",
		args:   []string{"./nope"},
		code:   2,
		stderr: []string{"stat $DIR/nope: directory not found", nothingAnalyzed},
	}, {
		name:   "missing package in the module",
		args:   []string{"example.com/bad/nope"},
		code:   2,
		stderr: []string{"cannot find module providing package example.com/bad/nope: module lookup disabled by GOPROXY=off", nothingAnalyzed},
	}, {
		name:   "missing import",
		args:   []string{"./missingimport"},
		code:   2,
		stderr: []string{"missingimport/missingimport.go:4:8: cannot find module providing package example.com/bad/nothere: module lookup disabled by GOPROXY=off", nothingAnalyzed},
	}, {
		name:   "type error",
		args:   []string{"./typeerr"},
		code:   2,
		stderr: []string{typeErr, nothingAnalyzed},
	}, {
		name:   "type error in a dependency",
		args:   []string{"./usestypeerr"},
		code:   2,
		stderr: []string{typeErr, nothingAnalyzed},
	}, {
		name:   "type error with -sarif",
		args:   []string{"-sarif", "./typeerr"},
		code:   2, // and nothing on stdout: no SARIF log of a run that did not happen
		stderr: []string{typeErr, nothingAnalyzed},
	}, {
		name: "syntax error",
		args: []string{"./syntaxerr"},
		code: 2,
		stderr: []string{
			"syntaxerr/syntaxerr.go:4:14: expected ')', found '{'",
			"syntaxerr/syntaxerr.go:4:16: expected ')', found 'EOF'",
			"syntaxerr/syntaxerr.go:4:16: expected ';', found 'EOF'",
			"syntaxerr/syntaxerr.go:4:16: missing ',' in parameter list",
			nothingAnalyzed,
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.cgo && !haveCgo(t) {
				t.Skip("cgo is disabled or there is no C compiler")
			}
			r := execShared(t, dir, tt.env, bin, tt.args...)
			var want []string
			for _, line := range tt.stderr {
				want = append(want, strings.ReplaceAll(line, "$DIR", dir))
			}
			wantResult(t, r, tt.code, want)
			if r.stdout != "" {
				t.Errorf("stdout: %q, want nothing", r.stdout)
			}
		})
	}
}

// TestGoVetCgo checks the vet path on a cgo package: the go command runs
// cgo and hands the tool the generated files, and the finding is still
// reported in cgo.go.
func TestGoVetCgo(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	if !haveCgo(t) {
		t.Skip("cgo is disabled or there is no C compiler")
	}
	r := execIn(t, sharedBad(t), "go", "vet", "-vettool="+bin, "./cgo")
	wantResult(t, r, 1, []string{
		"cgo/cgo.go:16:17: send on ch may block forever: the receiver returns on ctx.Done without receiving",
		"cgo/cgo.go:16:2: \tgoroutine started here",
		"cgo/cgo.go:21:3: \treturns here without receiving",
	})
}

// sharedBad returns the directory of module example.com/bad in the copy
// of testdata/e2e that tests which only read it share.
func sharedBad(t *testing.T) string {
	t.Helper()
	return filepath.Join(sharedE2E(t), "bad")
}

// sharedApp returns the directory of module example.com/app in the copy of
// testdata/e2e that tests which only read it share. go vet keys its results
// by the package's directory too, so runs with the same flags there replay
// the first one's analysis of the fixture's packages, which runs in fresh
// copies (fixture) repeat.
func sharedApp(t *testing.T) string {
	t.Helper()
	return filepath.Join(sharedE2E(t), "app")
}

// sharedE2E returns the shared copy of testdata/e2e.
func sharedE2E(t *testing.T) string {
	t.Helper()
	dir, err := copySharedOnce()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// copySharedOnce makes the copy for sharedE2E.
var copySharedOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "goroutinelint-e2e-shared-")
	if err != nil {
		return "", err
	}
	sharedDir = dir
	return dir, copyE2ETo(dir)
})

// A sharedRun is a command's run that tests with the same command share.
type sharedRun struct {
	done chan struct{} // closed when the run ends
	r    result
	ok   bool // the run completed: r holds its result
}

// sharedRuns maps a command, its directory and environment to its
// *sharedRun.
var sharedRuns sync.Map

// execShared is execEnv for commands whose output depends only on their
// arguments, directory and environment: TestBadInput and
// TestREADMEBadInput check the same runs, made once, and so do the tests
// that run flagsShared on sharedApp. If the first run
// failed its test, a later caller runs the command itself.
func execShared(t *testing.T, dir string, env []string, name string, args ...string) result {
	t.Helper()
	key := strings.Join([]string{dir, strings.Join(env, "\x00"), name, strings.Join(args, "\x00")}, "\x01")
	s := &sharedRun{done: make(chan struct{})}
	if prev, loaded := sharedRuns.LoadOrStore(key, s); loaded {
		p := prev.(*sharedRun)
		<-p.done
		if p.ok {
			return p.r
		}
		return execEnv(t, dir, env, name, args...)
	}
	defer close(s.done)
	s.r = execEnv(t, dir, env, name, args...)
	s.ok = true
	return s.r
}

// haveCgo reports whether the go command builds cgo packages here.
func haveCgo(t *testing.T) bool {
	t.Helper()
	env, err := goEnvOnce()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	if env["CGO_ENABLED"] != "1" {
		return false
	}
	out, err := exec.Command("go", "env", "CC").Output()
	if err != nil {
		return false
	}
	cc := strings.Fields(string(out))
	if len(cc) == 0 {
		return false
	}
	_, err = exec.LookPath(cc[0])
	return err == nil
}

// TestREADMEBadInput checks the README's "Bad input" table against real
// runs: each message the table quotes (… and the placeholders "./x/...",
// <check>, <package>, <function> standing for anything) is printed by the
// binary on that row's inputs and, where the table says the go command
// prints it, by go vet on the same inputs, the go command of this Go
// release.
func TestREADMEBadInput(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := sharedBad(t)
	rows := readmeTable(t, "### Bad input")
	// The inputs of each row, by the start of its first cell; goCommand
	// marks the rows whose messages come from the go command.
	inputs := []struct {
		row       string
		args      [][]string
		goCommand bool
	}{
		{"a package that does not parse", [][]string{{"./typeerr"}, {"./syntaxerr"}, {"./usestypeerr"}}, false},
		{"a missing package or directory", [][]string{{"./nope"}, {"example.com/bad/nope"}, {"./missingimport"}}, true},
		{"a directory with no Go files", [][]string{{"./nogo"}, {"./tagonly"}}, true},
		{"a `...` pattern that matches no package", [][]string{{"./nogo/..."}}, true},
	}
	checked := 0
	for _, in := range inputs {
		i := slices.IndexFunc(rows, func(r []string) bool { return strings.HasPrefix(r[0], in.row) })
		if i < 0 {
			t.Errorf("README's bad-input table has no row starting %q", in.row)
			continue
		}
		var ours, goCmd []string
		for _, args := range in.args {
			ours = append(ours, lines(execShared(t, dir, nil, bin, args...).stderr)...)
			if in.goCommand {
				goCmd = append(goCmd, lines(execShared(t, dir, nil, "go", append([]string{"vet"}, args...)...).stderr)...)
			}
		}
		for _, quoted := range quotedIn(rows[i][1]) {
			rx := readmePattern(quoted)
			if !slices.ContainsFunc(ours, rx.MatchString) {
				t.Errorf("bad-input row %q quotes %q, which goroutinelint does not print; it printed:\n%s", in.row, quoted, strings.Join(ours, "\n"))
			}
			if in.goCommand && !strings.Contains(quoted, "nothing was analyzed") && !strings.Contains(quoted, "no packages to analyze") &&
				!slices.ContainsFunc(goCmd, rx.MatchString) {
				t.Errorf("bad-input row %q quotes %q, which the go command does not print; go vet printed:\n%s", in.row, quoted, strings.Join(goCmd, "\n"))
			}
			checked++
		}
	}
	if checked < 6 {
		t.Errorf("checked %d quoted messages of the bad-input table, want all of them (at least 6)", checked)
	}
}

// readmeTable returns the cells of the first table after the README line
// heading, header and separator rows left out.
func readmeTable(t *testing.T, heading string) [][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("README.md has no %q", heading)
	}
	var rows [][]string
	for _, line := range strings.Split(rest, "\n") {
		if !strings.HasPrefix(line, "|") {
			if len(rows) > 0 {
				break
			}
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows = append(rows, cells)
	}
	if len(rows) < 3 {
		t.Fatalf("README.md: no table after %q", heading)
	}
	return rows[2:]
}

// quotedIn returns the back-quoted parts of a table cell.
func quotedIn(cell string) []string {
	parts := strings.Split(cell, "`")
	var out []string
	for i := 1; i < len(parts); i += 2 {
		out = append(out, parts[i])
	}
	return out
}

// readmePattern turns a message the README quotes into a regexp: … and
// the placeholders match anything.
func readmePattern(quoted string) *regexp.Regexp {
	rx := regexp.QuoteMeta(quoted)
	for _, placeholder := range []string{"…", `\./x/\.\.\.`, "<check>", "<package>", "<function>"} {
		rx = strings.ReplaceAll(rx, placeholder, ".*")
	}
	return regexp.MustCompile(rx)
}
