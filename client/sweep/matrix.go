package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/internal/vocab/word"
)

// Matrix is a sweep plan: values per axis, whose product is the sweep's
// cells, and the settings every cell shares. Its JSON form (snake_case keys,
// the form of a --matrix FILE and of a report's matrix.json) is decoded
// strictly by [ParseMatrix].
//
// Names are the lowercase ones of [ParseStrategy], [ParseWorkload],
// [ParseScope], [ParseSync] and [ParseLockOrder]; durations are Go duration
// strings such as "1.5s". An axis left empty takes the default documented
// on its field; [ParseMatrix] fills them in, so a parsed Matrix marshals
// back to an explicit, complete plan. The shared-state axes (syncs,
// lock_orders, accounts) are filled in only when a workload that uses them
// is listed, and are absent from the JSON otherwise.
//
// Concurrency and Rates together are the load axis, not two axes: each
// concurrency level gives a closed-loop cell and each rate an open-loop
// cell. When both are empty the load axis is closed loop at concurrency 4.
type Matrix struct {
	// Strategies defaults to all five, in the order serial,
	// goroutine-per-task, pool, semaphore, pipeline.
	Strategies []string `json:"strategies"`
	// Workloads defaults to ["cpu"].
	Workloads []string `json:"workloads"`
	// Scopes defaults to ["job"].
	Scopes []string `json:"scopes"`
	// Tasks per job; defaults to [16].
	Tasks []uint32 `json:"tasks"`
	// Parallelism defaults to [4]; 0 means the server's GOMAXPROCS.
	Parallelism []uint32 `json:"parallelism"`
	// CPUIterations per task, used by the cpu and mixed workloads, and by
	// counter (increments per task) and transfer (transfers per task);
	// defaults to [2000].
	CPUIterations []uint64 `json:"cpu_iterations"`
	// IOLatency per task, used by the io and mixed workloads; defaults to
	// ["2ms"].
	IOLatency []string `json:"io_latency"`
	// Syncs lists the sync modes of the counter workload, which no other
	// workload uses; defaults to all five, in the order mutex, atomic,
	// sharded, channel, none, when workloads lists counter.
	Syncs []string `json:"syncs,omitempty"`
	// LockOrders lists the lock orders of the transfer workload, which no
	// other workload uses; defaults to ["ordered", "try"] when workloads
	// lists transfer.
	LockOrders []string `json:"lock_orders,omitempty"`
	// Accounts lists the account counts of the transfer workload, each at
	// least 2; defaults to [8] when workloads lists transfer.
	Accounts []uint32 `json:"accounts,omitempty"`
	// Concurrency lists closed-loop levels (workers, one RPC in flight each).
	Concurrency []int `json:"concurrency,omitempty"`
	// Rates lists open-loop levels in requests per second.
	Rates []float64 `json:"rates,omitempty"`
	// Connections defaults to [1].
	Connections []int `json:"connections"`

	// Duration of each trial's measured phase; defaults to "1s".
	Duration string `json:"duration"`
	// Warmup before each trial's measured phase; defaults to "200ms".
	Warmup string `json:"warmup"`
	// Timeout per RPC; defaults to "10s".
	Timeout string `json:"timeout"`
	// TrialsPerCell is how many times each cell runs; defaults to 3.
	TrialsPerCell int `json:"trials"`
	// MaxInFlight bounds the outstanding RPCs of an open-loop cell; 0
	// means 1000.
	MaxInFlight int `json:"max_in_flight"`
	// FailEvery is the jobs' fail_every; 0 (the default) means never.
	FailEvery uint32 `json:"fail_every"`
}

// Limits that ParseMatrix enforces besides those of [client.Load.Validate]
// (MaxConcurrency, MaxConnections, MaxRate, MaxOpenInFlight). They bound
// the client's own resources and the size of a plan; the server's limits
// are its own and are checked by [Run] against the server's Info before
// anything runs.
const (
	// MaxMatrixBytes is the largest matrix document ParseMatrix reads.
	MaxMatrixBytes = 1 << 20
	// MaxMatrixTrials is the most (cell, trial) pairs a matrix may plan.
	MaxMatrixTrials = 20_000
	// MaxTrialsPerCell is the most trials of one cell.
	MaxTrialsPerCell = 1_000
)

// Defaults that ParseMatrix gives to empty axes and zero scalars.
const (
	defaultConcurrency = 4
	defaultDuration    = "1s"
	defaultWarmup      = "200ms"
	defaultTimeout     = "10s"
	defaultTrials      = 3
	defaultMaxInFlight = 1000
	defaultAccounts    = 8
)

// ParseMatrix decodes one JSON matrix from r, refusing unknown fields,
// trailing data and documents over [MaxMatrixBytes], fills the defaults of
// empty axes and checks every value. An error names the field, the value
// and the limit it broke. The returned matrix has at least one valid cell.
func ParseMatrix(r io.Reader) (*Matrix, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxMatrixBytes+1))
	if err != nil {
		return nil, fmt.Errorf("matrix: read: %w", err)
	}
	if len(b) > MaxMatrixBytes {
		return nil, fmt.Errorf("matrix: document exceeds the limit of %d bytes", MaxMatrixBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	m := new(Matrix)
	if err := dec.Decode(m); err != nil {
		return nil, fmt.Errorf("matrix: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("matrix: unexpected data after the JSON object")
	}
	m.fillDefaults()
	if err := m.check(); err != nil {
		return nil, err
	}
	if _, err := m.Cells(); err != nil {
		return nil, err
	}
	return m, nil
}

// fillDefaults gives empty axes and zero scalars their documented defaults.
func (m *Matrix) fillDefaults() {
	if len(m.Strategies) == 0 {
		m.Strategies = append([]string(nil), client.StrategyNames...)
	}
	if len(m.Workloads) == 0 {
		m.Workloads = []string{word.WorkloadCPU}
	}
	if len(m.Scopes) == 0 {
		m.Scopes = []string{word.ScopeJob}
	}
	if len(m.Tasks) == 0 {
		m.Tasks = []uint32{16}
	}
	if len(m.Parallelism) == 0 {
		m.Parallelism = []uint32{4}
	}
	if len(m.CPUIterations) == 0 {
		m.CPUIterations = []uint64{2000}
	}
	if len(m.IOLatency) == 0 {
		m.IOLatency = []string{"2ms"}
	}
	// The shared-state axes are omitted from JSON when empty, so nil is
	// their one empty form, as for the load axis below.
	if len(m.Syncs) == 0 {
		m.Syncs = nil
		if slices.Contains(m.Workloads, word.WorkloadCounter) {
			m.Syncs = append([]string(nil), client.SyncNames...)
		}
	}
	if len(m.LockOrders) == 0 {
		m.LockOrders = nil
		if slices.Contains(m.Workloads, word.WorkloadTransfer) {
			m.LockOrders = append([]string(nil), client.LockOrderNames...)
		}
	}
	if len(m.Accounts) == 0 {
		m.Accounts = nil
		if slices.Contains(m.Workloads, word.WorkloadTransfer) {
			m.Accounts = []uint32{defaultAccounts}
		}
	}
	// The load axis may keep one of its halves empty; nil is its one
	// empty form, so that a matrix survives a JSON round trip unchanged.
	if len(m.Concurrency) == 0 {
		m.Concurrency = nil
	}
	if len(m.Rates) == 0 {
		m.Rates = nil
	}
	if m.Concurrency == nil && m.Rates == nil {
		m.Concurrency = []int{defaultConcurrency}
	}
	if len(m.Connections) == 0 {
		m.Connections = []int{1}
	}
	if m.Duration == "" {
		m.Duration = defaultDuration
	}
	if m.Warmup == "" {
		m.Warmup = defaultWarmup
	}
	if m.Timeout == "" {
		m.Timeout = defaultTimeout
	}
	if m.TrialsPerCell == 0 {
		m.TrialsPerCell = defaultTrials
	}
	if m.MaxInFlight == 0 {
		m.MaxInFlight = defaultMaxInFlight
	}
}

// check validates every value of a matrix whose defaults are filled in.
func (m *Matrix) check() error {
	for _, a := range []struct {
		field  string
		values []string
		parse  func(string) error
	}{
		{"strategies", m.Strategies, func(s string) error { _, err := client.ParseStrategy(s); return err }},
		{"workloads", m.Workloads, func(s string) error { _, err := client.ParseWorkload(s); return err }},
		{"scopes", m.Scopes, func(s string) error { _, err := client.ParseScope(s); return err }},
		{"io_latency", m.IOLatency, func(s string) error { _, err := parseDuration(s, 0); return err }},
		{"syncs", m.Syncs, func(s string) error { _, err := client.ParseSync(s); return err }},
		{"lock_orders", m.LockOrders, func(s string) error { _, err := client.ParseLockOrder(s); return err }},
	} {
		seen := make(map[string]bool, len(a.values))
		for i, v := range a.values {
			if err := a.parse(v); err != nil {
				return fmt.Errorf("matrix: %s[%d]: %w", a.field, i, err)
			}
			if seen[v] {
				return fmt.Errorf("matrix: %s[%d]: %q is listed twice", a.field, i, v)
			}
			seen[v] = true
		}
	}
	for i, v := range m.Tasks {
		if v < 1 {
			return fmt.Errorf("matrix: tasks[%d]: %d is below the minimum 1", i, v)
		}
	}
	for i, v := range m.CPUIterations {
		if v < 1 {
			return fmt.Errorf("matrix: cpu_iterations[%d]: %d is below the minimum 1", i, v)
		}
	}
	// Without these axes a counter or transfer cell would lack a field
	// the server requires; ParseMatrix fills them, a hand-made Matrix may not.
	for _, need := range []struct {
		workload, axis string
		n              int
	}{{word.WorkloadCounter, "syncs", len(m.Syncs)}, {word.WorkloadTransfer, "lock_orders", len(m.LockOrders)}, {word.WorkloadTransfer, "accounts", len(m.Accounts)}} {
		if need.n == 0 && slices.Contains(m.Workloads, need.workload) {
			return fmt.Errorf("matrix: %s: empty, but workloads lists %s, which needs at least one", need.axis, need.workload)
		}
	}
	seenAccounts := make(map[uint32]bool, len(m.Accounts))
	for i, v := range m.Accounts {
		if v < 2 {
			return fmt.Errorf("matrix: accounts[%d]: %d is below the minimum 2", i, v)
		}
		if seenAccounts[v] {
			return fmt.Errorf("matrix: accounts[%d]: %d is listed twice", i, v)
		}
		seenAccounts[v] = true
	}
	if err := checkInts("concurrency", m.Concurrency, 1, client.MaxConcurrency); err != nil {
		return err
	}
	if err := checkInts("connections", m.Connections, 1, client.MaxConnections); err != nil {
		return err
	}
	for i, r := range m.Rates {
		if math.IsNaN(r) || r <= 0 || r > client.MaxRate {
			return fmt.Errorf("matrix: rates[%d]: %v is outside (0, %g] requests/s", i, r, float64(client.MaxRate))
		}
	}
	if _, err := parseDuration(m.Duration, time.Nanosecond); err != nil {
		return fmt.Errorf("matrix: duration: %w", err)
	}
	if _, err := parseDuration(m.Warmup, 0); err != nil {
		return fmt.Errorf("matrix: warmup: %w", err)
	}
	if _, err := parseDuration(m.Timeout, time.Nanosecond); err != nil {
		return fmt.Errorf("matrix: timeout: %w", err)
	}
	if m.TrialsPerCell < 1 || m.TrialsPerCell > MaxTrialsPerCell {
		return fmt.Errorf("matrix: trials: %d is outside [1, %d]", m.TrialsPerCell, MaxTrialsPerCell)
	}
	if m.MaxInFlight < 1 || m.MaxInFlight > client.MaxOpenInFlight {
		return fmt.Errorf("matrix: max_in_flight: %d is outside [1, %d]", m.MaxInFlight, client.MaxOpenInFlight)
	}
	// The product is bounded before Cells builds it, so that a small
	// document cannot ask for billions of cells.
	n := uint64(m.TrialsPerCell)
	for _, l := range []int{len(m.Strategies), len(m.Workloads), len(m.Scopes), len(m.Tasks),
		len(m.Parallelism), len(m.CPUIterations), len(m.IOLatency),
		max(len(m.Syncs), 1), max(len(m.LockOrders), 1), max(len(m.Accounts), 1),
		len(m.Concurrency) + len(m.Rates), len(m.Connections)} {
		if n *= uint64(l); n > MaxMatrixTrials {
			return fmt.Errorf("matrix: the axes' product times trials exceeds the limit of %d trials", MaxMatrixTrials)
		}
	}
	return nil
}

// checkInts checks that every value of the named axis lies in [lo, hi] and
// appears once.
func checkInts(field string, values []int, lo, hi int) error {
	seen := make(map[int]bool, len(values))
	for i, v := range values {
		if v < lo || v > hi {
			return fmt.Errorf("matrix: %s[%d]: %d is outside [%d, %d]", field, i, v, lo, hi)
		}
		if seen[v] {
			return fmt.Errorf("matrix: %s[%d]: %d is listed twice", field, i, v)
		}
		seen[v] = true
	}
	return nil
}

// parseDuration parses a Go duration of at least lo.
func parseDuration(s string, lo time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a Go duration such as \"1.5s\"", s)
	}
	if d < lo {
		if lo == 0 {
			return 0, fmt.Errorf("%q is negative", s)
		}
		return 0, fmt.Errorf("%q is not above 0", s)
	}
	return d, nil
}
