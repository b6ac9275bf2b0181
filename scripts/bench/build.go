package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/goroutinelint/goroutinelint/internal/corpus"
)

// staticcheckVersion is the staticcheck the benchmark installs when it is
// given none, the version the targets were set against.
const staticcheckVersion = "v0.8.2"

// binaries are the programs the timed commands run.
type binaries struct {
	lint, floor, floorCheck, staticcheck string
	vetwrap, base                        string // for -perpkg
}

// buildTools builds goroutinelint (unless given), the floor tools and,
// if needed, staticcheck, into the results directory.
func buildTools(o options) (binaries, error) {
	bin := filepath.Join(o.out, "bin")
	b := binaries{
		lint:        o.lint,
		floor:       filepath.Join(bin, "floor"),
		floorCheck:  filepath.Join(bin, "floorcheck"),
		staticcheck: o.staticcheck,
		vetwrap:     filepath.Join(bin, "vetwrap"),
		base:        o.base,
	}
	pkgs := map[string]*string{
		"github.com/goroutinelint/goroutinelint/scripts/bench/floor":      &b.floor,
		"github.com/goroutinelint/goroutinelint/scripts/bench/floorcheck": &b.floorCheck,
		"github.com/goroutinelint/goroutinelint/scripts/bench/vetwrap":    &b.vetwrap,
	}
	if b.lint == "" && o.rev == "" {
		b.lint = filepath.Join(bin, "goroutinelint")
		pkgs["github.com/goroutinelint/goroutinelint/cmd/goroutinelint"] = &b.lint
	}
	if o.rev != "" {
		b.lint = filepath.Join(bin, "goroutinelint")
		if err := buildAtRev(o.rev, b.lint); err != nil {
			return b, err
		}
	}
	for pkg, out := range pkgs {
		// Built as the repository builds (its own go.mod), not in the
		// corpus environment, whose -mod=mod could rewrite go.mod.
		if err := goRun(nil, "", "build", "-o", *out, pkg); err != nil {
			return b, fmt.Errorf("%v (run from the repository root)", err)
		}
	}
	if b.staticcheck == "" && slices.Contains(o.tools, toolStatic) {
		b.staticcheck = filepath.Join(o.dir, "bin", "staticcheck")
		if _, err := os.Stat(b.staticcheck); err != nil {
			env := []string{"GOBIN=" + filepath.Dir(b.staticcheck), "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS="}
			if err := goRun(env, "", "install", "honnef.co/go/tools/cmd/staticcheck@"+staticcheckVersion); err != nil {
				return b, err
			}
		}
	}
	return b, nil
}

// buildAtRev builds goroutinelint as committed at rev, from a copy of
// that tree (git archive), so that uncommitted work in the checkout does not
// leak into the measurement.
func buildAtRev(rev, out string) error {
	src, err := os.MkdirTemp("", "bench-src-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(src)
	archive := exec.Command("git", "archive", "--format=tar", rev)
	pipe, err := archive.StdoutPipe()
	if err != nil {
		return err
	}
	archive.Stderr = os.Stderr
	if err := archive.Start(); err != nil {
		return err
	}
	if err := untar(pipe, src); err != nil {
		archive.Wait()
		return fmt.Errorf("git archive %s: %v", rev, err)
	}
	if err := archive.Wait(); err != nil {
		return fmt.Errorf("git archive %s: %v", rev, err)
	}
	return goRun([]string{"GOWORK=off", "GOFLAGS="}, src, "build", "-o", out, "./cmd/goroutinelint")
}

// untar extracts the regular files and directories of a tar stream into dir.
func untar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Join(dir, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(name, dir+string(filepath.Separator)) {
			continue // not below dir; git archive never writes one
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(name, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				return err
			}
			data, err := io.ReadAll(tr)
			if err != nil {
				return err
			}
			if err := os.WriteFile(name, data, 0o644); err != nil {
				return err
			}
		}
	}
}

// goRun runs the go command with extra environment in dir ("" for the
// current directory) and returns its output in any error.
func goRun(env []string, dir string, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// output runs a command and returns its trimmed output, or a note saying
// why there is none.
func output(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return fmt.Sprintf("unknown (%s: %v)", name, err)
	}
	return string(bytes.TrimSpace(out))
}

// environment describes where and with what the benchmark ran.
type environment struct {
	date, machine, goVersion, staticcheck, lint, xtools string
	modules                                             []string
	rounds                                              int
	gocache                                             string
}

// describeEnv collects the versions and the machine for the report.
func describeEnv(o options, b binaries) environment {
	e := environment{
		date:        time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		machine:     fmt.Sprintf("%s/%s, %d cores, %s RAM", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), memTotal()),
		goVersion:   output("go", "env", "GOVERSION"),
		staticcheck: output(b.staticcheck, "-version"),
		xtools:      output("go", "list", "-m", "-f", "{{.Version}}", "golang.org/x/tools"),
		rounds:      o.rounds,
		gocache:     o.gocache,
	}
	switch {
	case o.lint != "":
		e.lint = "binary " + filepath.Base(o.lint)
	case o.rev != "":
		e.lint = "commit " + output("git", "rev-parse", "--short", o.rev)
	default:
		e.lint = "commit " + output("git", "rev-parse", "--short", "HEAD")
		if output("git", "status", "--porcelain", "--untracked-files=no") != "" {
			e.lint += " with uncommitted changes"
		}
	}
	for _, m := range selectedModules(o.modules) {
		e.modules = append(e.modules, m.Name+" "+m.Path+"@"+m.Version)
	}
	return e
}

// String renders e as the header of the report.
func (e environment) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "date: %s\n", e.date)
	fmt.Fprintf(&b, "machine: %s\n", e.machine)
	fmt.Fprintf(&b, "go: %s; golang.org/x/tools %s; staticcheck: %s\n", e.goVersion, e.xtools, e.staticcheck)
	fmt.Fprintf(&b, "goroutinelint: %s\n", e.lint)
	fmt.Fprintf(&b, "rounds: %d; environment: %s GOCACHE=%s\n", e.rounds, strings.Join(corpus.Env, " "), e.gocache)
	for _, m := range e.modules {
		fmt.Fprintf(&b, "module: %s\n", m)
	}
	return b.String()
}

// memTotal returns the machine's memory from /proc/meminfo, or "?".
func memTotal() string {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "?"
	}
	var kb int64
	for line := range strings.SplitSeq(string(data), "\n") {
		if _, err := fmt.Sscanf(line, "MemTotal: %d kB", &kb); err == nil {
			return fmt.Sprintf("%.0f GiB", float64(kb)/(1<<20))
		}
	}
	return "?"
}
