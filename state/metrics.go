package state

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Collector exports a [DB]'s pebble metrics to Prometheus. It reads
// db.Metrics() on each scrape and exports nothing once the DB is closed.
// Register it on the service's registry:
//
//	reg.MustRegister(state.NewCollector(db, nil))
type Collector struct {
	db *DB

	diskBytes       *prometheus.Desc
	memtableBytes   *prometheus.Desc
	memtables       *prometheus.Desc
	compactions     *prometheus.Desc
	compactionDebt  *prometheus.Desc
	flushes         *prometheus.Desc
	readAmp         *prometheus.Desc
	walBytesWritten *prometheus.Desc
	walFiles        *prometheus.Desc
	sstables        *prometheus.Desc
	sstableBytes    *prometheus.Desc
	cacheBytes      *prometheus.Desc
	cacheHits       *prometheus.Desc
	cacheMisses     *prometheus.Desc
	l0Sublevels     *prometheus.Desc
	keyTombstones   *prometheus.Desc
	pendingFlushes  *prometheus.Desc
	pinnedSnapshots *prometheus.Desc
}

var _ prometheus.Collector = (*Collector)(nil)

// NewCollector returns a collector for db. labels, which may be nil, are
// added to every metric (for example {"db": "stages"} when a process opens
// more than one DB).
func NewCollector(db *DB, labels prometheus.Labels) *Collector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, nil, labels)
	}
	return &Collector{
		db:              db,
		diskBytes:       d("etl_state_disk_bytes", "Bytes on disk used by the state database: tables, WAL, manifest and options files."),
		memtableBytes:   d("etl_state_memtable_bytes", "Bytes allocated to memtables, flushing ones included."),
		memtables:       d("etl_state_memtables", "Number of memtables, flushing ones included."),
		compactions:     d("etl_state_compactions_total", "Compactions completed since open."),
		compactionDebt:  d("etl_state_compaction_debt_bytes", "Estimated bytes still to compact for the LSM to reach a stable shape."),
		flushes:         d("etl_state_flushes_total", "Memtable flushes completed since open."),
		readAmp:         d("etl_state_read_amplification", "Read amplification: the number of sorted runs a point read may consult (L0 sublevels plus non-empty levels)."),
		walBytesWritten: d("etl_state_wal_bytes_written_total", "Bytes written to the write-ahead log since open, framing included."),
		walFiles:        d("etl_state_wal_files", "Live write-ahead log files."),
		sstables:        d("etl_state_sstables", "Live sstables over all levels."),
		sstableBytes:    d("etl_state_sstable_bytes", "Bytes of live sstables over all levels."),
		cacheBytes:      d("etl_state_block_cache_bytes", "Bytes held by the block cache."),
		cacheHits:       d("etl_state_block_cache_hits_total", "Block cache hits since open."),
		cacheMisses:     d("etl_state_block_cache_misses_total", "Block cache misses since open."),
		l0Sublevels:     d("etl_state_l0_sublevels", "L0 sublevels; write stalls begin as this grows."),
		keyTombstones:   d("etl_state_tombstones", "Approximate point and range tombstones in live tables."),
		pendingFlushes:  d("etl_state_flushes_in_progress", "Memtable flushes in progress."),
		pinnedSnapshots: d("etl_state_open_snapshots", "Open snapshots (iterators hold one while scanning)."),
	}
}

// Describe sends the descriptors of every metric.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{
		c.diskBytes, c.memtableBytes, c.memtables, c.compactions, c.compactionDebt,
		c.flushes, c.readAmp, c.walBytesWritten, c.walFiles, c.sstables, c.sstableBytes,
		c.cacheBytes, c.cacheHits, c.cacheMisses, c.l0Sublevels, c.keyTombstones,
		c.pendingFlushes, c.pinnedSnapshots,
	} {
		ch <- d
	}
}

// Collect reads the database's metrics and sends them; it sends nothing if
// the database is closed.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	if err := c.db.enter(); err != nil {
		return
	}
	m := c.db.pdb.Metrics()
	c.db.exit()

	var tables, tableBytes int64
	for i := range m.Levels {
		tables += m.Levels[i].TablesCount
		tableBytes += m.Levels[i].TablesSize
	}
	gauge := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
	}
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(c.diskBytes, float64(m.DiskSpaceUsage()))
	gauge(c.memtableBytes, float64(m.MemTable.Size))
	gauge(c.memtables, float64(m.MemTable.Count))
	counter(c.compactions, float64(m.Compact.Count))
	gauge(c.compactionDebt, float64(m.Compact.EstimatedDebt))
	counter(c.flushes, float64(m.Flush.Count))
	gauge(c.readAmp, float64(m.ReadAmp()))
	counter(c.walBytesWritten, float64(m.WAL.BytesWritten))
	gauge(c.walFiles, float64(m.WAL.Files))
	gauge(c.sstables, float64(tables))
	gauge(c.sstableBytes, float64(tableBytes))
	gauge(c.cacheBytes, float64(m.BlockCache.Size))
	counter(c.cacheHits, float64(m.BlockCache.Hits))
	counter(c.cacheMisses, float64(m.BlockCache.Misses))
	gauge(c.l0Sublevels, float64(m.Levels[0].Sublevels))
	gauge(c.keyTombstones, float64(m.Keys.TombstoneCount))
	gauge(c.pendingFlushes, float64(m.Flush.NumInProgress))
	gauge(c.pinnedSnapshots, float64(m.Snapshots.Count))
}
