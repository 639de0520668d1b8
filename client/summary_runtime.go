package client

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/stratbench/stratbench/results/record"
)

// writeRuntimeTable writes the server's runtime figures of each trial
// (see the README, "Why: runtime evidence"), "–" where absent; nothing when
// no trial has them.
func writeRuntimeTable(w io.Writer, trials []*Trial) error {
	has := false
	for _, t := range trials {
		has = has || t.Runtime != nil
	}
	if !has {
		return nil
	}
	fmt.Fprint(w, "\nserver runtime over each trial's measured window:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "trial\tcpu µs/task\tsched p50 µs\tsched p99 µs\tgc cpu %\tallocs/task\tbytes/task\tmutex wait ms\tgoroutines\theap MB\tthrottled s\t\n")
	for _, t := range trials {
		var rt record.Runtime
		if t.Runtime != nil {
			rt = RuntimeRow(*t.Runtime)
		}
		fmt.Fprintf(tw, "%d", t.Index)
		for _, o := range []record.Optional{rt.ServerCPUUsPerTask, rt.SchedLatencyP50Us, rt.SchedLatencyP99Us, rt.GCCPUPct,
			rt.AllocsPerTask, rt.BytesPerTask, rt.MutexWaitMs, rt.GoroutinesPeak, rt.HeapPeakMB, rt.ThrottledS} {
			v := "–"
			if o.Valid {
				v = num(o.Value)
			}
			fmt.Fprintf(tw, "\t%s", v)
		}
		fmt.Fprint(tw, "\t\n")
	}
	return tw.Flush()
}
