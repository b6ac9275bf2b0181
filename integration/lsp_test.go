package integration

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// goplsVersion is the gopls the editor tests run beside and behind
// goroutinelint lsp.
const goplsVersion = "v0.23.0"

// goplsBinary returns gopls goplsVersion, built from the module proxy with
// go install into a cache directory on first use (later runs reuse it, as
// the go build cache makes the golangci-lint build cheap on later runs).
// GOROUTINELINT_TEST_GOPLS names a prebuilt one instead.
func goplsBinary(t *testing.T) string {
	t.Helper()
	if path := os.Getenv("GOROUTINELINT_TEST_GOPLS"); path != "" {
		return path
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "goroutinelint-test", "gopls-"+goplsVersion)
	bin := filepath.Join(dir, "gopls")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	// Outside any module, so the install ignores this one's go.mod.
	out, code := run(t, t.TempDir(), []string{"GOBIN=" + dir, "GOWORK=off", "GOFLAGS="}, "go", "install", "golang.org/x/tools/gopls@"+goplsVersion)
	if code != 0 {
		t.Fatalf("go install golang.org/x/tools/gopls@%s (exit %d):\n%s", goplsVersion, code, out)
	}
	return bin
}

// lspResult is what integration/testdata/lsp/check.lua writes.
type lspResult struct {
	Published   bool      `json:"published"`
	Before      []lspDiag `json:"before"`
	Hover       string    `json:"hover"`
	Actions     []string  `json:"actions"`
	FixedLine   string    `json:"fixed_line"`
	Republished bool      `json:"republished"`
	After       []lspDiag `json:"after"`
}

// lspDiag is a diagnostic as Neovim holds it, 1-based.
type lspDiag struct {
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
	Source  string `json:"source"`
}

// Diagnostics on integration/testdata/lsp/leaky/leaky.go.
var (
	wantOurs   = lspDiag{16, 8, "send on errc may block forever: the receiver returns on another select case without receiving", "goroutinelint"}
	wantPrintf = lspDiag{8, 14, "fmt.Printf format %d has arg name of wrong type string", "printf"}
)

// runNeovimLSP starts headless Neovim on a copy of the fixture with the
// language server command cmd (the binary first, as PATH finds it) and
// returns what check.lua saw.
func runNeovimLSP(t *testing.T, cmd []string, withGopls bool) lspResult {
	t.Helper()
	dir := copyDir(t, filepath.Join("testdata", "lsp"))
	resultFile := filepath.Join(t.TempDir(), "result.json")
	cmdJSON, _ := json.Marshal(cmd)
	expect := "0"
	if withGopls {
		expect = "1"
	}
	env := []string{"EDITOR_FIXTURE=" + dir, "EDITOR_RESULT=" + resultFile, "LSP_CMD=" + string(cmdJSON), "EXPECT_GOPLS=" + expect, "GOFLAGS=-mod=mod", "GOWORK=off"}
	out, code := run(t, dir, env, "nvim", "--headless", "--clean", "-u", "NONE", "-c", "luafile check.lua")
	data, err := os.ReadFile(resultFile)
	if err != nil {
		t.Fatalf("nvim wrote no result (exit %d): %v\n%s", code, err, out)
	}
	var res lspResult
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatalf("%v in %s", err, data)
	}
	t.Logf("nvim result: %s", data)
	return res
}

// hasDiag reports whether diags holds want.
func hasDiag(diags []lspDiag, want lspDiag) bool {
	for _, d := range diags {
		if d == want {
			return true
		}
	}
	return false
}

// checkNeovimLSP checks the common part of both modes: our finding, the
// quick fix applied through the code action, and the finding gone after
// the save.
func checkNeovimLSP(t *testing.T, res lspResult) {
	t.Helper()
	if !res.Published || !hasDiag(res.Before, wantOurs) {
		t.Fatalf("before the fix: published=%v diagnostics %+v, want %+v", res.Published, res.Before, wantOurs)
	}
	if strings.TrimSpace(res.FixedLine) != "errc := make(chan error, 1)" {
		t.Errorf("after the quick fix the line is %q, want errc := make(chan error, 1) (actions offered: %q)", res.FixedLine, res.Actions)
	}
	if !res.Republished || hasDiag(res.After, wantOurs) {
		t.Errorf("after the save: republished=%v diagnostics %+v, want ours gone", res.Republished, res.After)
	}
}

// TestNeovimLSP attaches headless Neovim to "goroutinelint lsp" alone.
func TestNeovimLSP(t *testing.T) {
	requireHeavy(t)
	requireTool(t, "nvim")
	res := runNeovimLSP(t, []string{buildTool(t), "lsp"}, false)
	checkNeovimLSP(t, res)
	for _, d := range res.Before {
		if d.Source != "goroutinelint" {
			t.Errorf("diagnostic %+v from another source, with no gopls running", d)
		}
	}
}

// TestNeovimGoplsProxy attaches headless Neovim to "goroutinelint lsp
// -gopls=…" in front of gopls: gopls's own printf diagnostic and ours
// together, hover answered by gopls, our quick fix applied, and gopls's
// diagnostic still there after ours is fixed.
func TestNeovimGoplsProxy(t *testing.T) {
	requireHeavy(t)
	requireTool(t, "nvim")
	gopls := goplsBinary(t)
	res := runNeovimLSP(t, []string{buildTool(t), "lsp", "-gopls=" + gopls}, true)
	if !hasDiag(res.Before, wantPrintf) {
		t.Errorf("before the fix: diagnostics %+v, want gopls's %+v too", res.Before, wantPrintf)
	}
	checkNeovimLSP(t, res)
	if !strings.Contains(res.Hover, "name string") {
		t.Errorf("hover on Report's parameter: %q, want gopls's answer naming it", res.Hover)
	}
	if !hasDiag(res.After, wantPrintf) {
		t.Errorf("after the fix: diagnostics %+v, want gopls's printf diagnostic kept", res.After)
	}
}

// requireTool fails t if tool is not installed.
func requireTool(t *testing.T, tool string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Fatalf("%s is not installed (.ci/run installs it)", tool)
	}
}
