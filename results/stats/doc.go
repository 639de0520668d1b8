// Package stats holds the statistics stratbench computes across trials:
// [Estimate] (mean, standard deviation, Student-t 95% confidence interval
// of the mean, and the median with its 95% confidence interval of one
// figure over a cell's trials), the two-sided Mann–Whitney U test ([Test])
// a comparison uses, the smallest p-value a trial count allows
// ([MinMannWhitneyP]) and the geometric mean of ratios ([Geomean]). The
// median's interval and the test are golang.org/x/perf/benchmath's, the
// library benchstat uses; the mean and standard deviation come from
// github.com/montanaflynn/stats.
//
// It imports nothing of the project; never gRPC, the client or the server.
package stats
