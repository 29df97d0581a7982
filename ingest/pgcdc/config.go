package pgcdc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Snapshot modes.
const (
	SnapshotInitial     = "initial"      // snapshot the tables when the slot is created, then stream
	SnapshotNever       = "never"        // only stream
	SnapshotInitialOnly = "initial_only" // snapshot, drop the slot, then stop
)

// Config says what to capture and where to send it.
type Config struct {
	// DSN is a PostgreSQL connection string (URL or key=value).
	DSN string
	// Slot and Publication are created if missing; an existing publication
	// is used as it is.
	Slot        string
	Publication string
	// Tables lists "schema.table" names; empty means every table in the
	// publication (which is created FOR ALL TABLES when missing).
	Tables []string
	// Snapshot is one of SnapshotInitial, SnapshotNever, SnapshotInitialOnly.
	Snapshot string
	// TopicPrefix names topics <prefix>.<schema>.<table>.
	TopicPrefix string
	// Partitions and ReplicationFactor are used for topics created here.
	Partitions        int32
	ReplicationFactor int16
	// StatusInterval is how often standby status updates are sent.
	StatusInterval time.Duration
	// HeartbeatInterval is how often a non-transactional logical message
	// (pg_logical_emit_message) is written, so that the slot advances when
	// the captured tables are idle; 0 disables it.
	HeartbeatInterval time.Duration
	// SnapshotWorkers is how many connections read snapshot chunks at once.
	SnapshotWorkers int
	// SnapshotChunkRows is about how many rows one snapshot chunk holds.
	SnapshotChunkRows int
	// ProgressInterval is how often the snapshot logs its progress (rows,
	// rows/s, ETA); default 5s.
	ProgressInterval time.Duration
	// Protocol is the pgoutput protocol version: 0 picks 2 (with streaming
	// of large in-progress transactions) on PostgreSQL 14 and later, else 1.
	Protocol int
	// SpoolDir holds the spool files of streamed transactions (default:
	// the system's temporary directory).
	SpoolDir string
	// DecodingWorkMem sets logical_decoding_work_mem for the replication
	// session ("64kB", "256MB"): how much of a transaction the server
	// decodes in memory before it spills (protocol 1) or streams it
	// (protocol 2). Empty keeps the server's setting.
	DecodingWorkMem string
	// Schemas writes Kafka Connect's schema section beside each value and
	// key (JsonConverter's schemas.enable=true).
	Schemas bool
	// NoTombstones stops the tombstone (a record with the key and a null
	// value) that follows each delete of a row with a key, as Debezium's
	// tombstones.on.delete=false does.
	NoTombstones bool
}

var identRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// ValidName tells whether s is a slot or publication name helios-etl
// accepts: what PostgreSQL takes unquoted, in lower case, up to
// NAMEDATALEN-1 bytes.
func ValidName(s string) bool { return identRE.MatchString(s) }

// DefaultConfig is the configuration a zero [Config] gets: the defaults
// [New] applies, which the configuration file shares.
func DefaultConfig() Config { return Config{}.withDefaults() }

func (c Config) withDefaults() Config {
	if c.Slot == "" {
		c.Slot = "helios_etl"
	}
	if c.Publication == "" {
		c.Publication = "helios_etl"
	}
	if c.Snapshot == "" {
		c.Snapshot = SnapshotInitial
	}
	if c.TopicPrefix == "" {
		c.TopicPrefix = "helios"
	}
	if c.Partitions == 0 {
		c.Partitions = 1
	}
	if c.ReplicationFactor == 0 {
		c.ReplicationFactor = 1
	}
	if c.StatusInterval == 0 {
		c.StatusInterval = time.Second
	}
	if c.SpoolDir == "" {
		c.SpoolDir = filepath.Join(os.TempDir(), "helios-etl-spool")
	}
	if c.SnapshotWorkers == 0 {
		c.SnapshotWorkers = 4
	}
	if c.SnapshotChunkRows == 0 {
		c.SnapshotChunkRows = 100_000
	}
	if c.ProgressInterval == 0 {
		c.ProgressInterval = 5 * time.Second
	}
	return c
}

// Validate reports every problem of the configuration at once.
func (c Config) Validate() error {
	var errs []error
	if c.DSN == "" {
		errs = append(errs, errors.New("pg dsn: required"))
	}
	if !identRE.MatchString(c.Slot) {
		errs = append(errs, fmt.Errorf("slot %q: want lower-case letters, digits and _ (PostgreSQL slot names)", c.Slot))
	}
	if !identRE.MatchString(c.Publication) {
		errs = append(errs, fmt.Errorf("publication %q: want lower-case letters, digits and _", c.Publication))
	}
	for _, t := range c.Tables {
		if s, n, ok := strings.Cut(t, "."); !ok || s == "" || n == "" {
			errs = append(errs, fmt.Errorf("table %q: want schema.table", t))
		}
	}
	switch c.Snapshot {
	case SnapshotInitial, SnapshotNever, SnapshotInitialOnly:
	default:
		errs = append(errs, fmt.Errorf("snapshot %q: want initial, never or initial_only", c.Snapshot))
	}
	if c.SnapshotWorkers < 1 || c.SnapshotChunkRows < 1 {
		errs = append(errs, fmt.Errorf("snapshot workers %d and chunk rows %d: want at least 1", c.SnapshotWorkers, c.SnapshotChunkRows))
	}
	if c.Partitions < 1 {
		errs = append(errs, fmt.Errorf("partitions %d: want at least 1", c.Partitions))
	}
	if c.ReplicationFactor < 1 {
		errs = append(errs, fmt.Errorf("replication factor %d: want at least 1", c.ReplicationFactor))
	}
	if c.Protocol != 0 && c.Protocol != 1 && c.Protocol != 2 {
		errs = append(errs, fmt.Errorf("protocol %d: want 0 (automatic), 1 or 2", c.Protocol))
	}
	if c.ProgressInterval < time.Millisecond {
		errs = append(errs, fmt.Errorf("progress interval %s: want at least 1ms", c.ProgressInterval))
	}
	if c.StatusInterval < 10*time.Millisecond {
		errs = append(errs, fmt.Errorf("status interval %s: want at least 10ms", c.StatusInterval))
	}
	return errors.Join(errs...)
}
