package e2e

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// functionDifferences are the expressions of the corpus where spice
// deliberately does not do what Terraform 1.11 does, each with its reason.
// The README lists them. An entry that stops differing fails the test, so
// the table never outlives the difference.
var functionDifferences = map[string]string{
	`format("%v", null)`: formatNull,
	`format("%s", null)`: formatNull,
	`format("%d", null)`: formatNull,
}

const formatNull = "Terraform 1.11 (go-cty 1.16) makes format() of an untyped null an unknown value and " +
	"stores it in state as a null of type dynamic; spice formats it as go-cty 1.20 does (\"null\" for %v, an error otherwise)"

// openTofuDifferences are the expressions where OpenTofu 1.12 does not do
// what Terraform 1.11 does, and spice does what Terraform does. Under
// OpenTofu they replace functionDifferences, which OpenTofu's newer go-cty
// agrees with spice on, and the corpus's must-fail marks, Terraform's, are
// not checked for the expressions of either table.
var openTofuDifferences = map[string]string{
	`[for t in ["$${a + b}"] : templatestring(t, {a = 1, b = 2})]`: loneInterpolation,
	`[for t in ["$${x}"] : templatestring(t, {x = true})]`:         loneInterpolation,
	`[for t in ["$${x}"] : templatestring(t, {x = [1, 2]})]`:       loneInterpolation,
	`[for t in [1] : templatestring(t, {})]`:                       templateLiteral,
	`templatestring("plain", {})`:                                  templateLiteral,
	`templatestring("$${x}", {x = 1})`:                             templateLiteral,
	`templatefile("fixtures/tpl/value.tftpl", {v = null})`:         loneInterpolation,
}

const (
	loneInterpolation = "OpenTofu 1.12 returns a template that is one interpolation as that value, unconverted " +
		"(a number, a tuple, null); Terraform 1.11 and spice make it a string or refuse what has none"
	templateLiteral = "OpenTofu 1.12's templatestring takes any string expression; Terraform 1.11 and spice " +
		"require a reference to a template string"
)

const builtinProvider = `terraform {
  required_providers {
    terraform = {
      source = "terraform.io/builtin/terraform"
    }
  }
}
`

// corpusExpr is one line of testdata/functions/corpus.txt.
type corpusExpr struct {
	expr     string
	family   string
	line     int
	mustFail bool
}

// outcome is what one front end made of one expression: refused, or a
// value with its type and sensitivity as the state stores them.
type outcome struct {
	refused   bool
	value     string // JSON of [EXPR]
	typ       string // JSON of the type of [EXPR]
	sensitive bool   // an output without sensitive = true refused it
	stored    bool   // EXPR itself, not wrapped, was stored in state
	raw       string // JSON of the stored value and type of EXPR itself
}

func (o outcome) String() string {
	if o.refused {
		return "refused"
	}
	return fmt.Sprintf("value %s type %s sensitive %t stored %t %s", o.value, o.typ, o.sensitive, o.stored, o.raw)
}

// Every expression of the corpus gives the same value, type and
// sensitivity under Terraform and spice, or is refused by both.
func TestFunctionsParity(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	corpus := readCorpus(t, filepath.Join("testdata", "functions", "corpus.txt"))
	require.GreaterOrEqual(t, len(corpus), 500)

	tfDir, spiceDir := t.TempDir(), t.TempDir()
	writeFunctionFixtures(t, tfDir, spiceDir)
	// Terraform's own provider functions need the provider declared.
	for _, dir := range []string{tfDir, spiceDir} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "providers.tf"), []byte(builtinProvider), 0o644))
	}
	tf := testsupport.NewTerraform(t, tfDir, bin)
	spice := testsupport.NewSpice(t, spiceDir, bin)

	tfOut, tfPrinted := evaluateCorpus(t, tf, corpus, terraformErrorPlaces, "-json")
	spiceOut, spicePrinted := evaluateCorpus(t, spice, corpus, spiceErrorPlaces)

	tofu := onOpenTofu()
	differences := functionDifferences
	if tofu {
		differences = openTofuDifferences
	}
	agree, bothAccept, acceptAgree := 0, 0, 0
	for i, e := range corpus {
		want, got := tfOut[i], spiceOut[i]
		_, terraformQuirk := functionDifferences[e.expr]
		_, openTofuQuirk := openTofuDifferences[e.expr]
		departsFromMarks := tofu && (terraformQuirk || openTofuQuirk)
		if !departsFromMarks && e.mustFail != want.refused {
			t.Errorf("corpus line %d: %s: marked must-fail=%t but Terraform: %s", e.line, e.expr, e.mustFail, want)
		}
		same := want == got
		if !want.refused && !got.refused {
			bothAccept++
			if same {
				acceptAgree++
			}
		}
		if same {
			agree++
		}
		reason, deliberate := differences[e.expr]
		switch {
		case same && deliberate:
			t.Errorf("corpus line %d: %s: listed as a deliberate difference (%s) but spice now agrees", e.line, e.expr, reason)
		case !same && !deliberate:
			t.Errorf("corpus line %d [%s]: %s\n  terraform: %s\n  spice:     %s", e.line, e.family, e.expr, want, got)
		}
	}
	t.Logf("%d expressions: %d agree; both accept %d, of which %d agree", len(corpus), agree, bothAccept, acceptAgree)

	// No panic reaches the user and no sensitive value is printed: the
	// leak expressions hide upper-cased secrets that their source text
	// does not contain.
	// (Terraform 1.11 itself prints parseint's sensitive argument.)
	for _, banned := range []string{"goroutine ", "panic", "LEAK-"} {
		if strings.Contains(spicePrinted, banned) {
			t.Errorf("spice printed %q:\n%s", banned, excerptAround(spicePrinted, banned))
		}
	}
	_ = tfPrinted

	// output -json prints what the state holds, sensitive values included.
	tfJSON, spiceJSON := outputsJSON(t, tf), outputsJSON(t, spice)
	for i, e := range corpus {
		if tfOut[i] != spiceOut[i] {
			continue
		}
		for _, kind := range "esr" {
			name := fmt.Sprintf("%c%04d", kind, i)
			if tfJSON[name] != spiceJSON[name] {
				t.Errorf("output -json %s (%s): terraform %s, spice %s", name, e.expr, tfJSON[name], spiceJSON[name])
			}
		}
	}
}

// outputsJSON is what output -json prints, each output as compact JSON.
func outputsJSON(t *testing.T, r *testsupport.Runner) map[string]string {
	t.Helper()
	var all map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(r.Stdout("output", "-json")), &all))
	out := map[string]string{}
	for name, o := range all {
		out[name] = compactJSON(o)
	}
	return out
}

func excerptAround(s, sub string) string {
	i := strings.Index(s, sub)
	lo, hi := max(0, i-600), min(len(s), i+600)
	return s[lo:hi]
}

func readCorpus(t *testing.T, path string) []corpusExpr {
	t.Helper()
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []corpusExpr
	seen := map[string]int{}
	family := ""
	sc := bufio.NewScanner(bytes.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "## "):
			family = strings.TrimPrefix(line, "## ")
			continue
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		}
		e := corpusExpr{expr: line, family: family, line: n}
		if rest, ok := strings.CutPrefix(line, "! "); ok {
			e.expr, e.mustFail = rest, true
		}
		if prev, dup := seen[e.expr]; dup {
			t.Fatalf("corpus line %d repeats line %d: %s", n, prev, e.expr)
		}
		seen[e.expr] = n
		out = append(out, e)
	}
	require.NoError(t, sc.Err())
	return out
}

// writeFunctionFixtures writes the files the corpus reads into each dir.
func writeFunctionFixtures(t *testing.T, dirs ...string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	// rsadecrypt decrypts PKCS #1 v1.5 ciphertext, so the fixture is one.
	cipher, err := rsa.EncryptPKCS1v15( //nolint:staticcheck // rsadecrypt's format
		rand.Reader, &key.PublicKey, []byte("Hello, spice!"))
	require.NoError(t, err)
	binary := make([]byte, 256)
	for i := range binary {
		binary[i] = byte(i)
	}
	files := map[string][]byte{
		"hello.txt":                []byte("Hello World"),
		"empty.txt":                nil,
		"utf8.txt":                 []byte("héllo 😀\n"),
		"binary.bin":               binary,
		"key_pkcs1.pem":            pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		"key_pkcs8.pem":            pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}),
		"cipher.b64":               []byte(base64.StdEncoding.EncodeToString(cipher)),
		"tpl/backends.tftpl":       []byte("%{ for addr in ip_addrs ~}\nbackend ${addr}:${port}\n%{ endfor ~}\n"),
		"tpl/config.tftpl":         []byte("%{ for config_key, config_value in config }\nset ${config_key} = ${config_value}\n%{ endfor ~}\n"),
		"tpl/json.tftpl":           []byte("${jsonencode({\"backends\": [for addr in ip_addrs : \"${addr}:${port}\"]})}"),
		"tpl/plain.tftpl":          []byte("no interpolation here\n"),
		"tpl/value.tftpl":          []byte("${v}"),
		"tpl/funcs.tftpl":          []byte("${upper(name)} has ${length(name)} letters"),
		"tpl/recursive.tftpl":      []byte("${templatefile(\"fixtures/tpl/recursive.tftpl\", {})}"),
		"tpl/broken.tftpl":         []byte("${"),
		"tpl/nested/ignored.tftpl": []byte("x"),
	}
	for _, dir := range dirs {
		for name, content := range files {
			p := filepath.Join(dir, "fixtures", name)
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			require.NoError(t, os.WriteFile(p, content, 0o644))
		}
	}
}

// errorPlace is where an error was reported: a file and a line, or the
// output whose value could not be stored (infinity has no JSON form).
type errorPlace struct {
	file   string
	line   int
	output string
}

var unsavedOutput = regexp.MustCompile(`serializing output value "(\w+)"`)

// errorPlaces finds where the errors an apply printed are; false when an
// error has no place (then the run failed for another reason).
type errorPlaces func(printed string) ([]errorPlace, bool)

var terraformDiagnostic = regexp.MustCompile(`^\{.*"type":"diagnostic"`)

func terraformErrorPlaces(printed string) ([]errorPlace, bool) {
	var places []errorPlace
	unplaced := 0
	for _, l := range strings.Split(printed, "\n") {
		if !terraformDiagnostic.MatchString(l) {
			continue
		}
		var msg struct {
			Diagnostic struct {
				Severity string `json:"severity"`
				Range    *struct {
					Filename string `json:"filename"`
					Start    struct {
						Line int `json:"line"`
					} `json:"start"`
				} `json:"range"`
				Detail string `json:"detail"`
			} `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(l), &msg) != nil || msg.Diagnostic.Severity != "error" {
			continue
		}
		if msg.Diagnostic.Range != nil {
			places = append(places, errorPlace{file: msg.Diagnostic.Range.Filename, line: msg.Diagnostic.Range.Start.Line})
			continue
		}
		// Saving state fails for every unserializable output at once,
		// followed by errors about the state that was not saved.
		unsaved := unsavedOutput.FindAllStringSubmatch(msg.Diagnostic.Detail, -1)
		for _, m := range unsaved {
			places = append(places, errorPlace{output: m[1]})
		}
		if len(unsaved) == 0 {
			unplaced++
		}
	}
	saveFailed := slices.ContainsFunc(places, func(p errorPlace) bool { return p.output != "" })
	return places, unplaced == 0 || saveFailed
}

var (
	spiceDiagnostic   = regexp.MustCompile(`(?m)^Error: .*\n\n\s+on (\S+\.tf):(\d+):\d+`)
	spiceErrorSummary = regexp.MustCompile(`(?m)^Error: `)
	spiceUnsaved      = regexp.MustCompile(`(?m)^Error: Cannot save output (\w+)$`)
)

func spiceErrorPlaces(printed string) ([]errorPlace, bool) {
	var places []errorPlace
	for _, m := range spiceDiagnostic.FindAllStringSubmatch(printed, -1) {
		n, _ := strconv.Atoi(m[2])
		places = append(places, errorPlace{file: m[1], line: n})
	}
	for _, m := range spiceUnsaved.FindAllStringSubmatch(printed, -1) {
		places = append(places, errorPlace{output: m[1]})
	}
	return places, len(places) == len(spiceErrorSummary.FindAllString(printed, -1))
}

// evaluateCorpus applies a configuration with three outputs per
// expression: e (the expression in a one-element tuple, so that a null
// still reaches the state; sensitive), s (the same without sensitive, so
// that refusing it says the value is sensitive) and r (the expression
// itself, sensitive: does the state keep it). Outputs that fail are
// removed and the rest applied again, until an apply succeeds.
func evaluateCorpus(t *testing.T, r *testsupport.Runner, corpus []corpusExpr, find errorPlaces, flags ...string) ([]outcome, string) {
	t.Helper()
	live := map[string]bool{}
	for i := range corpus {
		for _, kind := range "esr" {
			live[fmt.Sprintf("%c%04d", kind, i)] = true
		}
	}
	var printed strings.Builder
	args := append([]string{"apply", "-auto-approve"}, flags...)
	for round := 1; ; round++ {
		files, owner := outputsConfig(corpus, live)
		old, err := filepath.Glob(filepath.Join(r.Dir, "x*.tf"))
		require.NoError(t, err)
		for _, f := range old {
			require.NoError(t, os.Remove(f))
		}
		for name, src := range files {
			require.NoError(t, os.WriteFile(filepath.Join(r.Dir, name), []byte(src), 0o644))
		}
		out, code := r.Run(args...)
		printed.WriteString(out)
		if code == 0 {
			break
		}
		places, ok := find(out)
		// OpenTofu reports an apply's errors in more, smaller batches
		// than Terraform: it needs more rounds.
		if !ok || len(places) == 0 || round > 12 {
			t.Fatalf("round %d: cannot attribute every error to an output:\n%s", round, out)
		}
		for _, p := range places {
			name := owner(p)
			if name == "" {
				t.Fatalf("round %d: error in %s line %d, of no output:\n%s", round, p.file, p.line, out)
			}
			delete(live, name)
		}
	}
	var st struct {
		Outputs map[string]struct {
			Value json.RawMessage `json:"value"`
			Type  json.RawMessage `json:"type"`
		} `json:"outputs"`
	}
	raw, err := os.ReadFile(filepath.Join(r.Dir, "terraform.tfstate"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &st))
	out := make([]outcome, len(corpus))
	for i := range corpus {
		e, ok := st.Outputs[fmt.Sprintf("e%04d", i)]
		if !ok {
			out[i] = outcome{refused: true}
			continue
		}
		o := outcome{value: compactJSON(e.Value), typ: compactJSON(e.Type)}
		_, accepted := st.Outputs[fmt.Sprintf("s%04d", i)]
		o.sensitive = !accepted
		if rv, ok := st.Outputs[fmt.Sprintf("r%04d", i)]; ok {
			o.stored, o.raw = true, compactJSON(rv.Value)+" "+compactJSON(rv.Type)
		}
		out[i] = o
	}
	return out, printed.String()
}

func compactJSON(m json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, m) != nil {
		return string(m)
	}
	return b.String()
}

// outputsConfig writes the live outputs of each expression in a file of
// their own (a diagnostic quotes its file: one large file makes Terraform
// slow to report many errors) and returns a function naming the output an
// error place belongs to.
func outputsConfig(corpus []corpusExpr, live map[string]bool) (map[string]string, func(errorPlace) string) {
	files := map[string]string{}
	owners := map[errorPlace]string{}
	for i, e := range corpus {
		file := fmt.Sprintf("x%04d.tf", i)
		var b strings.Builder
		line := 1
		for _, kind := range "esr" {
			name := fmt.Sprintf("%c%04d", kind, i)
			if !live[name] {
				continue
			}
			value := "[" + e.expr + "]"
			if kind == 'r' {
				value = e.expr
			}
			sensitive := "  sensitive = true\n"
			if kind == 's' {
				sensitive = ""
			}
			block := fmt.Sprintf("output %q {\n  value = %s\n%s}\n", name, value, sensitive)
			for n := strings.Count(block, "\n"); n > 0; n-- {
				owners[errorPlace{file: file, line: line}] = name
				line++
			}
			b.WriteString(block)
		}
		if b.Len() > 0 {
			files[file] = b.String()
		}
	}
	return files, func(p errorPlace) string {
		if p.output != "" {
			return p.output
		}
		return owners[errorPlace{file: filepath.Base(p.file), line: p.line}]
	}
}
