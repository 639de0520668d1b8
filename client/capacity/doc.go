// Package capacity finds the highest open-loop rate a cell sustains under
// a latency objective: the rate grows geometrically from a start until a
// probe misses the objective, is then bisected to a relative precision,
// and is confirmed by several trials at the answer. The search ([Search])
// is pure: it sees the server only through a [Prober], so that it is
// tested against fakes of exact capacity; [TrialProber] is the Prober that
// runs real open-loop trials with the client package.
package capacity
