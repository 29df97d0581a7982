package pgcdc

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/jackc/pglogrepl"
)

// Streaming of large in-progress transactions (pgoutput protocol 2, PG 14+).
//
// When a transaction outgrows logical_decoding_work_mem, the server sends it
// in blocks between stream start and stream stop messages, before it
// commits, and later a stream commit or a stream abort. Nothing of it may
// reach Kafka before the commit, and it may be larger than memory, so each
// block's messages are appended to a spool file per transaction in the
// state directory; the commit replays the file through the ordinary change
// path as one transaction, and an abort deletes it. A subtransaction abort
// marks the subtransaction so that replay skips its changes.
//
// Spool files do not outlive the process: after a restart the server sends
// every transaction that commits after the confirmed LSN again, in full, so
// the spool directory is emptied at start.

// spool holds the spool files of the open streamed transactions.
type spool struct {
	dir   string
	files map[uint32]*spoolFile
}

type spoolFile struct {
	path    string
	f       *os.File
	w       *bufio.Writer
	aborted map[uint32]bool
	records int
	bytes   int64
}

func newSpool(dir string) (*spool, error) {
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("pgcdc: clear spool %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("pgcdc: create spool %s: %w", dir, err)
	}
	return &spool{dir: dir, files: make(map[uint32]*spoolFile)}, nil
}

func (sp *spool) file(xid uint32) (*spoolFile, error) {
	if f, ok := sp.files[xid]; ok {
		return f, nil
	}
	path := filepath.Join(sp.dir, strconv.FormatUint(uint64(xid), 10))
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("pgcdc: spool of transaction %d: %w", xid, err)
	}
	sf := &spoolFile{path: path, f: f, w: bufio.NewWriterSize(f, 1<<16), aborted: map[uint32]bool{}}
	sp.files[xid] = sf
	return sf, nil
}

// add appends one message of subtransaction sub at lsn: its type byte and
// its body (the xid removed), written as they are, without a copy.
func (sf *spoolFile) add(sub uint32, lsn uint64, typ byte, body []byte) error {
	var hdr [17]byte
	binary.BigEndian.PutUint32(hdr[0:], uint32(1+len(body)))
	binary.BigEndian.PutUint32(hdr[4:], sub)
	binary.BigEndian.PutUint64(hdr[8:], lsn)
	hdr[16] = typ
	if _, err := sf.w.Write(hdr[:]); err != nil {
		return fmt.Errorf("pgcdc: write spool %s: %w", sf.path, err)
	}
	if _, err := sf.w.Write(body); err != nil {
		return fmt.Errorf("pgcdc: write spool %s: %w", sf.path, err)
	}
	sf.records++
	sf.bytes += int64(len(body)) + 17
	return nil
}

// replay calls fn for every spooled message not of an aborted
// subtransaction, in order.
func (sf *spoolFile) replay(fn func(msg []byte, lsn uint64) error) error {
	if err := sf.w.Flush(); err != nil {
		return fmt.Errorf("pgcdc: flush spool %s: %w", sf.path, err)
	}
	if _, err := sf.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("pgcdc: rewind spool %s: %w", sf.path, err)
	}
	r := bufio.NewReaderSize(sf.f, 1<<16)
	var hdr [16]byte
	var buf []byte
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if err == io.EOF {
				return nil
			}
			return fmt.Errorf("pgcdc: read spool %s: %w", sf.path, err)
		}
		n := binary.BigEndian.Uint32(hdr[0:])
		if cap(buf) < int(n) {
			buf = make([]byte, n)
		}
		buf = buf[:n]
		if _, err := io.ReadFull(r, buf); err != nil {
			return fmt.Errorf("pgcdc: read spool %s: %w", sf.path, err)
		}
		if sf.aborted[binary.BigEndian.Uint32(hdr[4:])] {
			continue
		}
		if err := fn(buf, binary.BigEndian.Uint64(hdr[8:])); err != nil {
			return err
		}
	}
}

func (sp *spool) drop(xid uint32) error {
	sf, ok := sp.files[xid]
	if !ok {
		return nil
	}
	delete(sp.files, xid)
	err := sf.f.Close()
	if rerr := os.Remove(sf.path); err == nil {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("pgcdc: drop spool %s: %w", sf.path, err)
	}
	return nil
}

func (sp *spool) close() {
	for xid := range sp.files {
		_ = sp.drop(xid)
	}
}

var errStreamShort = errors.New("stream message too short")

// handleStream handles the protocol 2 stream messages; it returns false
// for messages that are not part of streaming.
func (s *Source) handleStream(ctx context.Context, data []byte, lsn uint64) (bool, error) {
	if s.inStream {
		if data[0] == 'E' { // stream stop
			s.inStream = false
			s.patient.Store(false)
			return true, nil
		}
		// A message of the streamed transaction: Byte1 type, Int32 xid, body.
		if len(data) < 5 {
			return true, fmt.Errorf("pgcdc: streamed message %q at %s: %w", data[0], pglogrepl.LSN(lsn), errStreamShort)
		}
		sf, err := s.spool.file(s.streamXid)
		if err != nil {
			return true, err
		}
		return true, sf.add(binary.BigEndian.Uint32(data[1:5]), lsn, data[0], data[5:])
	}
	switch data[0] {
	case 'S': // stream start: Int32 xid, Int8 first segment
		if len(data) < 6 {
			return true, fmt.Errorf("pgcdc: stream start at %s: %w", pglogrepl.LSN(lsn), errStreamShort)
		}
		s.inStream, s.streamXid = true, binary.BigEndian.Uint32(data[1:5])
		s.patient.Store(true)
		return true, nil
	case 'A': // stream abort: Int32 xid, Int32 subxid
		if len(data) < 9 {
			return true, fmt.Errorf("pgcdc: stream abort at %s: %w", pglogrepl.LSN(lsn), errStreamShort)
		}
		xid, sub := binary.BigEndian.Uint32(data[1:5]), binary.BigEndian.Uint32(data[5:9])
		if xid == sub {
			s.log.Debug("streamed transaction aborted", "xid", xid)
			return true, s.spool.drop(xid)
		}
		if sf, ok := s.spool.files[xid]; ok {
			sf.aborted[sub] = true
		}
		return true, nil
	case 'c': // stream commit: Int32 xid, Int8 flags, Int64 commit LSN, Int64 end LSN, Int64 time
		if len(data) < 30 {
			return true, fmt.Errorf("pgcdc: stream commit at %s: %w", pglogrepl.LSN(lsn), errStreamShort)
		}
		xid := binary.BigEndian.Uint32(data[1:5])
		end := binary.BigEndian.Uint64(data[14:22])
		commit := pgEpoch.Add(time.Duration(int64(binary.BigEndian.Uint64(data[22:30]))) * time.Microsecond)
		return true, s.replayStream(ctx, xid, end, commit)
	}
	return false, nil
}

// pgEpoch is PostgreSQL's timestamp epoch.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// replayStream produces a committed streamed transaction from its spool.
func (s *Source) replayStream(ctx context.Context, xid uint32, end uint64, commit time.Time) error {
	sf, ok := s.spool.files[xid]
	s.cur = s.tracker.begin()
	s.curXid, s.curCommitUs = int64(xid), commit.UnixMicro()
	if ok {
		s.log.Info("streamed transaction committed", "xid", xid, "messages", sf.records, "spooled_bytes", sf.bytes)
		if err := sf.replay(func(msg []byte, lsn uint64) error { return s.handle(ctx, msg, lsn) }); err != nil {
			return err
		}
		if err := s.spool.drop(xid); err != nil {
			return err
		}
	}
	s.tracker.commit(s.cur, end)
	s.cur = nil
	s.lastCommit = commit
	s.metrics.txns.Inc()
	return nil
}
