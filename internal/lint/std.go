package lint

import (
	"go/build"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// IsStd reports whether the pass's package belongs to the standard library.
// No pass exports facts for it: calls into it are unknown to the channel
// model, and it returns no client literal, so go vet can skip the
// analysis of a standard-library dependency altogether (see
// analyzer.ForStdDependency).
func IsStd(pass *analysis.Pass) bool {
	if len(pass.Files) == 0 {
		return false
	}
	return IsStdPackage(pass.Pkg.Path(), pass.Fset.PositionFor(pass.Files[0].Pos(), false).Filename)
}

// IsStdPackage reports whether the package with this import path, one of
// whose files or its directory is at path, belongs to the standard
// library: the path's first element has no dot and the file lies under
// GOROOT/src (or is spelt $GOROOT/..., as -trimpath builds spell it).
func IsStdPackage(importPath, path string) bool {
	first, _, _ := strings.Cut(importPath, "/")
	if strings.Contains(first, ".") || path == "" {
		return false
	}
	if strings.HasPrefix(path, "$GOROOT") {
		return true
	}
	root := build.Default.GOROOT
	if root == "" {
		return false
	}
	rel, err := filepath.Rel(filepath.Join(root, "src"), path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
