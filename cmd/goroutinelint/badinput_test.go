package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInput runs the binary on the packages of testdata/e2e/bad, module
// example.com/bad, and on patterns that match nothing (issue 7): each run
// gets a clear message, no stack trace, and the documented exit code. The
// table is the README's "Bad input" table.
func TestBadInput(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := filepath.Join(copyE2E(t), "bad")
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
			r := execEnv(t, dir, tt.env, bin, tt.args...)
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
	r := execIn(t, filepath.Join(copyE2E(t), "bad"), "go", "vet", "-vettool="+bin, "./cgo")
	wantResult(t, r, 1, []string{
		"cgo/cgo.go:16:17: send on ch may block forever: the receiver returns on ctx.Done without receiving",
		"cgo/cgo.go:16:2: \tgoroutine started here",
		"cgo/cgo.go:21:3: \treturns here without receiving",
	})
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
