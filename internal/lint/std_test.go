package lint

import (
	"go/build"
	"path/filepath"
	"testing"
)

func TestIsStdPackage(t *testing.T) {
	t.Parallel()
	src := filepath.Join(build.Default.GOROOT, "src")
	for _, tt := range []struct {
		importPath, path string
		want             bool
	}{
		{"fmt", filepath.Join(src, "fmt", "print.go"), true},
		{"net/http", filepath.Join(src, "net", "http"), true},
		{"vendor/golang.org/x/net/idna", filepath.Join(src, "vendor", "golang.org", "x", "net", "idna"), true},
		{"fmt", "$GOROOT/src/fmt/print.go", true}, // -trimpath
		{"example.com/p", filepath.Join(src, "example.com", "p"), false},
		{"p", "/home/user/go/src/p/p.go", false},
		{"p", src + "x/p/p.go", false}, // a sibling of GOROOT/src
		{"fmt", "", false},
	} {
		if got := IsStdPackage(tt.importPath, tt.path); got != tt.want {
			t.Errorf("IsStdPackage(%q, %q) = %v, want %v", tt.importPath, tt.path, got, tt.want)
		}
	}
}
