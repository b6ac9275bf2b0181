package integration

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// updateProfiles makes TestProfileServer save the profiles it fetches as
// the testdata of cmd/goroutinelint's profile tests (their goldens are
// then regenerated with that package's -update flag):
//
//	GOROUTINELINT_HEAVY=1 go test -timeout 30m -run TestProfileServer ./integration/ -update-profiles
//	go test -run TestProfileGolden -update ./cmd/goroutinelint/
var updateProfiles = flag.Bool("update-profiles", false, "save the fetched profiles as cmd/goroutinelint/testdata/profile/")

// hits is how many times the test calls each leaky handler.
const hits = 5

// TestProfileServer runs the example server, built with
// GOEXPERIMENT=goroutineleakprofile (which rebuilds the standard library:
// slow the first time), calls each handler on loopback, and checks what
// goroutinelint -profile makes of the server's profiles fetched over HTTP:
// the leak profile confirms the abandoned result channel with exactly
// hits goroutines and shows the leak planted through a function value as
// runtime only; the plain debug=2 profile, taken while the log writer
// and the queue workers are held, confirms the shared-channel findings
// too; no fixed handler's code appears in either.
func TestProfileServer(t *testing.T) {
	requireHeavy(t)
	root := repoRoot(t)
	dir := t.TempDir()
	lint := filepath.Join(dir, "goroutinelint")
	srvBin := filepath.Join(dir, "profileserver")
	goBuild(t, root, nil, lint, "./cmd/goroutinelint")
	// -trimpath: the saved profiles hold no path of this machine, and the
	// mapping of trimmed paths to the source is what runs.
	goBuild(t, root, []string{"GOEXPERIMENT=goroutineleakprofile"}, srvBin, "-trimpath", "./integration/testdata/profileserver")

	up := newHeldUpstream(t)
	addr := startProfileServer(t, srvBin, up.URL)
	base := "http://" + addr
	call(t, 1, "GET", base+"/fixed/log") // warm up: the first connection is the slowest

	// The quote handler's goroutine gets its answer after the handler
	// gave up, and blocks on the send to responseCh for good.
	call(t, hits, "GET", base+"/leaky/quote")
	call(t, hits, "GET", base+"/fixed/quote")
	// The leaky workers hang in deliveries to the held upstream; the queue
	// fills, then each enqueue blocks its handler.
	call(t, 2+16+hits, "POST", base+"/leaky/enqueue?order=1")
	call(t, hits, "POST", base+"/fixed/enqueue?order=1")
	// The audit log writes to the server's stderr, a pipe nobody reads:
	// long lines fill it, then the queue, then each sender blocks.
	long := strings.Repeat("x", 4000)
	call(t, 16+1+64<<10/len(long)+hits, "GET", base+"/leaky/log?event="+long)
	call(t, hits, "GET", base+"/fixed/log")
	call(t, hits, "GET", base+"/leaky/status")
	call(t, hits, "GET", base+"/planted?sender=one")
	time.Sleep(2 * time.Second) // the quote answers arrive, the senders block
	if n := up.quotes.Load(); n != 2*hits {
		t.Fatalf("the upstream saw %d quote requests, want %d (the leaky and the fixed handler's)", n, 2*hits)
	}

	// The plain profiles first: the leak endpoint marks the leaked
	// goroutines in later dumps, and the leaky workers' webhook client gives
	// up after 30 seconds, which lets the queue drain. goroutinelint fetches
	// the profile before it analyses.
	pkgs := []string{"./examples/...", "./integration/testdata/profileserver"}
	if *updateProfiles {
		saveProfiles(t, root, base, "goroutine.debug2.txt", "goroutine.debug1.txt", "goroutine.pb.gz")
	}
	plain := runLint(t, root, lint, append([]string{"-json", "-profile=" + base + "/debug/pprof/goroutine"}, pkgs...))
	if *updateProfiles {
		// The leak endpoint's debug=2 dump: every goroutine, the leaked ones
		// marked; as a file it reads as a plain dump.
		saveProfiles(t, root, base, "goroutineleak.debug1.txt", "goroutineleak.pb.gz", "goroutineleak.debug2.txt")
	}
	leak := runLint(t, root, lint, append([]string{"-json", "-profile=" + base + "/debug/pprof/goroutineleak"}, pkgs...))

	checkStatus(t, plain, "send on responseCh may block forever", fmt.Sprintf("confirmed %d", hits))
	checkStatus(t, plain, "send on logChLeaky", "confirmed")
	checkStatus(t, plain, "send on taskQueueLeaky", "confirmed")
	checkStatus(t, plain, "http.Get uses http.DefaultClient", fmt.Sprintf("confirmed %d", hits))
	checkStatus(t, plain, "goroutine started in init never exits: it ranges over logChLeaky", "confirmed 1")

	checkStatus(t, leak, "send on responseCh may block forever", fmt.Sprintf("confirmed %d leaked", hits))
	checkStatus(t, leak, "send on logChLeaky", "not seen") // reachable from a global: not leaked
	planted := runtimeOnly(leak, "integration/testdata/profileserver/main.go")
	if len(planted) != 1 || planted[0].Profile.Goroutines != hits || !strings.HasSuffix(planted[0].Posn, ":44") {
		t.Errorf("leak profile: runtime-only groups in the planted server = %+v, want one of %d goroutines at main.go:44", planted, hits)
	}

	for name, out := range map[string]lintJSON{"leak": leak, "plain": plain} {
		for _, d := range out.all() {
			if d.Profile == nil {
				t.Errorf("%s profile: finding without a profile status: %s %s", name, d.Posn, d.Message)
			}
		}
		// Every goroutine stuck in the examples is a leaky handler's, and
		// explained: the fixed twins strand none.
		for _, d := range runtimeOnly(out, "") {
			if strings.Contains(d.Posn, "examples/server/") {
				t.Errorf("%s profile: runtime only in the examples: %s %s (%s)", name, d.Posn, d.Message, d.Profile.Func)
			}
		}
	}
}

// goBuild builds pkg (after flags) into out, in root, with env added.
func goBuild(t *testing.T, root string, env []string, out string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"build", "-o", out}, args...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", args, err, b)
	}
}

// A heldUpstream stands in for the upstream API: it answers /quote after
// a delay longer than the callers' deadline, and holds every other request
// until the test ends.
type heldUpstream struct {
	*httptest.Server
	release chan struct{}
	quotes  atomic.Int32 // /quote requests seen
}

// newHeldUpstream starts a heldUpstream on loopback.
func newHeldUpstream(t *testing.T) *heldUpstream {
	u := &heldUpstream{release: make(chan struct{})}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/quote" {
			u.quotes.Add(1)
			time.Sleep(time.Second) // long after the handler gave up
			fmt.Fprintln(w, "42")
			return
		}
		select {
		case <-u.release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() {
		close(u.release)
		u.CloseClientConnections()
		u.Close()
	})
	return u
}

// startProfileServer starts the server binary with its stderr on a pipe
// nobody reads, and returns its address.
func startProfileServer(t *testing.T, bin, upstream string) string {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-upstream", upstream)
	cmd.Stderr = pw
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		pr.Close()
	})
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		if s.Scan() {
			line <- s.Text()
		}
		close(line)
	}()
	select {
	case l := <-line:
		addr, ok := strings.CutPrefix(l, "listening on ")
		if !ok {
			t.Fatalf("profile server: %q, want its address", l)
		}
		return addr
	case <-time.After(30 * time.Second):
		t.Fatal("profile server did not start in 30s")
	}
	return ""
}

// call sends n requests to url, each given up after 200ms.
func call(t *testing.T, n int, method, url string) {
	t.Helper()
	client := &http.Client{Timeout: 200 * time.Millisecond}
	for range n {
		req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp, err := client.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
}

// profilePaths gives the endpoint of each saved profile.
var profilePaths = map[string]string{
	"goroutine.debug2.txt":     "/debug/pprof/goroutine?debug=2",
	"goroutine.debug1.txt":     "/debug/pprof/goroutine?debug=1",
	"goroutine.pb.gz":          "/debug/pprof/goroutine",
	"goroutineleak.debug1.txt": "/debug/pprof/goroutineleak?debug=1",
	"goroutineleak.pb.gz":      "/debug/pprof/goroutineleak",
	"goroutineleak.debug2.txt": "/debug/pprof/goroutineleak?debug=2",
}

// saveProfiles saves the server's profiles of the given names, in order,
// as testdata of cmd/goroutinelint.
func saveProfiles(t *testing.T, root, base string, names ...string) {
	dir := filepath.Join(root, "cmd", "goroutinelint", "testdata", "profile")
	for _, name := range names {
		path := profilePaths[name]
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %v %s", path, err, resp.Status)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// lintJSON is goroutinelint's -json output: package -> check -> diagnostics.
type lintJSON map[string]map[string][]lintDiag

// A lintDiag is a diagnostic of lintJSON with what -profile says of it.
type lintDiag struct {
	Posn    string `json:"posn"`
	Message string `json:"message"`
	Profile *struct {
		Status      string `json:"status"`
		Goroutines  int    `json:"goroutines"`
		Leaked      bool   `json:"leaked"`
		LongestWait int    `json:"longest_wait_minutes"`
		Func        string `json:"func"`
	} `json:"profile"`
}

// all returns the findings, without the runtime-only groups.
func (out lintJSON) all() []lintDiag {
	var ds []lintDiag
	for _, byCheck := range out {
		for check, diags := range byCheck {
			if check != "runtime-only" {
				ds = append(ds, diags...)
			}
		}
	}
	return ds
}

// runtimeOnly returns the runtime-only groups in files ending with suffix.
func runtimeOnly(out lintJSON, suffix string) []lintDiag {
	var ds []lintDiag
	for _, byCheck := range out {
		for _, d := range byCheck["runtime-only"] {
			file, _, _ := strings.Cut(d.Posn, ":")
			if strings.HasSuffix(file, suffix) {
				ds = append(ds, d)
			}
		}
	}
	return ds
}

// runLint runs goroutinelint with args in root and parses its -json output.
func runLint(t *testing.T, root, bin string, args []string) lintJSON {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = root
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("goroutinelint %s: exit %d (%v), want 1\n%s", args, code, err, stderr.String())
	}
	var out lintJSON
	if err := json.Unmarshal(stdout, &out); err != nil {
		t.Fatalf("goroutinelint %s: %v\n%s", args, err, stdout)
	}
	return out
}

// checkStatus checks the profile status of the one finding whose message
// holds msg: want is "not seen", "confirmed", "confirmed N" or
// "confirmed N leaked".
func checkStatus(t *testing.T, out lintJSON, msg, want string) {
	t.Helper()
	for _, d := range out.all() {
		if !strings.Contains(d.Message, msg) {
			continue
		}
		got := "no status"
		if p := d.Profile; p != nil {
			got = p.Status
			if p.Status == "confirmed" && want != "confirmed" {
				got += fmt.Sprint(" ", p.Goroutines)
				if p.Leaked {
					got += " leaked"
				}
			}
		}
		if got != want {
			t.Errorf("%s %s: %s, want %s", d.Posn, d.Message, got, want)
		}
		return
	}
	t.Errorf("no finding %q", msg)
}
