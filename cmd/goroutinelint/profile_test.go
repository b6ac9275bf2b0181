package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"
)

// The profiles in testdata/profile were fetched from the example server
// (integration/testdata/profileserver, built with -trimpath and
// GOEXPERIMENT=goroutineleakprofile) by the heavy test TestProfileServer
// in integration/profile_test.go, which says how to regenerate them after
// the example code changes.

// profilePatterns are the packages those profiles' program runs.
var profilePatterns = []string{"./examples/server", "./integration/testdata/profileserver"}

// An analysedRun is the analysis of profilePatterns, shared by the tests.
type analysedRun struct {
	root      string
	analyzers []*analysis.Analyzer
	pkgs      []*packages.Package
	findings  []finding
}

// analyseExamples analyses profilePatterns once for every test.
var analyseExamples = sync.OnceValues(func() (*analysedRun, error) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	c := newCommand(&stderr, &stderr, root)
	analyzers, pkgs, findings, ok := c.check(profilePatterns)
	if !ok {
		return nil, fmt.Errorf("analysis of %s failed:\n%s", profilePatterns, stderr.String())
	}
	return &analysedRun{root: root, analyzers: analyzers, pkgs: pkgs, findings: findings}, nil
})

// runWithProfile prints the shared findings as a run with args (flags
// only, -profile among them) would, and returns its exit code and output.
func runWithProfile(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	if testing.Short() {
		t.Skip("analyses the example server; skipped in -short mode")
	}
	run, err := analyseExamples()
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	c := newCommand(&out, &errOut, run.root)
	if err := c.flags.Parse(args); err != nil {
		t.Fatal(err)
	}
	if c.profile != "" {
		var ok bool
		if c.prof, ok = c.loadProfile(); !ok {
			return exitError, out.String(), errOut.String()
		}
	}
	code = c.output(run.analyzers, run.pkgs, slices.Clone(run.findings))
	return code, out.String(), errOut.String()
}

// TestProfileGolden joins the saved profiles, one per form, with the
// findings on the example server and compares the text output with
// testdata/profile/<profile>.golden, which -update (declared in
// sarif_test.go) rewrites.
func TestProfileGolden(t *testing.T) {
	t.Parallel()
	for _, name := range []string{
		"goroutine.debug2.txt",
		"goroutine.debug1.txt",
		"goroutine.pb.gz",
		"goroutineleak.debug1.txt",
		"goroutineleak.pb.gz",
		"goroutineleak.debug2.txt",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			profile := filepath.Join("cmd", "goroutinelint", "testdata", "profile", name) // relative to the module root
			code, stdout, stderr := runWithProfile(t, "-profile="+profile)
			got := fmt.Sprintf("exit %d\n%s", code, stderr)
			if stdout != "" {
				t.Errorf("stdout: %q, want nothing", stdout)
			}
			golden := filepath.Join("testdata", "profile", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("goroutinelint -profile=%s %s:\n%s\nwant (%s; after a change to the examples, regenerate the profiles as integration/profile_test.go says):\n%s",
					profile, strings.Join(profilePatterns, " "), got, golden, want)
			}
		})
	}
}

// confirmedNote matches the note text findings end with.
var confirmedNote = regexp.MustCompile(` \[confirmed: ([\d,]+) `)

// TestProfileFormats checks that -json and -sarif say what the text says:
// the same findings confirmed with the same counts, the others not seen,
// and the same runtime-only groups.
func TestProfileFormats(t *testing.T) {
	t.Parallel()
	profile := filepath.Join("cmd", "goroutinelint", "testdata", "profile", "goroutineleak.debug1.txt")
	_, _, text := runWithProfile(t, "-profile="+profile)
	var wantConfirmed []string
	wantRuntime := 0
	for _, line := range strings.Split(text, "\n") {
		if m := confirmedNote.FindStringSubmatch(line); m != nil {
			wantConfirmed = append(wantConfirmed, strings.ReplaceAll(m[1], ",", ""))
		}
		if strings.HasSuffix(line, "[runtime only]") {
			wantRuntime++
		}
	}
	if len(wantConfirmed) == 0 || wantRuntime == 0 {
		t.Fatalf("the leak profile should confirm findings and show a runtime-only group:\n%s", text)
	}

	code, stdout, _ := runWithProfile(t, "-json", "-profile="+profile)
	var tree map[string]map[string][]jsonDiagnostic
	if err := json.Unmarshal([]byte(stdout), &tree); err != nil || code != exitFindings {
		t.Fatalf("-json: exit %d, %v", code, err)
	}
	var gotConfirmed []string
	gotRuntime, notSeen := 0, 0
	for _, byKey := range tree {
		for key, diags := range byKey {
			for _, d := range diags {
				switch {
				case d.Profile == nil:
					t.Errorf("-json: %s %s has no profile status", d.Posn, d.Message)
				case key == runtimeOnlyRule && d.Profile.Status == "runtime only":
					gotRuntime++
				case d.Profile.Status == "confirmed":
					gotConfirmed = append(gotConfirmed, fmt.Sprint(d.Profile.Goroutines))
				case d.Profile.Status == "not seen":
					notSeen++
				default:
					t.Errorf("-json: %s %s: status %q under %s", d.Posn, d.Message, d.Profile.Status, key)
				}
			}
		}
	}
	slices.Sort(wantConfirmed)
	slices.Sort(gotConfirmed)
	if !slices.Equal(gotConfirmed, wantConfirmed) || gotRuntime != wantRuntime || notSeen == 0 {
		t.Errorf("-json: confirmed %v, %d runtime only, %d not seen; want confirmed %v, %d runtime only, some not seen",
			gotConfirmed, gotRuntime, notSeen, wantConfirmed, wantRuntime)
	}

	code, stdout, _ = runWithProfile(t, "-sarif", "-profile="+profile)
	var log sarifLog
	if err := json.Unmarshal([]byte(stdout), &log); err != nil || code != exitFindings {
		t.Fatalf("-sarif: exit %d, %v", code, err)
	}
	gotConfirmed, gotRuntime = nil, 0
	for _, r := range log.Runs[0].Results {
		switch {
		case r.Properties == nil || r.Properties.Profile == nil:
			t.Errorf("-sarif: result %s %q has no profile property", r.RuleID, r.Message.Text)
		case r.RuleID == runtimeOnlyRule:
			gotRuntime++
			if r.Level != "note" {
				t.Errorf("-sarif: runtime-only result of level %q, want note", r.Level)
			}
		case r.Properties.Profile.Status == "confirmed":
			gotConfirmed = append(gotConfirmed, fmt.Sprint(r.Properties.Profile.Goroutines))
		}
	}
	slices.Sort(gotConfirmed)
	if !slices.Equal(gotConfirmed, wantConfirmed) || gotRuntime != wantRuntime {
		t.Errorf("-sarif: confirmed %v, %d runtime only; want %v, %d", gotConfirmed, gotRuntime, wantConfirmed, wantRuntime)
	}
	if !slices.ContainsFunc(log.Runs[0].Tool.Driver.Rules, func(r sarifRule) bool { return r.ID == runtimeOnlyRule }) {
		t.Errorf("-sarif: no %s rule", runtimeOnlyRule)
	}
}

// TestProfileOtherProgram joins a real profile of another program, this
// test binary, with the findings: it says so, and the output is that of a
// run without -profile.
func TestProfileOtherProgram(t *testing.T) {
	t.Parallel()
	var dump bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&dump, 2); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "other.txt")
	if err := os.WriteFile(file, dump.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runWithProfile(t, "-profile="+file)
	plainCode, _, plain := runWithProfile(t)
	note, rest, _ := strings.Cut(stderr, "\n")
	if !strings.Contains(note, "shows no goroutine in the analysed packages") || rest != plain || code != plainCode {
		t.Errorf("another program's profile: exit %d\n%s\nwant the note, then exit %d\n%s", code, stderr, plainCode, plain)
	}
}

// TestProfileErrors checks that a profile that cannot be read or parsed
// stops the run before the analysis, with exit 2, a message, and nothing
// on stdout.
func TestProfileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	malformed := filepath.Join(dir, "malformed.txt")
	if err := os.WriteFile(malformed, []byte("goroutine 1 [running]:\nmain.main()\n\tmain.go\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	notFound := httptest.NewServer(http.NotFoundHandler())
	defer notFound.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	tests := []struct{ source, want string }{
		{malformed, `line 3: want "\tfile:line"`},
		{filepath.Join(dir, "missing.pb.gz"), "no such file or directory"},
		{notFound.URL + "/debug/pprof/goroutine", "404 Not Found"},
		{closed.URL + "/debug/pprof/goroutine", "connection refused"},
	}
	for _, tt := range tests {
		for _, format := range []string{"", "-json", "-sarif"} {
			args := []string{"-profile=" + tt.source, "./no/such/package"} // the analysis must not start
			if format != "" {
				args = append([]string{format}, args...)
			}
			var stdout, stderr bytes.Buffer
			code := run(args, &stdout, &stderr, dir)
			msg := stderr.String()
			if code != exitError || stdout.Len() != 0 || !strings.Contains(msg, "cannot read the profile "+tt.source) || !strings.Contains(msg, tt.want) || strings.Count(msg, "\n") != 1 {
				t.Errorf("%s -profile=%s: exit %d, stdout %q, stderr %q; want exit 2, nothing on stdout, one line with %q",
					format, tt.source, code, stdout.String(), msg, tt.want)
			}
		}
	}
	var stderr bytes.Buffer
	if code := run([]string{"-fix", "-profile=x", "./..."}, &stderr, &stderr, dir); code != exitError || !strings.Contains(stderr.String(), "-profile and -fix cannot be used together") {
		t.Errorf("-fix -profile: exit %d, %q", code, stderr.String())
	}
}

func TestPlural(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{0: "0 goroutines", 1: "1 goroutine", 999: "999 goroutines", 1204: "1,204 goroutines", 1234567: "1,234,567 goroutines"} {
		if got := plural(n, "goroutine"); got != want {
			t.Errorf("plural(%d) = %q, want %q", n, got, want)
		}
	}
}
