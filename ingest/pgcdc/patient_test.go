package pgcdc

import (
	"bytes"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// chunks hands out one chunk per Read.
type chunks [][]byte

func (c *chunks) Read(p []byte) (int, error) {
	n := copy(p, (*c)[0])
	*c = (*c)[1:]
	return n, nil
}

func TestPatientReader(t *testing.T) {
	t.Parallel()
	small, big := []byte("tiny"), bytes.Repeat([]byte{1}, patientShort)
	tests := []struct {
		name     string
		patient  bool
		first    []byte
		wantWait bool
	}{
		{"patient after a short read waits", true, small, true},
		{"patient after a full read does not wait", true, big, false},
		{"impatient never waits", false, small, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var flag atomic.Bool
			flag.Store(tt.patient)
			src := chunks{tt.first, small}
			var waits []time.Duration
			r := &patientReader{r: &src, patient: &flag, wait: func(d time.Duration) { waits = append(waits, d) }}
			buf := make([]byte, 2*patientShort)
			if n, _ := r.Read(buf); n != len(tt.first) {
				t.Fatalf("first read: %d bytes, want %d", n, len(tt.first))
			}
			if n, _ := r.Read(buf); n != len(small) {
				t.Fatalf("second read: %d bytes", n)
			}
			want := []time.Duration(nil)
			if tt.wantWait {
				want = []time.Duration{patientWait}
			}
			if !slices.Equal(waits, want) {
				t.Errorf("waits %v, want %v", waits, want)
			}
		})
	}
}
