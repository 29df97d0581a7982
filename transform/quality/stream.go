package quality

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Dimension is one quality dimension of a [StreamWindow].
type Dimension uint8

// The dimensions. Completeness, Validity, Consistency and Uniqueness are
// per field; Timeliness is per record (field "*"); Overall combines them.
const (
	Completeness Dimension = iota
	Validity
	Consistency
	Uniqueness
	Timeliness
	Overall
	numDimensions
)

// fieldDimensions are the dimensions counted per field.
const fieldDimensions = 4

var dimensionNames = [numDimensions]string{"completeness", "validity", "consistency", "uniqueness", "timeliness", "overall"}

// String returns the dimension's name, as in the etl_quality_score label.
func (d Dimension) String() string {
	if d < numDimensions {
		return dimensionNames[d]
	}
	return "invalid"
}

// ParseDimension is the inverse of [Dimension.String].
func ParseDimension(s string) (Dimension, bool) {
	for i, n := range dimensionNames {
		if n == s {
			return Dimension(i), true
		}
	}
	return 0, false
}

// Dimensions lists every dimension.
func Dimensions() []Dimension {
	return []Dimension{Completeness, Validity, Consistency, Uniqueness, Timeliness, Overall}
}

// Of returns the score's value in dimension d.
func (s Score) Of(d Dimension) float64 {
	switch d {
	case Completeness:
		return s.Completeness
	case Validity:
		return s.Validity
	case Consistency:
		return s.Consistency
	case Uniqueness:
		return s.Uniqueness
	case Timeliness:
		return s.Timeliness
	}
	return s.Overall
}

// Tally counts one field's cells in a window and the bad ones per
// dimension: a null where a value is required or unexpected lowers
// completeness (of all cells); a value of the wrong type or format, out of
// range or that a coercion could not convert lowers validity; one that
// breaks a declared rule (or, without rules, is an outlier) lowers
// consistency; a repeated unique key lowers uniqueness (all three of the
// non-null cells).
type Tally struct {
	Cells, Present uint64
	Bad            [fieldDimensions]uint64
}

func (t *Tally) add(o Tally) {
	t.Cells += o.Cells
	t.Present += o.Present
	for i := range t.Bad {
		t.Bad[i] += o.Bad[i]
	}
}

// Score returns the tally's scores (timeliness 1).
func (t Tally) Score() Score {
	s := Score{
		Completeness: ratio(t.Bad[Completeness], t.Cells),
		Validity:     ratio(t.Bad[Validity], t.Present),
		Consistency:  ratio(t.Bad[Consistency], t.Present),
		Uniqueness:   ratio(t.Bad[Uniqueness], t.Present),
		Timeliness:   1,
	}
	s.Overall = s.overall()
	return s
}

// StreamWindow is one tumbling window of a stream's records: per field
// tallies, and the records whose event time was known (Timed) and too old
// (Late). It is closed by its owner (by record count or processing time)
// and serializes for the stage's partition state.
type StreamWindow struct {
	// Seq numbers the windows of a partition from 1.
	Seq uint64
	// StartMicros is the processing time of the window's first record.
	StartMicros int64
	// Records counted; Timed of them had an event time; Late were older
	// than the maximum lag.
	Records, Timed, Late uint64
	// Fields and Tallies are aligned.
	Fields  []string
	Tallies []Tally
}

// Field returns the index of the named field's tally, adding it when new.
func (w *StreamWindow) Field(name string) int {
	for i, f := range w.Fields {
		if f == name {
			return i
		}
	}
	w.Fields = append(w.Fields, name)
	w.Tallies = append(w.Tallies, Tally{})
	return len(w.Fields) - 1
}

// Reset starts the next window, keeping the field list.
func (w *StreamWindow) Reset() {
	w.Seq++
	w.StartMicros, w.Records, w.Timed, w.Late = 0, 0, 0, 0
	clear(w.Tallies)
}

// Score returns the score of field i; Overall is that field's overall,
// with no timeliness.
func (w *StreamWindow) Score(i int) Score { return w.Tallies[i].Score() }

// Total returns the whole window's score: the tallies of every field
// summed, with the window's timeliness.
func (w *StreamWindow) Total() Score {
	var t Tally
	for _, f := range w.Tallies {
		t.add(f)
	}
	s := t.Score()
	s.Timeliness = ratio(w.Late, w.Timed)
	s.Overall = s.overall()
	return s
}

const windowVersion = 1

// MarshalBinary encodes the window.
func (w *StreamWindow) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 64+len(w.Fields)*48)
	b = binary.AppendUvarint(b, windowVersion)
	b = binary.AppendUvarint(b, w.Seq)
	b = binary.AppendVarint(b, w.StartMicros)
	b = binary.AppendUvarint(b, w.Records)
	b = binary.AppendUvarint(b, w.Timed)
	b = binary.AppendUvarint(b, w.Late)
	b = binary.AppendUvarint(b, uint64(len(w.Fields)))
	for i, f := range w.Fields {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
		t := &w.Tallies[i]
		b = binary.AppendUvarint(b, t.Cells)
		b = binary.AppendUvarint(b, t.Present)
		for _, v := range t.Bad {
			b = binary.AppendUvarint(b, v)
		}
	}
	return b, nil
}

// ErrWindowState is returned (wrapped) for a saved window that cannot be
// read.
var ErrWindowState = errors.New("quality: bad saved window")

// UnmarshalBinary restores what [StreamWindow.MarshalBinary] encoded.
func (w *StreamWindow) UnmarshalBinary(b []byte) error {
	var err error
	u := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			if err == nil {
				err = fmt.Errorf("%w: truncated", ErrWindowState)
			}
			b = nil
			return 0
		}
		b = b[n:]
		return v
	}
	if v := u(); v != windowVersion {
		return fmt.Errorf("%w: version %d, want %d", ErrWindowState, v, windowVersion)
	}
	var out StreamWindow
	out.Seq = u()
	start, n := binary.Varint(b)
	if n <= 0 {
		return fmt.Errorf("%w: truncated", ErrWindowState)
	}
	b = b[n:]
	out.StartMicros = start
	out.Records, out.Timed, out.Late = u(), u(), u()
	nf := u()
	if nf > uint64(len(b)) {
		return fmt.Errorf("%w: %d fields in %d bytes", ErrWindowState, nf, len(b))
	}
	for range nf {
		l := u()
		if l > uint64(len(b)) {
			return fmt.Errorf("%w: field name of %d bytes in %d", ErrWindowState, l, len(b))
		}
		out.Fields = append(out.Fields, string(b[:l]))
		b = b[l:]
		var t Tally
		t.Cells, t.Present = u(), u()
		for i := range t.Bad {
			t.Bad[i] = u()
		}
		out.Tallies = append(out.Tallies, t)
	}
	if err != nil {
		return err
	}
	if len(b) != 0 {
		return fmt.Errorf("%w: %d trailing bytes", ErrWindowState, len(b))
	}
	*w = out
	return nil
}

// Threshold is one quality promise of a stream: the score of Field ("*"
// for the whole record) in Dimension must stay at or above Min, or Action
// is taken. With Fail, the window that breaks it stops the stage; with
// Alert, it is logged and counted; with Quarantine, every record that is
// bad in that dimension (and field) goes to the dead-letter queue as it
// comes, and a window that still breaks it is logged as with Alert.
type Threshold struct {
	Field     string
	Dimension Dimension
	Min       float64
	Action    Action
}

// String returns the threshold in the form [ParseThreshold] reads.
func (t Threshold) String() string {
	return t.Field + " " + t.Dimension.String() + " " + strconv.FormatFloat(t.Min, 'g', -1, 64) + " " + string(t.Action)
}

// ParseThreshold reads "FIELD DIMENSION MIN ACTION", such as
// "* overall 0.95 fail" or "email validity 0.99 quarantine". Timeliness
// is per record: its field must be "*".
func ParseThreshold(s string) (Threshold, error) {
	w := strings.Fields(s)
	if len(w) != 4 {
		return Threshold{}, fmt.Errorf("threshold %q: want FIELD DIMENSION MIN ACTION, e.g. \"* overall 0.95 fail\"", s)
	}
	var t Threshold
	var errs []error
	t.Field = w[0]
	d, ok := ParseDimension(w[1])
	if !ok {
		errs = append(errs, fmt.Errorf("threshold %q: unknown dimension %q (%s)", s, w[1], strings.Join(dimensionNames[:], ", ")))
	}
	t.Dimension = d
	min, err := strconv.ParseFloat(w[2], 64)
	if err != nil || math.IsNaN(min) || min < 0 || min > 1 {
		errs = append(errs, fmt.Errorf("threshold %q: minimum %q: want a score from 0 to 1", s, w[2]))
	}
	t.Min = min
	t.Action = Action(w[3])
	switch t.Action {
	case Fail, Alert, Quarantine:
	default:
		errs = append(errs, fmt.Errorf("threshold %q: action %q: want fail, alert or quarantine", s, w[3]))
	}
	if ok && d == Timeliness && t.Field != "*" {
		errs = append(errs, fmt.Errorf("threshold %q: timeliness is per record: use field \"*\"", s))
	}
	if err := errors.Join(errs...); err != nil {
		return Threshold{}, err
	}
	return t, nil
}
