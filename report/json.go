package report

import (
	"encoding/json"
	"io"
)

// JSON writes the Report as one indented JSON document: the field names
// of the model's json tags, lists never null, times in RFC 3339.
func JSON(w io.Writer, r *Report) error {
	out := *r
	out.Hosts = nonNil(out.Hosts)
	out.Resources = nonNil(out.Resources)
	out.Objectives = nonNil(out.Objectives)
	out.Backups = nonNil(out.Backups)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(&out)
}

// nonNil makes an empty list print as [] rather than null, so consumers
// need not tell the two apart.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
