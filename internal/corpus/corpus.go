// Package corpus fetches the pinned real-world modules goroutinelint is
// measured on, from the Go module proxy alone, and runs the linter over
// them. scripts/corpus prints per-module counts with it, and the heavy
// integration test checks a small part of the corpus against the committed
// triage.
package corpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// A Module is one pinned module of the corpus.
type Module struct {
	Name    string // short name, the directory it is fetched into
	Path    string // module path
	Version string
	Small   bool // cheap enough for CI
	// fixup adapts the module to build outside its own repository.
	fixup func(dir string) error
}

// Modules are the corpus: goroutine- and channel-heavy client and server
// libraries that build and vet cleanly with Go 1.26.
var Modules = []Module{
	{Name: "raft", Path: "github.com/hashicorp/raft", Version: "v1.8.0", Small: true},
	{Name: "etcd-client", Path: "go.etcd.io/etcd/client/v3", Version: "v3.7.3", fixup: fixEtcd},
	{Name: "client_golang", Path: "github.com/prometheus/client_golang", Version: "v1.25.0"},
	{Name: "go-redis", Path: "github.com/redis/go-redis/v9", Version: "v9.23.0"},
	{Name: "nats", Path: "github.com/nats-io/nats.go", Version: "v1.55.0", Small: true, fixup: fixNats},
	{Name: "grpc", Path: "google.golang.org/grpc", Version: "v1.85.0"},
}

// Scale is the module the standalone driver's memory is measured on at
// scale (issue 16): the Kubernetes API client SDK, whose build with tests
// holds well over 1,000 packages. It is not part of Modules, which are
// triaged for precision; scripts/bench runs it when named, once.
var Scale = Module{Name: "client-go", Path: "k8s.io/client-go", Version: "v0.37.2"}

// fixNats uses go_test.mod, with which upstream builds and tests: go.mod
// lacks the dependencies of its tests and of encoders/protobuf.
func fixNats(dir string) error {
	for _, f := range []string{"mod", "sum"} {
		data, err := os.ReadFile(filepath.Join(dir, "go_test."+f))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "go."+f), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// fixEtcd drops the monorepo's relative replacements of its sibling
// modules, using their releases at the same version instead.
func fixEtcd(dir string) error {
	return goCmd(dir, "mod", "edit", "-dropreplace=go.etcd.io/etcd/api/v3", "-dropreplace=go.etcd.io/etcd/client/pkg/v3")
}

// Env is the environment every go command of the corpus runs in: no
// workspace (some zips ship a go.work naming missing directories), the
// local toolchain, and modules resolved as the go.mod says.
var Env = []string{"GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod -buildvcs=false"}

// goCmd runs the go command in dir, returning its output in any error.
func goCmd(dir string, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), Env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return nil
}

// Fetch copies m from the module cache (downloading it through the proxy)
// into root/m.Name, applies its fixup and downloads its dependencies. A
// module already fetched at its version is left as it is.
func Fetch(root string, m Module) (string, error) {
	dir := filepath.Join(root, m.Name)
	stamp := filepath.Join(dir, ".corpus-version")
	if data, err := os.ReadFile(stamp); err == nil && string(data) == m.Path+"@"+m.Version {
		return dir, nil
	}
	cmd := exec.Command("go", "mod", "download", "-json", m.Path+"@"+m.Version)
	cmd.Env = append(os.Environ(), Env...)
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %v", m.Path, m.Version, err)
	}
	var info struct{ Dir string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s gave no directory", m.Path, m.Version)
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if err := os.CopyFS(dir, os.DirFS(info.Dir)); err != nil {
		return "", err
	}
	if err := makeWritable(dir); err != nil {
		return "", err
	}
	if m.fixup != nil {
		if err := m.fixup(dir); err != nil {
			return "", err
		}
	}
	if err := goCmd(dir, "mod", "download"); err != nil {
		return "", err
	}
	return dir, os.WriteFile(stamp, []byte(m.Path+"@"+m.Version), 0o644)
}

// makeWritable undoes the module cache's read-only modes.
func makeWritable(dir string) error {
	return filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if d.IsDir() {
			mode = 0o755
		}
		return os.Chmod(path, mode)
	})
}

// A Finding is one diagnostic of a corpus run, positioned relative to the
// module's root so that triage tables do not depend on where it was fetched.
type Finding struct {
	Check    string // the pass
	Category string
	Pos      string // file:line:col relative to the module root
	Message  string
}

// Run runs the goroutinelint binary over ./... in dir (tests included, as
// go vet does) and returns its findings sorted by position.
func Run(bin, dir string) ([]Finding, error) {
	cmd := exec.Command(bin, "-json", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), Env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		return nil, fmt.Errorf("%s ./... in %s: %v\n%s", bin, dir, err, stderr.Bytes())
	}
	if strings.Contains(stderr.String(), "internal error") {
		return nil, fmt.Errorf("%s ./... in %s reported an internal error:\n%s", bin, dir, stderr.Bytes())
	}
	var tree map[string]map[string][]struct {
		Category string `json:"category"`
		Posn     string `json:"posn"`
		Message  string `json:"message"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &tree); err != nil {
		return nil, fmt.Errorf("decoding -json output in %s: %v", dir, err)
	}
	seen := make(map[Finding]bool)
	var out []Finding
	for _, checks := range tree {
		for check, diags := range checks {
			for _, d := range diags {
				f := Finding{Check: check, Category: d.Category, Pos: relativePos(dir, d.Posn), Message: d.Message}
				if !seen[f] {
					seen[f] = true
					out = append(out, f)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Pos != out[j].Pos {
			return out[i].Pos < out[j].Pos
		}
		return out[i].Check < out[j].Check
	})
	return out, nil
}

// relativePos makes a file:line:col position relative to dir.
func relativePos(dir, posn string) string {
	if rel, ok := strings.CutPrefix(posn, dir+string(filepath.Separator)); ok {
		return filepath.ToSlash(rel)
	}
	return posn
}
