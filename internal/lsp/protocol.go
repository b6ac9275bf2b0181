package lsp

import "encoding/json"

// The LSP types the server reads and writes, limited to the fields it uses.
// Fields it passes through unread stay json.RawMessage.

// A Position is a zero-based line and a character offset in the negotiated
// position encoding.
type Position struct {
	Line      uint32 `json:"line"`
	Character uint32 `json:"character"`
}

// A Range is a half-open range of positions.
type Range struct {
	Start Position `json:"start"`
	End   Position `json:"end"`
}

// A Location is a range in a document.
type Location struct {
	URI   string `json:"uri"`
	Range Range  `json:"range"`
}

// A Diagnostic is one finding as the editor shows it.
type Diagnostic struct {
	Range              Range                          `json:"range"`
	Severity           int                            `json:"severity,omitempty"`
	Code               string                         `json:"code,omitempty"`
	CodeDescription    *CodeDescription               `json:"codeDescription,omitempty"`
	Source             string                         `json:"source,omitempty"`
	Message            string                         `json:"message"`
	RelatedInformation []DiagnosticRelatedInformation `json:"relatedInformation,omitempty"`
}

// CodeDescription links a diagnostic's code to its documentation.
type CodeDescription struct {
	Href string `json:"href"`
}

// DiagnosticRelatedInformation is another place that explains a diagnostic.
type DiagnosticRelatedInformation struct {
	Location Location `json:"location"`
	Message  string   `json:"message"`
}

// severityWarning is DiagnosticSeverity.Warning: findings are vet findings,
// not compile errors.
const severityWarning = 2

// PublishDiagnosticsParams are the params of textDocument/publishDiagnostics.
// Diagnostics stay raw so that another server's can be relayed unchanged.
type PublishDiagnosticsParams struct {
	URI         string            `json:"uri"`
	Version     *int32            `json:"version,omitempty"`
	Diagnostics []json.RawMessage `json:"diagnostics"`
}

// A TextEdit replaces a range with new text.
type TextEdit struct {
	Range   Range  `json:"range"`
	NewText string `json:"newText"`
}

// A WorkspaceEdit holds text edits by document URI.
type WorkspaceEdit struct {
	Changes map[string][]TextEdit `json:"changes"`
}

// A CodeAction is a quick fix: a suggested fix of a diagnostic.
type CodeAction struct {
	Title       string          `json:"title"`
	Kind        string          `json:"kind,omitempty"`
	Diagnostics []Diagnostic    `json:"diagnostics,omitempty"`
	IsPreferred bool            `json:"isPreferred,omitempty"`
	Edit        *WorkspaceEdit  `json:"edit,omitempty"`
	Data        json.RawMessage `json:"data,omitempty"`
}

// kindQuickFix is the CodeActionKind of a suggested fix.
const kindQuickFix = "quickfix"

// actionData marks the code actions this server made, so that a proxy
// routes their codeAction/resolve here rather than to gopls.
var actionData = json.RawMessage(`{"goroutinelint":true}`)

// isOurs reports whether a code action's data marks it as ours.
func isOurs(data json.RawMessage) bool {
	var d struct {
		Goroutinelint bool `json:"goroutinelint"`
	}
	return json.Unmarshal(data, &d) == nil && d.Goroutinelint
}

// CodeActionParams are the params of textDocument/codeAction.
type CodeActionParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
	Range        Range                  `json:"range"`
	Context      struct {
		Only []string `json:"only,omitempty"`
	} `json:"context"`
}

// TextDocumentIdentifier names a document.
type TextDocumentIdentifier struct {
	URI string `json:"uri"`
}

// DidOpenParams are the params of textDocument/didOpen.
type DidOpenParams struct {
	TextDocument struct {
		URI        string `json:"uri"`
		LanguageID string `json:"languageId"`
		Version    int32  `json:"version"`
		Text       string `json:"text"`
	} `json:"textDocument"`
}

// DidChangeParams are the params of textDocument/didChange.
type DidChangeParams struct {
	TextDocument struct {
		URI     string `json:"uri"`
		Version int32  `json:"version"`
	} `json:"textDocument"`
	ContentChanges []ContentChange `json:"contentChanges"`
}

// A ContentChange replaces Range, or the whole text if Range is nil.
type ContentChange struct {
	Range *Range `json:"range,omitempty"`
	Text  string `json:"text"`
}

// DidSaveParams are the params of textDocument/didSave.
type DidSaveParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
	Text         *string                `json:"text,omitempty"`
}

// DidCloseParams are the params of textDocument/didClose.
type DidCloseParams struct {
	TextDocument TextDocumentIdentifier `json:"textDocument"`
}

// InitializeParams are the fields of initialize's params the server reads.
type InitializeParams struct {
	Capabilities struct {
		General struct {
			PositionEncodings []string `json:"positionEncodings"`
		} `json:"general"`
		Workspace struct {
			Configuration bool `json:"configuration"`
		} `json:"workspace"`
	} `json:"capabilities"`
	InitializationOptions json.RawMessage `json:"initializationOptions,omitempty"`
}

// Position encodings.
const (
	encUTF8  = "utf-8"
	encUTF16 = "utf-16"
	encUTF32 = "utf-32"
)
