package render

import (
	"bufio"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcled"
)

// DiagnosticJSON is one diagnostic in Terraform's machine-readable form
// (validate -json, the JSON UI): severity, summary, detail, and where a
// source range is known, the range and a snippet of the source around it.
type DiagnosticJSON struct {
	Severity string                 `json:"severity"`
	Summary  string                 `json:"summary"`
	Detail   string                 `json:"detail"`
	Range    *DiagnosticRangeJSON   `json:"range,omitempty"`
	Snippet  *DiagnosticSnippetJSON `json:"snippet,omitempty"`
}

// DiagnosticPosJSON is a position: line and column from 1, byte from 0.
type DiagnosticPosJSON struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// DiagnosticRangeJSON is the diagnostic's subject, end exclusive.
type DiagnosticRangeJSON struct {
	Filename string            `json:"filename"`
	Start    DiagnosticPosJSON `json:"start"`
	End      DiagnosticPosJSON `json:"end"`
}

// DiagnosticSnippetJSON is the source lines of the subject (and its
// context), with the subject's offsets into them.
type DiagnosticSnippetJSON struct {
	Context              *string               `json:"context"`
	Code                 string                `json:"code"`
	StartLine            int                   `json:"start_line"`
	HighlightStartOffset int                   `json:"highlight_start_offset"`
	HighlightEndOffset   int                   `json:"highlight_end_offset"`
	Values               []DiagnosticValueJSON `json:"values"`
}

// DiagnosticValueJSON says what a reference in the subject's expression
// was when it failed. spice leaves the list empty: values may be secrets.
type DiagnosticValueJSON struct {
	Traversal string `json:"traversal"`
	Statement string `json:"statement"`
}

// NewDiagnosticJSON converts one diagnostic as Terraform's
// views/json.NewDiagnostic does; files are the configuration's sources.
func NewDiagnosticJSON(d *hcl.Diagnostic, files map[string]*hcl.File) DiagnosticJSON {
	out := DiagnosticJSON{Severity: "error", Summary: d.Summary, Detail: d.Detail}
	if d.Severity == hcl.DiagWarning {
		out.Severity = "warning"
	}
	if d.Subject == nil {
		return out
	}
	highlight := *d.Subject
	if highlight.End == (hcl.Pos{}) {
		highlight.End = highlight.Start
	}
	snippet := highlight
	if d.Context != nil {
		snippet = *d.Context
	}
	snippet = hcl.RangeOver(snippet, highlight)
	// An empty range would show nothing: make it one byte.
	if snippet.Empty() {
		snippet.End.Byte++
		snippet.End.Column++
	}
	if highlight.Empty() {
		highlight.End.Byte++
		highlight.End.Column++
	}
	out.Range = &DiagnosticRangeJSON{
		Filename: highlight.Filename,
		Start:    DiagnosticPosJSON{Line: highlight.Start.Line, Column: highlight.Start.Column, Byte: highlight.Start.Byte},
		End:      DiagnosticPosJSON{Line: highlight.End.Line, Column: highlight.End.Column, Byte: highlight.End.Byte},
	}
	file := files[highlight.Filename]
	if file == nil || file.Bytes == nil {
		return out
	}
	src := file.Bytes
	s := &DiagnosticSnippetJSON{StartLine: snippet.Start.Line, Values: []DiagnosticValueJSON{}}
	if ctx := hcled.ContextString(file, highlight.Start.Byte-1); ctx != "" {
		s.Context = &ctx
	}
	codeStart := 0
	var code strings.Builder
	sc := hcl.NewRangeScanner(src, highlight.Filename, bufio.ScanLines)
	for sc.Scan() {
		line := sc.Range()
		if line.Overlaps(snippet) {
			if codeStart == 0 && code.Len() == 0 {
				codeStart = line.Start.Byte
			}
			code.Write(line.SliceBytes(src))
			code.WriteRune('\n')
		}
	}
	s.Code = strings.TrimSuffix(code.String(), "\n")
	start := highlight.Start.Byte - codeStart
	end := start + (highlight.End.Byte - highlight.Start.Byte)
	s.HighlightStartOffset = min(max(start, 0), len(s.Code))
	s.HighlightEndOffset = min(max(end, 0), len(s.Code))
	out.Snippet = s
	return out
}
