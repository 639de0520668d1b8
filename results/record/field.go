package record

import "reflect"

// Field returns the value of r's column named column (one of [Header]'s
// names), as the Row field's own type (string, int, uint64, float64, bool,
// time.Time or map[string]uint64), so a renderer can show a row under its
// column names without a copy of Row. It reports false for any other name.
func (r *Row) Field(column string) (any, bool) {
	c, ok := columnByName[column]
	if !ok {
		return nil, false
	}
	return reflect.ValueOf(c.field(r)).Elem().Interface(), true
}
