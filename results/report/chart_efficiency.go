package report

import (
	"fmt"
	"html/template"

	"github.com/stratbench/stratbench/results/cell"
)

// efficiencyChart draws the efficiency (measured ÷ bound) of every cell of
// p that has a bound, with a dashed line at 100%. It returns "" when no
// cell has a bound.
func efficiencyChart(p panel, label string) template.HTML {
	return barChart(p, label, barSpec{
		axisTitle: "efficiency (measured ÷ bound)",
		format:    formatPct,
		value: func(c cell.Summary) (float64, bool) {
			return c.Efficiency, c.BoundTasksPerS > 0
		},
		describe: func(c cell.Summary) string {
			return fmt.Sprintf("%s of the bound (%s measured, bound %s)",
				formatPct(c.Efficiency), formatSI(c.TasksPerS.Median), formatRate(c.BoundTasksPerS, "tasks/s"))
		},
		ref: 1, refLabel: "bound",
	})
}
