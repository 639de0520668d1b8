// Package slo holds results under a latency objective: the capacity.csv
// record that `stratbench capacity` writes, one row per probe of each
// cell's search, and its reader. It knows nothing of the client or the
// server; the format is described in results/FORMAT.md.
package slo
