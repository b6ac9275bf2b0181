package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestExeIdentity checks what stands for the executable in cache keys:
// two builds of equal size that differ in one string have different
// identities, taken from their build IDs; builds whose ID was set by hand
// are hashed, so that they differ too.
func TestExeIdentity(t *testing.T) {
	if testing.Short() {
		t.Skip("builds small programs; skipped in -short mode")
	}
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"go.mod":  "module example.com/exe\n\ngo 1.26.0\n",
		"main.go": "package main\n\nvar v = \"aaaa\"\n\nfunc main() { println(v) }\n",
	})
	build := func(name, ldflags string) string {
		t.Helper()
		out := filepath.Join(dir, name)
		cmd := exec.Command("go", "build", "-o", out, "-ldflags="+ldflags, ".")
		cmd.Dir = dir
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, msg)
		}
		return out
	}
	pairs := []struct {
		prefix string
		a, b   string // ldflags of two builds of equal size
	}{
		{"buildid ", "-X=main.v=bbbb", "-X=main.v=cccc"},
		{"sha256 ", "-buildid=fixed -X=main.v=bbbb", "-buildid=fixed -X=main.v=cccc"},
		{"sha256 ", "-buildid= -X=main.v=bbbb", "-buildid= -X=main.v=cccc"},
	}
	for i, p := range pairs {
		a, b := build(string(rune('a'+2*i)), p.a), build(string(rune('b'+2*i)), p.b)
		dataA, dataB := readBytes(t, a), readBytes(t, b)
		if len(dataA) != len(dataB) || bytes.Equal(dataA, dataB) {
			t.Fatalf("%s and %s: want builds of equal size and different content", p.a, p.b)
		}
		idA, err := exeIdentity(a)
		if err != nil {
			t.Fatal(err)
		}
		idB, err := exeIdentity(b)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(idA, p.prefix) || !strings.HasPrefix(idB, p.prefix) {
			t.Errorf("-ldflags=%q: identities %q and %q, want them to start with %q", p.a, idA, idB, p.prefix)
		}
		if idA == idB {
			t.Errorf("builds with -ldflags=%q and %q have one identity %q", p.a, p.b, idA)
		}
		if again, err := exeIdentity(a); err != nil || again != idA {
			t.Errorf("identity of one file changed: %q, then %q (%v)", idA, again, err)
		}
	}
}

// readBytes returns the content of the file.
func readBytes(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
