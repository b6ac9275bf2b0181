package main

import (
	"encoding/json"
	"go/build"
	"os"
	"path/filepath"
	"testing"
)

func TestIsStdDependency(t *testing.T) {
	t.Parallel()
	goroot := build.Default.GOROOT
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		cfg  *vetConfig // nil: no such file
		want bool
	}{
		{"std dependency", &vetConfig{ImportPath: "fmt", Dir: filepath.Join(goroot, "src", "fmt"), VetxOnly: true}, true},
		{"vendored std dependency", &vetConfig{ImportPath: "vendor/golang.org/x/net/http2/hpack", Dir: filepath.Join(goroot, "src", "vendor", "golang.org", "x", "net", "http2", "hpack"), VetxOnly: true}, true},
		{"std package being vetted", &vetConfig{ImportPath: "fmt", Dir: filepath.Join(goroot, "src", "fmt")}, false},
		{"module dependency", &vetConfig{ImportPath: "example.com/lib", Dir: filepath.Join(dir, "lib"), ModulePath: "example.com/lib", VetxOnly: true}, false},
		{"GOPATH package without a dot", &vetConfig{ImportPath: "lib", Dir: filepath.Join(dir, "src", "lib"), VetxOnly: true}, false},
		{"GOROOT's sibling directory", &vetConfig{ImportPath: "lib", Dir: goroot + "-other", VetxOnly: true}, false},
		{"no config file", nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(dir, filepath.Base(t.Name())+".cfg")
			if tt.cfg != nil {
				data, err := json.Marshal(tt.cfg)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if got := readVetConfig([]string{"-json", file}).isStdDependency(); got != tt.want {
				t.Errorf("isStdDependency(%+v) = %v, want %v", tt.cfg, got, tt.want)
			}
		})
	}
	if readVetConfig([]string{"-V=full"}).isStdDependency() {
		t.Error("the -V=full handshake taken for a std dependency")
	}
}
