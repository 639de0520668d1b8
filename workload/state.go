package workload

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Sync is how Counter tasks update their job's shared counter.
type Sync int

// The sync modes.
const (
	SyncMutex   Sync = iota + 1 // a sync.Mutex around a plain increment
	SyncAtomic                  // atomic.Uint64.Add
	SyncSharded                 // a local count added once to one of several padded shards
	SyncChannel                 // every increment sent to one owner goroutine
	SyncNone                    // an atomic load then a separate store: loses updates, races with nothing
)

// LockOrder is how Transfer tasks take two accounts' locks.
type LockOrder int

// The lock orders.
const (
	LockOrdered LockOrder = iota + 1 // lower account id first: deadlock-free
	LockTry                          // source, then try-lock the destination; back off and retry
)

// Outcome is what a job's shared state shows once its tasks have ended.
type Outcome struct {
	// LostUpdates is, for Counter, the increments tasks made minus those the
	// counter shows.
	LostUpdates uint64
	// Increments is, for Counter, the increments tasks made.
	Increments uint64
	// InvariantOK is, for Transfer, whether the accounts' total is
	// unchanged; true for every other kind.
	InvariantOK bool
	// LockRetries is, for Transfer with LockTry, the failed try-locks.
	LockRetries uint64
	// IOWaitTotal is, for IO and Mixed, the sum of the actual durations of
	// the I/O waits that ran to their end, and IOWaits their number; both
	// are 0 for every other kind.
	IOWaitTotal time.Duration
	IOWaits     int64
}

// State is the shared state of one job: a counter, accounts, or nothing.
// Create it with NewState, run the job's tasks through Stages, then call
// Close exactly once, after every task has ended.
type State struct {
	spec   Spec
	stages []Stage
	close  func() Outcome
	waits  IOWaits
}

// NewState returns the state of one job of s. For SyncChannel it starts the
// counter's owner goroutine, which Close stops and waits for.
func NewState(s Spec) *State {
	st := &State{spec: s}
	switch s.Kind {
	case Counter:
		c := newCounter(s.Sync)
		st.stages = []Stage{c.stage(s.CPUIterations)}
		st.close = c.close
	case Transfer:
		b := newBank(s.Accounts, s.LockOrder)
		st.stages = []Stage{b.stage(s.CPUIterations)}
		st.close = b.close
	default:
		st.stages = s.stages(&st.waits)
		st.close = func() Outcome {
			total, n := st.waits.Total()
			return Outcome{InvariantOK: true, IOWaitTotal: total, IOWaits: n}
		}
	}
	st.stages = s.inject(st.stages)
	return st
}

// Stages returns the steps of one task, as Spec.Stages does.
func (st *State) Stages() []Stage { return st.stages }

// Close ends the state and reports its outcome.
func (st *State) Close() Outcome { return st.close() }

// counter is the shared counter of a Counter job.
type counter struct {
	sync Sync
	made atomic.Uint64 // increments the tasks made

	mu     sync.Mutex
	plain  uint64 // guarded by mu
	atomic atomic.Uint64
	shards []paddedCount
	ch     chan uint64
	owned  uint64 // written by the owner goroutine only
	done   chan struct{}
}

// paddedCount keeps shards on separate cache lines.
type paddedCount struct {
	n atomic.Uint64
	_ [56]byte
}

func newCounter(s Sync) *counter {
	c := &counter{sync: s}
	switch s {
	case SyncSharded:
		c.shards = make([]paddedCount, 4*runtime.GOMAXPROCS(0))
	case SyncChannel:
		c.ch = make(chan uint64, 64)
		c.done = make(chan struct{})
		go func() {
			defer close(c.done)
			for n := range c.ch {
				c.owned += n
			}
		}()
	}
	return c
}

// stage returns a task that increments the counter n times, checking for
// cancellation every 64 increments. Its output depends only on its input,
// so it is the same under every strategy.
func (c *counter) stage(n uint64) Stage {
	return func(ctx context.Context, task int, in uint64) (uint64, error) {
		done := ctx.Done()
		var i uint64
		defer func() { c.made.Add(i) }()
		var local uint64
		for i = 0; i < n; i++ {
			if i%checkEvery == 0 {
				select {
				case <-done:
					c.flushShard(task, local)
					return 0, ctx.Err()
				default:
				}
			}
			switch c.sync {
			case SyncMutex:
				c.mu.Lock()
				c.plain++
				c.mu.Unlock()
			case SyncAtomic:
				c.atomic.Add(1)
			case SyncSharded:
				local++
			case SyncChannel:
				select {
				case c.ch <- 1:
				case <-done:
					return 0, ctx.Err()
				}
			case SyncNone:
				c.atomic.Store(c.atomic.Load() + 1)
			}
		}
		c.flushShard(task, local)
		return mix(in ^ n), nil
	}
}

func (c *counter) flushShard(task int, local uint64) {
	if c.sync == SyncSharded && local > 0 {
		c.shards[task%len(c.shards)].n.Add(local)
	}
}

func (c *counter) close() Outcome {
	var seen uint64
	switch c.sync {
	case SyncMutex:
		seen = c.plain
	case SyncAtomic, SyncNone:
		seen = c.atomic.Load()
	case SyncSharded:
		for i := range c.shards {
			seen += c.shards[i].n.Load()
		}
	case SyncChannel:
		close(c.ch)
		<-c.done
		seen = c.owned
	}
	made := c.made.Load()
	return Outcome{Increments: made, LostUpdates: made - min(seen, made), InvariantOK: true}
}

// initialBalance is every account's balance when a Transfer job starts.
const initialBalance = 1_000

// bank is the accounts of a Transfer job.
type bank struct {
	order    LockOrder
	accounts []account
	retries  atomic.Uint64
}

type account struct {
	mu      sync.Mutex
	balance int64
	_       [48]byte
}

func newBank(n int, order LockOrder) *bank {
	b := &bank{order: order, accounts: make([]account, n)}
	for i := range b.accounts {
		b.accounts[i].balance = initialBalance
	}
	return b
}

// stage returns a task making n transfers between pseudo-random pairs of
// accounts drawn from a generator seeded by its input, so the pairs, the
// amounts and the output are the same under every strategy.
func (b *bank) stage(n uint64) Stage {
	return func(ctx context.Context, _ int, in uint64) (uint64, error) {
		done := ctx.Done()
		rng := in
		out := in
		m := uint64(len(b.accounts))
		for i := uint64(0); i < n; i++ {
			if i%checkEvery == 0 {
				select {
				case <-done:
					return 0, ctx.Err()
				default:
				}
			}
			rng = mix(rng + 0x9e3779b97f4a7c15)
			from := int(rng % m)
			to := int((rng >> 32) % (m - 1))
			if to >= from {
				to++
			}
			amount := int64(rng>>56) + 1
			if err := b.transfer(ctx, from, to, amount); err != nil {
				return 0, err
			}
			out = mix(out ^ uint64(from)<<32 ^ uint64(to)<<8 ^ uint64(amount))
		}
		return out, nil
	}
}

// transfer moves amount from one account to another, holding both locks.
func (b *bank) transfer(ctx context.Context, from, to int, amount int64) error {
	a, c := &b.accounts[from], &b.accounts[to]
	switch b.order {
	case LockOrdered:
		first, second := a, c
		if to < from {
			first, second = c, a
		}
		first.mu.Lock()
		second.mu.Lock()
	case LockTry:
		backoff := time.Microsecond
		for {
			a.mu.Lock()
			if c.mu.TryLock() {
				break
			}
			a.mu.Unlock()
			b.retries.Add(1)
			if err := ctx.Err(); err != nil {
				return err
			}
			// Bounded exponential back-off: yield first, then sleep up to
			// 64 µs, so two tasks holding each other's first lock stop
			// colliding without stalling the job.
			if backoff <= 2*time.Microsecond {
				runtime.Gosched()
			} else {
				time.Sleep(backoff)
			}
			backoff = min(2*backoff, 64*time.Microsecond)
		}
	default:
		panic(fmt.Sprintf("workload: transfer with lock order %d", int(b.order)))
	}
	a.balance -= amount
	c.balance += amount
	c.mu.Unlock()
	a.mu.Unlock()
	return nil
}

func (b *bank) close() Outcome {
	var total int64
	for i := range b.accounts {
		b.accounts[i].mu.Lock()
		total += b.accounts[i].balance
		b.accounts[i].mu.Unlock()
	}
	return Outcome{
		InvariantOK: total == int64(len(b.accounts))*initialBalance,
		LockRetries: b.retries.Load(),
	}
}
