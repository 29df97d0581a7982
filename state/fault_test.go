package state

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"
)

// faultFS returns an in-memory file system that fails every write to a
// file whose path contains substr while the returned switch is on.
func faultFS(substr string) (vfs.FS, *atomic.Bool) {
	var on atomic.Bool
	fs := errorfs.Wrap(vfs.NewMem(), errorfs.InjectorFunc(func(op errorfs.Op) error {
		if on.Load() && op.Kind.ReadOrWrite() == errorfs.OpIsWrite && strings.Contains(op.Path, substr) {
			return errorfs.ErrInjected
		}
		return nil
	}))
	return fs, &on
}

func TestOpenFault(t *testing.T) {
	t.Parallel()
	fs, on := faultFS("")
	on.Store(true)
	_, err := Open("db", Options{FS: fs})
	if err == nil {
		t.Fatal("Open on a failing file system succeeded")
	}
	if !errors.Is(err, errorfs.ErrInjected) || !strings.HasPrefix(err.Error(), "state: open db: ") {
		t.Errorf("Open = %v, want a wrapped injected error", err)
	}
}

func TestWALWriteFault(t *testing.T) {
	t.Parallel()
	fs, on := faultFS(".log") // pebble's write-ahead log files
	db, err := Open("db", Options{FS: fs})
	if err != nil {
		t.Fatal(err)
	}
	s := db.Partition("st", "t", 0)
	if err := s.Put([]byte("before"), []byte("1")); err != nil {
		t.Fatal(err)
	}

	on.Store(true)
	b := db.NewBatch()
	_ = b.Put(s, []byte("k"), []byte("v"))
	err = b.Commit(true)
	_ = b.Close()
	if err == nil {
		t.Fatal("synced commit with a failing WAL succeeded")
	}
	if !errors.Is(err, errorfs.ErrInjected) || !errors.Is(err, ErrFailed) || !strings.HasPrefix(err.Error(), "state: commit 1 writes: ") {
		t.Errorf("Commit = %v, want a wrapped ErrFailed and injected error", err)
	}
	t.Logf("Commit = %v", err)
	// The database fails closed: later calls return the same error.
	if _, err := s.Get([]byte("before")); !errors.Is(err, ErrFailed) {
		t.Errorf("Get after a failed commit = %v, want ErrFailed", err)
	}
	// Closing after a failed write must not panic; pebble may report the
	// sticky WAL error again.
	on.Store(false)
	err = db.Close()
	t.Logf("Close = %v", err)
	if err != nil && !errors.Is(err, errorfs.ErrInjected) {
		t.Errorf("Close = %v", err)
	}
}
