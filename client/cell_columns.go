package client

import "github.com/stratbench/stratbench/results/record"

// Columns returns a record.Row with only c's job and load columns set
// (strategy … duration_s), as every row of c's trials has them.
func (c Cell) Columns() record.Row {
	var r record.Row
	c.fillRow(&r)
	return r
}
