package core

import (
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/funcs"
)

// parallel runs fn for 0..n-1, at most limit at a time.
func parallel(n, limit int, fn func(i int)) {
	if limit < 1 {
		limit = 1
	}
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			fn(i)
		}(i)
	}
	wg.Wait()
}

func sourceless(summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail}
}

// idSuffix is " [id=ID]" for an object with a known id, as Terraform
// prints it after a resource address; "" otherwise.
func idSuffix(v cty.Value) string {
	id, ok := objectID(v)
	if !ok {
		return ""
	}
	return " [id=" + id + "]"
}

func objectID(v cty.Value) (string, bool) {
	if v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() || !v.Type().HasAttribute("id") {
		return "", false
	}
	id := v.GetAttr("id")
	if id.IsNull() || !id.IsKnown() || id.Type() != cty.String || id.AsString() == "" {
		return "", false
	}
	return id.AsString(), true
}

// markSensitive marks the values at paths sensitive. Without paths v is
// returned as it is: cty walks the whole value even to mark nothing, and
// most instances have no sensitive attribute.
func markSensitive(v cty.Value, paths []cty.Path) cty.Value {
	if len(paths) == 0 {
		return v
	}
	marks := make([]cty.PathValueMarks, len(paths))
	for i, p := range paths {
		marks[i] = cty.PathValueMarks{Path: p, Marks: cty.NewValueMarks(funcs.Sensitive)}
	}
	return v.MarkWithPaths(marks)
}

// unionPaths merges schema-sensitive attribute paths with the paths where
// configuration values carried the sensitive mark.
func unionPaths(schemaPaths []cty.Path, marks []cty.PathValueMarks) []cty.Path {
	out := append([]cty.Path{}, schemaPaths...)
	for _, m := range marks {
		dup := false
		for _, p := range out {
			if p.Equals(m.Path) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, m.Path)
		}
	}
	return out
}

// resourceOf strips the instance key from an instance address.
func resourceOf(addr string) string {
	if i := strings.IndexByte(addr, '['); i >= 0 {
		return addr[:i]
	}
	return addr
}
