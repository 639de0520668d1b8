package benchfmt

import (
	"fmt"
	"github.com/stratbench/stratbench/internal/errwriter"
	"github.com/stratbench/stratbench/internal/vocab/word"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/stratbench/stratbench/results/record"
)

// benchfmtUnits declare which way each exported unit is better, so
// benchstat labels a change as an improvement or a regression.
const benchfmtUnits = `Unit tasks/s better=higher
Unit p99-ns better=lower
Unit p50-ns better=lower
`

// Write writes the complete trials of srcs in the Go benchmark
// format that benchstat reads (golang.org/x/perf/benchfmt): unit
// declarations, then for each trial its configuration lines where they
// change and one result line
//
//	BenchmarkRun/strategy=pool/workload=cpu/scope=job/tasks=16/parallelism=4/iterations=1000/concurrency=8 1 3012 tasks/s 4200000 p99-ns 1500000 p50-ns
//
// The name holds the cell's job and load parameters: strategy, workload,
// sync (counter work), lock-order and accounts (transfer work), scope,
// tasks, parallelism, iterations (all but I/O work), io (I/O and mixed
// work, such as io=10ms), then concurrency for a closed loop, or rate and
// max-in-flight for an open one. The iteration count is 1: one line is
// one trial. Configuration keys are goos, goarch (from hosts.json, when the
// source has one), cpu, host, gomaxprocs, go (the server's), client,
// connections, warmup and duration, so benchstat can set hosts side by side
// with -col host or strategies with -col /strategy. Rows with complete
// false are left out.
func Write(w io.Writer, srcs []*record.Source) error {
	ew := &errwriter.Writer{W: w}
	fmt.Fprint(ew, benchfmtUnits)
	cur := map[string]string{}
	for _, s := range srcs {
		for _, r := range s.Rows {
			if !r.Complete {
				continue
			}
			cfg := benchfmtConfig(s, r)
			var changed []string
			for _, kv := range cfg {
				if v, ok := cur[kv[0]]; !ok || v != kv[1] {
					changed = append(changed, kv[0]+": "+kv[1])
					cur[kv[0]] = kv[1]
				}
			}
			if len(changed) > 0 {
				fmt.Fprintf(ew, "\n%s\n", strings.Join(changed, "\n"))
			}
			fmt.Fprintf(ew, "%s 1 %s tasks/s %s p99-ns %s p50-ns\n", Name(r),
				benchNum(r.TasksPerS), benchNum(r.P99Ms*1e6), benchNum(r.P50Ms*1e6))
		}
	}
	return ew.Err
}

// benchfmtConfig returns the configuration of r, a row of s, as key-value
// pairs in a fixed order. A value is never empty (which would delete the
// key in benchfmt): unknown values are "unknown".
func benchfmtConfig(s *record.Source, r record.Row) [][2]string {
	unknown := func(v string) string {
		v = strings.Join(strings.Fields(v), " ") // one line
		if v == "" {
			return "unknown"
		}
		return v
	}
	var cfg [][2]string
	if s.Hosts != nil {
		cfg = append(cfg,
			[2]string{"goos", unknown(s.Hosts.Server.Get("os"))},
			[2]string{"goarch", unknown(s.Hosts.Server.Get("arch"))})
	}
	return append(cfg,
		[2]string{"cpu", unknown(r.ServerCPUModel)},
		[2]string{"host", unknown(r.ServerHost)},
		[2]string{"gomaxprocs", strconv.Itoa(r.ServerGOMAXPROCS)},
		[2]string{"go", unknown(r.ServerGoVersion)},
		[2]string{"client", unknown(r.ClientHost)},
		[2]string{"connections", strconv.Itoa(r.Connections)},
		[2]string{"warmup", record.FormatFloat(r.WarmupS) + "s"},
		[2]string{"duration", record.FormatFloat(r.DurationS) + "s"},
	)
}

// Name returns the benchmark name Write gives r's cell,
// such as "BenchmarkRun/strategy=pool/workload=cpu/scope=job/tasks=16/
// parallelism=4/iterations=1000/concurrency=8" (one word).
func Name(r record.Row) string {
	var b strings.Builder
	part := func(k, v string) {
		b.WriteString("/" + k + "=" + strings.Map(nameRune, v))
	}
	b.WriteString("BenchmarkRun")
	part("strategy", r.Strategy)
	part("workload", r.Workload)
	if r.Sync != "" {
		part("sync", r.Sync)
	}
	if r.LockOrder != "" {
		part("lock-order", r.LockOrder)
	}
	if r.Accounts > 0 {
		part("accounts", strconv.Itoa(r.Accounts))
	}
	part("scope", r.Scope)
	part("tasks", strconv.Itoa(r.Tasks))
	part("parallelism", strconv.Itoa(r.Parallelism))
	shared := r.Workload == word.WorkloadCounter || r.Workload == word.WorkloadTransfer
	if r.Workload != word.WorkloadIO {
		part("iterations", strconv.FormatUint(r.CPUIterations, 10))
	}
	if r.Workload != word.WorkloadCPU && !shared {
		part("io", record.FormatFloat(r.IOLatencyMs)+"ms")
	}
	if r.Mode == "open" {
		part("rate", record.FormatFloat(r.TargetRPS))
		part("max-in-flight", strconv.Itoa(r.Concurrency))
	} else {
		part("concurrency", strconv.Itoa(r.Concurrency))
	}
	return b.String()
}

// nameRune keeps a benchmark name one word: spaces and '/' (which would
// start a new name part) become '_'.
func nameRune(c rune) rune {
	if c == '/' || unicode.IsSpace(c) {
		return '_'
	}
	return c
}

// benchNum formats a metric value: shortest decimal, no exponent.
func benchNum(v float64) string {
	return record.FormatFloat(v)
}
