package dotenv_test

import (
	"strings"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/dotenv"
)

// fuzzSecret stands on the first line of every fuzzed file: no error may
// quote it, whatever the lines after it hold. It cannot be a variable
// name ('-'), so only a leak of a value can put it in an error.
const fuzzSecret = "s3cr3t-do-not-print"

// FuzzParse: whatever an env file holds, Parse does not panic, and its
// errors never quote a value. What it reads, rendered again, reads back
// the same; and a key and value that pass validation survive
// Parse(Render(x)) exactly. Seeds: spice's own rendering, the forms an
// operator edits in, and each refused form.
func FuzzParse(f *testing.F) {
	seeds := []string{
		string(dotenv.Render(hostileValues())),
		"# comment\nexport APP_ENV=production\n  SPACED = \"  kept  \"  # trailing\nSINGLE='no \\escapes \"here\"'\nUNQUOTED=value # c\nEMPTY=\n",
		"ESCAPED=\"a\\\\b\\\"c\\$d\\n\"\n",
		"NOEQUALS\n", "A=\"unterminated\n", "A='x' trailing\n", "1A=x\n", "A=\"x\"y\n", "export =x\n",
		"A=\r\nB=\"\\\"\r\n", "\n\n\t\n", "A=${HOME}\n", "A='\n", "A=\"\\\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s), "KEY", `a "quoted" \ value`)
	}
	f.Add([]byte{}, "A", "")
	f.Add([]byte("A=1\n"), "_x9", "$(id) # ' ✓\t")
	f.Fuzz(func(t *testing.T, content []byte, key, value string) {
		withSecret := append([]byte("FIRST=\""+fuzzSecret+"\"\n"), content...)
		vars, err := dotenv.Parse(withSecret)
		if err != nil {
			if strings.Contains(err.Error(), fuzzSecret) {
				t.Fatalf("the error quotes a value: %v", err)
			}
		} else {
			if vars["FIRST"] != fuzzSecret && !strings.Contains(string(content), "FIRST") {
				t.Fatalf("the first line read as %q", vars["FIRST"])
			}
			renderable := true
			for k, v := range vars {
				renderable = renderable && dotenv.ValidateKey(k) == nil && dotenv.ValidateValue(v) == nil
			}
			if renderable {
				assertRoundTrip(t, vars)
			}
		}
		if dotenv.ValidateKey(key) == nil && dotenv.ValidateValue(value) == nil {
			assertRoundTrip(t, map[string]string{key: value, "OTHER": "after"})
		}
	})
}

func assertRoundTrip(t *testing.T, vars map[string]string) {
	t.Helper()
	rendered := dotenv.Render(vars)
	got, err := dotenv.Parse(rendered)
	if err != nil {
		t.Fatalf("Parse(Render(%q)): %v\n%s", vars, err, rendered)
	}
	if len(got) != len(vars) {
		t.Fatalf("Parse(Render(%q)) = %q", vars, got)
	}
	for k, v := range vars {
		if got[k] != v {
			t.Fatalf("Parse(Render(%q))[%s] = %q, want %q\n%s", vars, k, got[k], v, rendered)
		}
	}
}
