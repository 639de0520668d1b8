// Package stats holds the statistics stratbench computes across trials:
// [Estimate] (mean, standard deviation, Student-t 95% confidence interval
// and median of one figure over a cell's trials) and the two-sided
// Mann–Whitney U test ([MannWhitneyU]) a comparison uses. Descriptive
// statistics come from github.com/montanaflynn/stats; the exact U
// distribution with ties is written here, as that library has none.
//
// It imports nothing of the project; never gRPC, the client or the server.
package stats
