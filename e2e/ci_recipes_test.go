package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	junit "github.com/joshdk/go-junit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// The CI recipes of examples/ci run as written against a test host: their
// YAML parsed, their shell steps executed in order the way the CI system
// runs them, with the spice binary under test as $SPICE and the quickstart
// example as the configuration in $SPICE_DIR. On a converged host the
// drift step passes and every report is there; after a change out of band
// it exits 2, the steps that run always still run, and the JUnit report
// names the drifted resource.
func TestCIRecipesRunOnATestHost(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	h := testhosts.Start(t, 1)[0]
	repo := testsupport.RepoDir(t)
	for _, r := range []struct {
		file string
		load func(t *testing.T, file string, h *testhosts.Host, workspace string) ciRecipe
	}{
		{"github-actions.yml", loadGitHubActions},
		{"gitlab-ci.yml", loadGitLabCI},
	} {
		t.Run(r.file, func(t *testing.T) {
			workspace := t.TempDir()
			testsupport.CopyExample(t, filepath.Join(repo, "examples", "quickstart"), filepath.Join(workspace, "infra"))
			recipe := r.load(t, filepath.Join(repo, "examples", "ci", r.file), h, workspace)
			recipe.env = append(recipe.env, "SPICE="+filepath.Join(bin, "spice"))
			require.Equal(t, "infra", recipe.getenv("SPICE_DIR"), "the recipe's configuration directory")

			// With no state yet everything is still to create: the drift
			// step fails, after the recipe's own steps wrote the SSH key.
			exits := recipe.run(t, workspace)
			recipe.checkExits(t, exits, "on a fresh host", 2)

			converge := exec.Command(filepath.Join(bin, "spice"), "-chdir=infra", "apply", "-auto-approve", "-input=false", "-no-color")
			converge.Dir, converge.Env = workspace, recipe.env
			out, err := converge.CombinedOutput()
			require.NoError(t, err, "spice apply with the recipe's connection variables:\n%s", out)
			exits = recipe.run(t, workspace)
			recipe.checkExits(t, exits, "on a converged host", 0)
			recipe.checkReports(t, workspace, "")

			h.Exec(t, "chmod", "0777", "/opt/spice-harvester/logs")
			exits = recipe.run(t, workspace)
			recipe.checkExits(t, exits, "after a change out of band", 2)
			recipe.checkReports(t, workspace, "spice_directory.logs")
		})
	}
}

// notRun is the exit code of a step skipped after an earlier one failed.
const notRun = -1

// ciRecipe is a CI job reduced to what a runner does with it: an
// environment and shell steps.
type ciRecipe struct {
	env       []string
	steps     []ciStep
	artifacts []string // files the job keeps, relative to the workspace
	junit     string   // the JUnit report the CI system reads
	summary   string   // a file the job appends the Markdown report to, if any
}

type ciStep struct {
	name   string
	script string
	env    []string
	always bool // runs after a failed step too
	drift  bool // the step running spice drift
}

func (r ciRecipe) getenv(name string) string {
	for i := len(r.env) - 1; i >= 0; i-- {
		if k, v, _ := strings.Cut(r.env[i], "="); k == name {
			return v
		}
	}
	return ""
}

// run executes the steps in order in workspace with bash -eo pipefail, as
// both CI systems run a shell step; after a failure only the steps that
// always run do. It returns each step's exit code.
func (r ciRecipe) run(t *testing.T, workspace string) map[string]int {
	t.Helper()
	for _, f := range r.artifacts {
		require.NoError(t, os.RemoveAll(filepath.Join(workspace, f)))
	}
	exits := map[string]int{}
	failed := false
	for i, s := range r.steps {
		if failed && !s.always {
			exits[s.name] = notRun
			continue
		}
		script := filepath.Join(t.TempDir(), "step-"+strconv.Itoa(i)+".sh")
		require.NoError(t, os.WriteFile(script, []byte(s.script), 0o600))
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir, cmd.Env = workspace, append(append([]string(nil), r.env...), s.env...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		exits[s.name] = cmd.ProcessState.ExitCode()
		if exits[s.name] == -1 {
			t.Fatalf("step %q: %v", s.name, err)
		}
		t.Logf("step %q: exit %d\n%s", s.name, exits[s.name], out.String())
		failed = failed || exits[s.name] != 0
	}
	return exits
}

// checkExits checks the drift step exited with drift, the steps before
// it and those that always run with 0, and the others did not run after
// a drift.
func (r ciRecipe) checkExits(t *testing.T, exits map[string]int, when string, drift int) {
	t.Helper()
	afterDrift := false
	for _, s := range r.steps {
		want := 0
		switch {
		case s.drift:
			want, afterDrift = drift, true
		case afterDrift && drift != 0 && !s.always:
			want = notRun
		}
		assert.Equal(t, want, exits[s.name], "step %q %s", s.name, when)
	}
}

// checkReports checks that every file the job keeps is there and that the
// JUnit report parses; failed names the one case that must fail ("" for
// none), which the summary must mention too.
func (r ciRecipe) checkReports(t *testing.T, workspace, failed string) {
	t.Helper()
	for _, f := range append([]string{r.junit}, r.artifacts...) {
		assert.FileExists(t, filepath.Join(workspace, f))
	}
	suites, err := junit.IngestFile(filepath.Join(workspace, r.junit))
	require.NoError(t, err)
	var failures []string
	for _, s := range suites {
		for _, c := range s.Tests {
			if c.Status != junit.StatusPassed {
				failures = append(failures, c.Name)
			}
		}
	}
	if failed == "" {
		assert.Empty(t, failures, "JUnit cases that did not pass")
	} else {
		assert.Equal(t, []string{failed}, failures, "JUnit cases that did not pass")
	}
	if r.summary != "" {
		b, err := os.ReadFile(r.summary)
		require.NoError(t, err, "the job summary")
		assert.Contains(t, string(b), failed)
		require.NoError(t, os.Truncate(r.summary, 0))
	}
}

// loadGitHubActions reads the workflow's one job as the runner would: its
// run steps with their env, ${{ }} expressions replaced by the settings
// the workflow's header asks for, here pointing at h.
func loadGitHubActions(t *testing.T, file string, h *testhosts.Host, workspace string) ciRecipe {
	t.Helper()
	var wf struct {
		On       map[string]any `yaml:"on"`
		Defaults struct {
			Run struct {
				Shell string `yaml:"shell"`
			} `yaml:"run"`
		} `yaml:"defaults"`
		Jobs map[string]struct {
			Env   yaml.Node `yaml:"env"`
			Steps []struct {
				Name string         `yaml:"name"`
				Uses string         `yaml:"uses"`
				If   string         `yaml:"if"`
				Env  yaml.Node      `yaml:"env"`
				Run  string         `yaml:"run"`
				With map[string]any `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	readYAML(t, file, &wf)
	require.Contains(t, wf.On, "schedule", "nightly")
	require.Contains(t, wf.On, "pull_request")
	require.Equal(t, "bash", wf.Defaults.Run.Shell, "the shell the steps are written for")
	require.Len(t, wf.Jobs, 1)

	temp := t.TempDir()
	summary := filepath.Join(temp, "step_summary.md")
	require.NoError(t, os.WriteFile(summary, nil, 0o600))
	expressions := map[string]string{
		"vars.SPICE_HOST":        h.Address,
		"vars.SPICE_PORT":        strconv.Itoa(h.Port),
		"vars.SPICE_KNOWN_HOSTS": readFile(t, h.KnownHostsFile),
		"secrets.SPICE_SSH_KEY":  readFile(t, h.PrivateKeyFile),
		"runner.temp":            temp,
	}
	expand := func(s string) string {
		return githubExpression.ReplaceAllStringFunc(s, func(m string) string {
			name := githubExpression.FindStringSubmatch(m)[1]
			v, ok := expressions[name]
			require.True(t, ok, "%s: no value for the expression %s", file, m)
			return v
		})
	}
	recipe := ciRecipe{
		env: append(os.Environ(), "CI=true", "GITHUB_ACTIONS=true", "GITHUB_WORKSPACE="+workspace,
			"RUNNER_TEMP="+temp, "GITHUB_STEP_SUMMARY="+summary),
		summary: summary,
	}
	for _, job := range wf.Jobs {
		recipe.env = append(recipe.env, yamlEnv(t, &job.Env, expand)...)
		for _, s := range job.Steps {
			always := s.If == "always()"
			require.True(t, always || s.If == "", "%s: step %q: a condition other than always(): %s", file, s.Name, s.If)
			switch {
			case s.Run != "":
				recipe.steps = append(recipe.steps, ciStep{name: s.Name, script: expand(s.Run), env: yamlEnv(t, &s.Env, expand),
					always: always, drift: strings.Contains(s.Run, " drift ")})
			case strings.HasPrefix(s.Uses, "actions/upload-artifact@"):
				require.True(t, always, "%s: the reports are uploaded after a drift too", file)
				recipe.artifacts = strings.Fields(fmt.Sprint(s.With["path"]))
			case strings.HasPrefix(s.Uses, "mikepenz/action-junit-report@"):
				require.True(t, always, "%s: the JUnit report is published after a drift too", file)
				recipe.junit = fmt.Sprint(s.With["report_paths"])
			}
		}
	}
	require.NotEmpty(t, recipe.artifacts, "%s: an upload-artifact step", file)
	require.NotEmpty(t, recipe.junit, "%s: a step publishing the JUnit report", file)
	return recipe
}

var githubExpression = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// loadGitLabCI reads the file's one job as a GitLab runner would, in a
// scheduled pipeline: its variables expanded in order over the CI/CD
// variables its header asks for (the two of type File as paths), then
// before_script and script as one shell script.
func loadGitLabCI(t *testing.T, file string, h *testhosts.Host, workspace string) ciRecipe {
	t.Helper()
	type job struct {
		Rules []struct {
			If string `yaml:"if"`
		} `yaml:"rules"`
		Variables    yaml.Node `yaml:"variables"`
		BeforeScript []string  `yaml:"before_script"`
		Script       []string  `yaml:"script"`
		Artifacts    struct {
			When     string   `yaml:"when"`
			ExposeAs string   `yaml:"expose_as"`
			Paths    []string `yaml:"paths"`
			Reports  struct {
				JUnit string `yaml:"junit"`
			} `yaml:"reports"`
		} `yaml:"artifacts"`
	}
	var jobs map[string]job
	readYAML(t, file, &jobs)
	require.Len(t, jobs, 1)
	for _, j := range jobs {
		var rules []string
		for _, r := range j.Rules {
			rules = append(rules, r.If)
		}
		assert.Contains(t, rules, `$CI_PIPELINE_SOURCE == "schedule"`)
		assert.Contains(t, rules, `$CI_PIPELINE_SOURCE == "merge_request_event"`)
		assert.Equal(t, "always", j.Artifacts.When, "reports are kept after a drift too")
		assert.NotEmpty(t, j.Artifacts.ExposeAs, "the HTML and Markdown reports are exposed in the merge request")

		env := append(os.Environ(), "CI=true", "GITLAB_CI=true", "CI_PIPELINE_SOURCE=schedule", "CI_PROJECT_DIR="+workspace,
			"SPICE_HOST="+h.Address, "SPICE_PORT="+strconv.Itoa(h.Port),
			"SPICE_SSH_KEY="+h.PrivateKeyFile, "SPICE_KNOWN_HOSTS="+h.KnownHostsFile)
		getenv := func(name string) string { return ciRecipe{env: env}.getenv(name) }
		env = append(env, yamlEnv(t, &j.Variables, func(v string) string { return os.Expand(v, getenv) })...)
		script := strings.Join(append(append([]string(nil), j.BeforeScript...), j.Script...), "\n")
		return ciRecipe{
			env:       env,
			steps:     []ciStep{{name: "script", script: script, drift: strings.Contains(script, " drift ")}},
			artifacts: j.Artifacts.Paths,
			junit:     j.Artifacts.Reports.JUnit,
		}
	}
	return ciRecipe{}
}

// yamlEnv is a mapping of environment variables, in the file's order (the
// order GitLab expands them in), each value passed through expand.
func yamlEnv(t *testing.T, n *yaml.Node, expand func(string) string) []string {
	t.Helper()
	if n.Kind == 0 {
		return nil
	}
	require.Equal(t, yaml.MappingNode, n.Kind, "env/variables at line %d", n.Line)
	var env []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		env = append(env, n.Content[i].Value+"="+expand(n.Content[i+1].Value))
	}
	return env
}

func readYAML(t *testing.T, file string, v any) {
	t.Helper()
	require.NoError(t, yaml.Unmarshal([]byte(readFile(t, file)), v), file)
}

func readFile(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	return string(b)
}
