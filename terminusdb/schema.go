package terminusdb

import (
	"encoding/json"
	"fmt"
	"sort"
)

// ParseSchema reads a schema as spice_terminusdb_database's schema
// attribute holds it: a JSON array of schema documents (classes, enums),
// each an object with an "@id" and a "@type". The @context document is
// not among them: it is made from the prefixes.
func ParseSchema(s string) ([]map[string]any, error) {
	var docs []map[string]any
	if err := json.Unmarshal([]byte(s), &docs); err != nil {
		return nil, fmt.Errorf("not a JSON array of schema documents: %w", err)
	}
	seen := map[string]bool{}
	for i, d := range docs {
		typ, _ := d["@type"].(string)
		id, _ := d["@id"].(string)
		switch {
		case d == nil:
			return nil, fmt.Errorf("document %d is null", i+1)
		case typ == "@context":
			return nil, fmt.Errorf("document %d is the @context document: set its prefixes with the prefixes attribute", i+1)
		case typ == "":
			return nil, fmt.Errorf("document %d has no \"@type\" (such as \"Class\" or \"Enum\")", i+1)
		case id == "":
			return nil, fmt.Errorf("document %d has no \"@id\"", i+1)
		case seen[id]:
			return nil, fmt.Errorf("document %d: \"@id\" %q appears twice", i+1, id)
		}
		seen[id] = true
	}
	return docs, nil
}

// CanonicalSchema is the one text of a set of schema documents: sorted by
// @id, keys sorted, no white space. Two schemas are the same when their
// canonical texts are.
func CanonicalSchema(docs []map[string]any) string {
	sorted := append([]map[string]any(nil), docs...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, _ := sorted[i]["@id"].(string)
		b, _ := sorted[j]["@id"].(string)
		return a < b
	})
	if sorted == nil {
		sorted = []map[string]any{}
	}
	b, _ := json.Marshal(sorted) // maps of decoded JSON always encode
	return string(b)
}

// SplitContext separates what the server returns for the schema graph:
// the @context document (its prefixes) and the schema documents.
func SplitContext(graph []map[string]any) (prefixes map[string]string, docs []map[string]any) {
	prefixes = map[string]string{}
	for _, d := range graph {
		if d["@type"] != "@context" {
			docs = append(docs, d)
			continue
		}
		for k, v := range d {
			if k == "@type" {
				continue
			}
			s, ok := v.(string)
			if !ok {
				continue // @documentation, @metadata: not prefixes
			}
			prefixes[k] = s
		}
	}
	if docs == nil {
		docs = []map[string]any{}
	}
	return prefixes, docs
}

// ContextDocument is the @context document of prefixes: the server's
// defaults for @base and @schema unless prefixes set them.
func ContextDocument(prefixes map[string]string) map[string]any {
	doc := map[string]any{"@type": "@context", "@base": DefaultBase, "@schema": DefaultSchema}
	for k, v := range prefixes {
		doc[k] = v
	}
	return doc
}
