package kafkasink

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"strconv"

	"github.com/heliosdb/helios-etl/schemas"
)

// appendFlat appends ev as one flat JSON object: the row's columns (the
// after image; the before image for a delete) and the metadata fields
// __op, __deleted, __lsn, __source_ts_us and __unchanged. Values: numbers as
// JSON numbers (NaN and ±Infinity as strings), decimals as exact strings,
// bytes as base64, JSON columns embedded, temporal values and UUIDs in
// their ISO text, arrays as arrays.
func appendFlat(dst []byte, ev *schemas.Event) []byte {
	row := ev.After
	if ev.Op == schemas.OpDelete || row == nil {
		row = ev.Before
	}
	dst = append(dst, '{')
	var unchanged []string
	for i, f := range ev.Schema.Fields {
		dst = appendJSONString(dst, f.Name)
		dst = append(dst, ':')
		var v schemas.Value
		if i < len(row) {
			v = row[i]
		}
		if v.IsUnchanged() {
			unchanged = append(unchanged, f.Name)
		}
		dst = appendFlatValue(dst, v)
		dst = append(dst, ',')
	}
	dst = append(dst, `"__op":"`...)
	dst = append(dst, ev.Op.Code()...)
	dst = append(dst, `","__deleted":`...)
	dst = strconv.AppendBool(dst, ev.Op == schemas.OpDelete)
	dst = append(dst, `,"__lsn":`...)
	dst = strconv.AppendUint(dst, ev.Source.LSN, 10)
	dst = append(dst, `,"__source_ts_us":`...)
	dst = strconv.AppendInt(dst, ev.Source.CommitMicros, 10)
	dst = append(dst, `,"__unchanged":[`...)
	for i, u := range unchanged {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, u)
	}
	return append(dst, "]}"...)
}

func appendFlatValue(dst []byte, v schemas.Value) []byte {
	if v.IsNull() || v.IsUnchanged() {
		return append(dst, "null"...)
	}
	switch v.Kind() {
	case schemas.KindBool:
		return strconv.AppendBool(dst, v.Bool())
	case schemas.KindInt16, schemas.KindInt32, schemas.KindInt64:
		return strconv.AppendInt(dst, v.Int(), 10)
	case schemas.KindFloat32, schemas.KindFloat64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return appendJSONString(dst, v.String())
		}
		bits := 64
		if v.Kind() == schemas.KindFloat32 {
			bits = 32
		}
		return strconv.AppendFloat(dst, f, 'g', -1, bits)
	case schemas.KindJSON:
		if json.Valid([]byte(v.Str())) {
			return append(dst, v.Str()...)
		}
		return appendJSONString(dst, v.Str())
	case schemas.KindBytes:
		return appendJSONString(dst, base64.StdEncoding.EncodeToString([]byte(v.Str())))
	case schemas.KindArray:
		dst = append(dst, '[')
		for i, e := range v.Elems() {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendFlatValue(dst, e)
		}
		return append(dst, ']')
	}
	return appendJSONString(dst, v.String())
}

func appendJSONString(dst []byte, s string) []byte {
	b, _ := json.Marshal(s)
	return append(dst, b...)
}
