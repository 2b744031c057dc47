// Package loadreport is the line loadgen -json prints per operation, which benchbackend reads:
// one type, so that the two programs cannot drift apart.
package loadreport

// Result is one operation's figures over a load run.
type Result struct {
	Op       string  `json:"op"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	RPS      float64 `json:"rps"`
	P50ms    float64 `json:"p50Ms"`
	P99ms    float64 `json:"p99Ms"`
}
