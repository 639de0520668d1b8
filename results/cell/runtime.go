package cell

import (
	"github.com/stratbench/stratbench/results/record"
)

// runtimeMedians returns, figure by figure, the median of the runtime
// figures of rows (complete trials) that have the figure; a figure no row
// has stays absent, never zero.
func runtimeMedians(rows []record.Row) record.Runtime {
	var out record.Runtime
	for _, name := range record.RuntimeColumns {
		var xs []float64
		for i := range rows {
			if v, ok := rows[i].Field(name); ok {
				if o, isOpt := v.(record.Optional); isOpt && o.Valid {
					xs = append(xs, o.Value)
				}
			}
		}
		if len(xs) > 0 {
			out.Set(name, record.Some(median(xs)))
		}
	}
	return out
}
