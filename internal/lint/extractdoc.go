package lint

import (
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"strings"
)

// ExtractDoc returns an analyzer's Doc from src, the text of its package's
// doc.go, so that the documentation is written once, as the package comment
// (STYLE.md, section 3). The comment holds a section
//
//	# Analyzer <name>
//
//	<name>: <title>
//
//	<body>
//
// and ExtractDoc returns "<title>\n\n<body>": the section after "<name>: ",
// up to the next heading or the end of the comment, trimmed. A pass embeds
// its doc.go (//go:embed doc.go) and calls MustExtractDoc at init, as the
// x/tools passes do with a helper of their own.
func ExtractDoc(src, name string) (string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", src, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		return "", fmt.Errorf("doc.go does not parse: %v", err)
	}
	if f.Doc == nil {
		return "", errors.New("doc.go has no package comment")
	}
	heading := "# Analyzer " + name
	for _, section := range strings.Split("\n"+f.Doc.Text(), "\n# ")[1:] {
		body, ok := strings.CutPrefix("# "+section, heading)
		if !ok || (body != "" && body[0] != '\n') {
			continue // another heading, or one that only starts with this one
		}
		doc, ok := strings.CutPrefix(strings.TrimSpace(body), name+":")
		if !ok {
			return "", fmt.Errorf("the %q heading is not followed by a line %q", heading, name+": <title>")
		}
		doc = strings.TrimSpace(doc)
		if doc == "" {
			return "", fmt.Errorf("the %q section has no title", heading)
		}
		return doc, nil
	}
	return "", fmt.Errorf("the package comment has no %q heading", heading)
}

// MustExtractDoc is ExtractDoc for package initialization: a doc.go without
// the section is a programming error, caught by any test of the package.
func MustExtractDoc(src, name string) string {
	doc, err := ExtractDoc(src, name)
	if err != nil {
		panic(fmt.Sprintf("%s: %v", name, err))
	}
	return doc
}
