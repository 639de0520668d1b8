package layout_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/stratbench/stratbench/"

// pkg is one package of the module: its direct imports and all its deps.
type pkg struct{ imports, deps []string }

// listModule returns every package of the module by import path.
func listModule(t *testing.T) map[string]pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}|{{join .Imports \" \"}}|{{join .Deps \" \"}}", module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]pkg{}
	for line := range strings.Lines(string(out)) {
		f := strings.Split(strings.TrimSpace(line), "|")
		if len(f) != 3 {
			t.Fatalf("go list line %q", line)
		}
		pkgs[f[0]] = pkg{imports: strings.Fields(f[1]), deps: strings.Fields(f[2])}
	}
	return pkgs
}

func TestImportRules(t *testing.T) {
	pkgs := listModule(t)
	for _, want := range []string{"strategies", "workload", "results/record", "results/report", "client/sweep"} {
		if _, ok := pkgs[module+want]; !ok {
			t.Fatalf("go list lacks %s", want)
		}
	}
	forbid := func(path string, deps []string, banned ...string) {
		for _, d := range deps {
			for _, b := range banned {
				if d == b || strings.HasPrefix(d, b+"/") {
					t.Errorf("%s depends on %s", strings.TrimPrefix(path, module), d)
				}
			}
		}
	}
	for path, p := range pkgs {
		rel := strings.TrimPrefix(path, module)
		switch {
		case rel == "strategies" || rel == "workload":
			forbid(path, p.deps, "google.golang.org/grpc")
		case rel == "results" || strings.HasPrefix(rel, "results/"):
			forbid(path, p.deps, "google.golang.org/grpc", module+"client", module+"server")
		case rel == "client/sweep":
			forbid(path, p.deps, module+"server", module+"results/report")
		}
		if rel != "results/report" {
			forbid(path, p.imports, "html/template")
		}
	}
}
