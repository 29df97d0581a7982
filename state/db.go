package state

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// ErrNotFound is returned by reads of a key that does not exist.
var ErrNotFound = errors.New("state: not found")

// ErrClosed is returned by every operation on a [DB] (and its stores and
// batches) after [DB.Close] has begun.
var ErrClosed = errors.New("state: closed")

// ErrFailed is wrapped by the error of a write that pebble could not
// recover from (a failed write or sync of the write-ahead log), and by every
// call made after it: the database stays failed until the process reopens
// it, and recovery then replays the log up to the last good write.
var ErrFailed = errors.New("state: database failed")

// Default option values applied by [Open].
const (
	DefaultCacheSize    = 64 << 20
	DefaultMemTableSize = 16 << 20
)

// Options configure [Open]. The zero value opens an on-disk database with
// the defaults; [Open] never changes the caller's value.
type Options struct {
	// InMemory keeps the whole database in memory (pebble's vfs.NewMem);
	// nothing survives Close. For tests.
	InMemory bool
	// FS, when set, replaces the file system (a test seam, for example an
	// errorfs wrapper for fault injection). It takes precedence over
	// InMemory.
	FS vfs.FS
	// CacheSize is the block cache size in bytes (default 64 MiB).
	CacheSize int64
	// MemTableSize is the size in bytes of one memtable (default 16 MiB,
	// at least 1 MiB, below 4 GiB).
	MemTableSize uint64
	// Logger receives pebble's log lines. Nil discards them. Pebble's
	// fatal errors (corruption it cannot recover from) are logged at error
	// level and then panic, instead of calling os.Exit.
	Logger *slog.Logger
}

// withDefaults returns a copy of o with zero fields set to their defaults.
func (o Options) withDefaults() Options {
	if o.CacheSize == 0 {
		o.CacheSize = DefaultCacheSize
	}
	if o.MemTableSize == 0 {
		o.MemTableSize = DefaultMemTableSize
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Validate reports every problem with o, joined into one error. It checks
// the values as given; [Open] validates after applying defaults.
func (o Options) Validate() error {
	var errs []error
	if o.CacheSize < 0 {
		errs = append(errs, fmt.Errorf("state: cache size %d is negative", o.CacheSize))
	}
	if o.MemTableSize != 0 && o.MemTableSize < 1<<20 {
		errs = append(errs, fmt.Errorf("state: memtable size %d is below 1 MiB", o.MemTableSize))
	}
	if o.MemTableSize >= 4<<30 {
		errs = append(errs, fmt.Errorf("state: memtable size %d is not below 4 GiB", o.MemTableSize))
	}
	return errors.Join(errs...)
}

// DB is one Pebble database shared by many users through [Store] values
// (see [DB.Namespace] and [DB.Partition]). Its methods are safe for
// concurrent use.
type DB struct {
	pdb *pebble.DB
	dir string

	mu struct {
		sync.Mutex
		cond     sync.Cond // signalled when active drops to zero while closing
		closed   bool      // Close has begun
		active   int       // operations in flight
		done     bool      // Close has finished
		closeErr error     // result of the first Close
		failed   error     // set once a write hit a fatal pebble error
	}
}

// Open opens (creating if needed) the database in dir. With
// Options.InMemory, dir only names the database.
func Open(dir string, opts Options) (*DB, error) {
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("state: open %s: %w", dir, err)
	}
	opts = opts.withDefaults()
	if dir == "" && !opts.InMemory && opts.FS == nil {
		return nil, fmt.Errorf("state: open: empty directory")
	}
	po := &pebble.Options{
		CacheSize:    opts.CacheSize,
		MemTableSize: opts.MemTableSize,
		Logger:       slogLogger{opts.Logger},
	}
	switch {
	case opts.FS != nil:
		po.FS = opts.FS
	case opts.InMemory:
		po.FS = vfs.NewMem()
	}
	pdb, err := pebble.Open(dir, po)
	if err != nil {
		return nil, fmt.Errorf("state: open %s: %w", dir, err)
	}
	db := &DB{pdb: pdb, dir: dir}
	db.mu.cond.L = &db.mu.Mutex
	return db, nil
}

// enter registers an operation in flight; it fails once Close has begun.
// Every successful enter must be paired with exit.
func (db *DB) enter() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.mu.closed {
		return ErrClosed
	}
	if db.mu.failed != nil {
		return db.mu.failed
	}
	db.mu.active++
	return nil
}

// write runs a pebble write. Pebble reports a failed write-ahead log write
// or sync during a commit through Logger.Fatalf, which panics with a
// fatalPanic (see slogLogger); write turns that panic into an error wrapping
// ErrFailed and the cause, and fails the database. Other panics go on.
func (db *DB) write(op func() error) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		fp, ok := r.(fatalPanic)
		if !ok {
			panic(r)
		}
		err = fmt.Errorf("%w: %w", ErrFailed, fp)
		db.mu.Lock()
		if db.mu.failed == nil {
			db.mu.failed = err
		}
		db.mu.Unlock()
	}()
	return op()
}

// exit ends an operation registered by enter.
func (db *DB) exit() {
	db.mu.Lock()
	db.mu.active--
	if db.mu.active == 0 && db.mu.closed {
		db.mu.cond.Broadcast()
	}
	db.mu.Unlock()
}

// Close waits for the operations in flight (a running [Store.Scan]
// included), then closes the database and waits for pebble's background
// flushes and compactions to stop. Later operations return [ErrClosed].
// Close is idempotent: further calls wait for the first to finish and return
// its result. Batches not committed are discarded.
func (db *DB) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.mu.closed {
		for !db.mu.done {
			db.mu.cond.Wait()
		}
		return db.mu.closeErr
	}
	db.mu.closed = true
	for db.mu.active > 0 {
		db.mu.cond.Wait()
	}
	if err := closePebble(db.pdb); err != nil {
		db.mu.closeErr = fmt.Errorf("state: close %s: %w", db.dir, err)
	}
	db.mu.done = true
	db.mu.cond.Broadcast()
	return db.mu.closeErr
}

// closePebble closes pdb, turning a fatal pebble error into an error.
func closePebble(pdb *pebble.DB) (err error) {
	defer func() {
		if r := recover(); r != nil {
			fp, ok := r.(fatalPanic)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("%w: %w", ErrFailed, fp)
		}
	}()
	return pdb.Close()
}

// Namespace returns the store for the namespace name. Stores are cheap
// values: call Namespace as often as needed. Two different names never
// share a key, whatever their bytes (see the package's key layout).
func (db *DB) Namespace(name string) *Store {
	return db.store(StoreID{Namespace: name})
}

// Partition returns the store of one stage's state for one input topic
// partition. It is cheap; see [DB.Namespace].
func (db *DB) Partition(stage, topic string, partition int32) *Store {
	return db.store(StoreID{IsPartition: true, Stage: stage, Topic: topic, Partition: partition})
}

func (db *DB) store(id StoreID) *Store {
	p := storePrefix(id)
	data := append(p[:len(p):len(p)], subData)
	meta := append(p[:len(p):len(p)], subMeta)
	return &Store{db: db, id: id, prefix: p, data: data, meta: meta}
}

// DropPartition deletes all of a partition store's keys, its changelog
// marker included, with one synced range deletion. Use it when the partition
// moves to another instance. Space is reclaimed by later compactions.
func (db *DB) DropPartition(stage, topic string, partition int32) error {
	return db.Partition(stage, topic, partition).Drop()
}

// slogLogger adapts a *slog.Logger to pebble's Logger.
type slogLogger struct{ l *slog.Logger }

func (s slogLogger) Infof(format string, args ...any) {
	s.l.Info(fmt.Sprintf(format, args...), "component", "pebble")
}

func (s slogLogger) Errorf(format string, args ...any) {
	s.l.Error(fmt.Sprintf(format, args...), "component", "pebble")
}

// Fatalf logs and panics with a fatalPanic: pebble calls it only for states
// it cannot go on from. A panic, unlike pebble's default os.Exit, runs
// deferred calls, and [DB] turns it into an error where it can (see
// DB.write).
func (s slogLogger) Fatalf(format string, args ...any) {
	fp := fatalPanic{msg: fmt.Sprintf(format, args...)}
	for _, a := range args {
		if err, ok := a.(error); ok {
			fp.cause = err
			break
		}
	}
	s.l.Error(fp.msg, "component", "pebble", "fatal", true)
	panic(fp)
}

// fatalPanic is the panic value of slogLogger.Fatalf.
type fatalPanic struct {
	msg   string
	cause error // the first error among Fatalf's arguments, if any
}

func (f fatalPanic) Error() string { return "pebble fatal: " + f.msg }

func (f fatalPanic) Unwrap() error { return f.cause }

var _ pebble.Logger = slogLogger{}
