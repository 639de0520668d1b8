// Package usl fits Gunther's Universal Scalability Law to throughput
// measured at several concurrencies: [Fit] returns a [Model] with
// contention σ, coherency κ, λ, the peak N* and R².
//
// No library is used: the fit is a bounded Levenberg–Marquardt of three
// parameters on the throughput itself (σ in [0, 1], κ ≥ 0), which general
// optimisation packages offer only without bounds or with far more weight.
//
// It imports nothing of the project; never gRPC, the client or the server.
package usl
