// Package format rewrites HCL configuration files (.tf, .tfvars,
// .tftest.hcl, .tfmock.hcl) into the canonical style, byte for byte as
// terraform fmt does: hclwrite's layout (indentation, alignment of "=" and
// of trailing comments, spacing) plus Terraform's own normalisations:
//
//   - a variable block's type written in the 0.11 style becomes a type
//     expression: "string" → string, "list" → list(string),
//     "map" → map(string), and a bare list, map or set → list(any) etc.;
//   - a value that is a single interpolation, "${expr}", becomes expr
//     (in parentheses when it spans lines), unless the template has any
//     other part: literal text, a second interpolation, a directive;
//   - block labels are written quoted, whatever they were.
//
// A file with a syntax error is refused (diagnostics, no output), as
// Terraform refuses it: formatting broken input could change it beyond
// recognition.
package format

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// Extensions are the file name endings fmt formats in a directory; other
// files, JSON syntax included, are left alone.
var Extensions = []string{".tf", ".tfvars", ".tftest.hcl", ".tfmock.hcl"}

// Format returns src in the canonical style, or the syntax errors that
// make it unformattable; filename appears in the diagnostics only.
func Format(src []byte, filename string) ([]byte, hcl.Diagnostics) {
	// hclwrite parses with hclsyntax first and returns its syntax errors:
	// the check terraform fmt makes before formatting.
	f, diags := hclwrite.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	formatBody(f.Body(), "", true)
	// File.Bytes lays the tokens out (hclwrite's format pass).
	return f.Bytes(), nil
}

// formatBody normalises a body's attributes, then its blocks' labels and
// bodies. inVariable says the body is a top-level variable block's, the
// only place where a type constraint is rewritten.
func formatBody(body *hclwrite.Body, blockType string, topLevel bool) {
	inVariable := blockType == "variable"
	for name, attr := range body.Attributes() {
		tokens := attr.Expr().BuildTokens(nil)
		if inVariable && name == "type" {
			body.SetAttributeRaw(name, typeExpr(tokens))
			continue
		}
		body.SetAttributeRaw(name, unwrapInterpolation(tokens))
	}
	for _, block := range body.Blocks() {
		// Rewriting the labels drops whatever was between them (inline
		// comments) and quotes bare ones.
		block.SetLabels(block.Labels())
		nested := ""
		if topLevel {
			nested = block.Type()
		}
		formatBody(block.Body(), nested, false)
	}
}

// typeExpr rewrites 0.11-style type constraints; anything else is kept.
func typeExpr(tokens hclwrite.Tokens) hclwrite.Tokens {
	switch len(tokens) {
	case 1:
		// A collection keyword alone means a collection of any.
		if tokens[0].Type != hclsyntax.TokenIdent {
			return tokens
		}
		switch kw := string(tokens[0].Bytes); kw {
		case "list", "map", "set":
			return collectionOf(kw, "any")
		}
	case 3:
		// A quoted type from 0.11, which had no "any": its collections
		// held strings (what terraform 0.12upgrade wrote too).
		if tokens[0].Type != hclsyntax.TokenOQuote || tokens[1].Type != hclsyntax.TokenQuotedLit || tokens[2].Type != hclsyntax.TokenCQuote {
			return tokens
		}
		switch kw := string(tokens[1].Bytes); kw {
		case "string":
			return hclwrite.Tokens{ident("string")}
		case "list", "map":
			return collectionOf(kw, "string")
		}
	}
	return tokens
}

func collectionOf(kind, elem string) hclwrite.Tokens {
	return hclwrite.Tokens{
		ident(kind),
		{Type: hclsyntax.TokenOParen, Bytes: []byte("(")},
		ident(elem),
		{Type: hclsyntax.TokenCParen, Bytes: []byte(")")},
	}
}

func ident(name string) *hclwrite.Token {
	return &hclwrite.Token{Type: hclsyntax.TokenIdent, Bytes: []byte(name)}
}

// unwrapInterpolation turns "${expr}" into expr when the template is
// provably that one interpolation; any doubt keeps the tokens as they are.
func unwrapInterpolation(tokens hclwrite.Tokens) hclwrite.Tokens {
	// Quote, "${", at least one token, "}", quote.
	if len(tokens) < 5 {
		return tokens
	}
	last := len(tokens) - 1
	if tokens[0].Type != hclsyntax.TokenOQuote || tokens[1].Type != hclsyntax.TokenTemplateInterp ||
		tokens[last-1].Type != hclsyntax.TokenTemplateSeqEnd || tokens[last].Type != hclsyntax.TokenCQuote {
		return tokens
	}
	inside := tokens[2 : last-1]
	nested := 0 // depth of quoted strings inside the interpolation
	for _, tok := range inside {
		switch tok.Type {
		case hclsyntax.TokenOQuote:
			nested++
			continue
		case hclsyntax.TokenCQuote:
			nested--
			continue
		}
		if nested > 0 {
			// "${f("${x}")}": the inner template is part of the expression.
			continue
		}
		switch tok.Type {
		case hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateSeqEnd, hclsyntax.TokenQuotedLit:
			// "${a}${b}" or "${a}-x": more than one part.
			return tokens
		}
	}
	inside = trimNewlines(inside)
	// A multi-line expression needs parentheses to stay one expression
	// outside the template (a conditional split over lines, say).
	multiLine := false
	for _, tok := range inside {
		if tok.Type == hclsyntax.TokenNewline {
			multiLine = true
			break
		}
	}
	parenthesised := len(inside) > 0 && inside[0].Type == hclsyntax.TokenOParen && inside[len(inside)-1].Type == hclsyntax.TokenCParen
	if multiLine && !parenthesised {
		wrapped := make(hclwrite.Tokens, 0, len(inside)+2)
		wrapped = append(wrapped, &hclwrite.Token{Type: hclsyntax.TokenOParen, Bytes: []byte("(")})
		wrapped = append(wrapped, inside...)
		return append(wrapped, &hclwrite.Token{Type: hclsyntax.TokenCParen, Bytes: []byte(")")})
	}
	return inside
}

// trimNewlines drops newlines at either end: "${\n  x\n}" unwraps to x.
func trimNewlines(tokens hclwrite.Tokens) hclwrite.Tokens {
	start, end := 0, len(tokens)
	for start < end && tokens[start].Type == hclsyntax.TokenNewline {
		start++
	}
	for end > start && tokens[end-1].Type == hclsyntax.TokenNewline {
		end--
	}
	return tokens[start:end]
}
