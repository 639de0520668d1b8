// Package compare compares two result sets cell by cell ([Sides]): cells
// are matched on their job and load, never on host; each figure is the
// ratio of medians with a Mann–Whitney p-value over trials. A
// [Comparison] renders itself as a terminal table and as compare.csv; its
// HTML page is report.WriteComparison.
//
// It imports record, stats, cell and internal/errwriter of the project;
// never gRPC, the client, the server or report.
package compare
