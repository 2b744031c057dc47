package metrics

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// PoolCollector exposes pgxpool statistics as gauges and counters, read at scrape time.
type PoolCollector struct {
	pool  *pgxpool.Pool
	descs map[string]*prometheus.Desc
}

// NewPoolCollector reports on pool.
func NewPoolCollector(pool *pgxpool.Pool) *PoolCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(namespace, "db_pool", name), help, nil, nil)
	}
	return &PoolCollector{pool: pool, descs: map[string]*prometheus.Desc{
		"acquired": d("acquired_connections", "Connections currently in use."),
		"idle":     d("idle_connections", "Idle connections in the pool."),
		"total":    d("total_connections", "All connections open or being opened."),
		"max":      d("max_connections", "Maximum size of the pool."),
		"acquires": d("acquires_total", "Successful connection acquisitions."),
		"empty":    d("empty_acquires_total", "Acquisitions that had to wait for a connection."),
		"wait":     d("acquire_wait_seconds_total", "Time spent waiting for a connection."),
	}}
}

// Describe implements prometheus.Collector.
func (c *PoolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, desc := range c.descs {
		ch <- desc
	}
}

// Collect implements prometheus.Collector.
func (c *PoolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	gauge := func(key string, v float64) {
		ch <- prometheus.MustNewConstMetric(c.descs[key], prometheus.GaugeValue, v)
	}
	counter := func(key string, v float64) {
		ch <- prometheus.MustNewConstMetric(c.descs[key], prometheus.CounterValue, v)
	}
	gauge("acquired", float64(s.AcquiredConns()))
	gauge("idle", float64(s.IdleConns()))
	gauge("total", float64(s.TotalConns()))
	gauge("max", float64(s.MaxConns()))
	counter("acquires", float64(s.AcquireCount()))
	counter("empty", float64(s.EmptyAcquireCount()))
	counter("wait", s.AcquireDuration().Seconds())
}
