package terminusdb_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/terminusdb"
)

func TestParseSchema(t *testing.T) {
	for _, tc := range []struct{ schema, want string }{
		{`{}`, "not a JSON array of schema documents"},
		{`[null]`, "document 1 is null"},
		{`[{"@type": "@context"}]`, "set its prefixes with the prefixes attribute"},
		{`[{"@id": "Person"}]`, `document 1 has no "@type"`},
		{`[{"@type": "Class"}]`, `document 1 has no "@id"`},
		{`[{"@type": "Class", "@id": "A"}, {"@type": "Class", "@id": "A"}]`, `document 2: "@id" "A" appears twice`},
	} {
		_, err := terminusdb.ParseSchema(tc.schema)
		assert.ErrorContains(t, err, tc.want, tc.schema)
	}
}

// One schema, however spelled, has one canonical text.
func TestCanonicalSchema(t *testing.T) {
	a, err := terminusdb.ParseSchema(`[{"@type":"Class","@id":"Person","name":"xsd:string"},{"@type":"Enum","@id":"Role","@value":["a","b"]}]`)
	require.NoError(t, err)
	b, err := terminusdb.ParseSchema("[ {\"@value\": [\"a\",\"b\"], \"@id\": \"Role\", \"@type\": \"Enum\"},\n {\"name\": \"xsd:string\", \"@id\": \"Person\", \"@type\": \"Class\"} ]\n")
	require.NoError(t, err)
	assert.Equal(t, terminusdb.CanonicalSchema(a), terminusdb.CanonicalSchema(b))
	c, err := terminusdb.ParseSchema(`[{"@type":"Enum","@id":"Role","@value":["b","a"]}]`)
	require.NoError(t, err)
	assert.NotEqual(t, terminusdb.CanonicalSchema(a), terminusdb.CanonicalSchema(c), "the order of enum values is meaningful")
}
