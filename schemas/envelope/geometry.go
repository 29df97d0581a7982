package envelope

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/heliosdb/helios-etl/schemas"
)

// ewkbSRID is the flag of PostGIS's extended WKB that says a 4-byte SRID
// follows the geometry type.
const ewkbSRID = 0x20000000

// decodeGeometry reads Debezium's io.debezium.data.geometry.{Geometry,
// Geography,Point} struct {wkb, srid} (Point adds x and y) into one bytes
// value: the WKB, made extended WKB (EWKB, as PostGIS writes it) when the
// struct has an SRID, so that nothing is lost.
func decodeGeometry(s *scanner) (schemas.Value, error) {
	var wkb []byte
	var srid, x, y float64
	haveSRID, haveX, haveY := false, false, false
	err := s.object(func(key []byte) error {
		if s.literal("null") {
			return nil
		}
		var err error
		switch string(key) {
		case "wkb":
			var b []byte
			if b, err = s.rawString(); err == nil {
				if wkb, err = base64.StdEncoding.AppendDecode(nil, b); err != nil {
					err = fmt.Errorf("bad base64 wkb: %w", err)
				}
			}
		case "srid":
			var n int64
			n, err = s.int()
			if err == nil && (n < math.MinInt32 || n > math.MaxInt32) {
				err = fmt.Errorf("srid %d out of range", n)
			}
			srid, haveSRID = float64(n), true
		case "x":
			x, err = s.float(64)
			haveX = true
		case "y":
			y, err = s.float(64)
			haveY = true
		default:
			err = s.skip()
		}
		return err
	})
	if err != nil {
		return schemas.Value{}, err
	}
	if wkb == nil && (!haveX || !haveY) {
		return schemas.Value{}, errors.New("geometry without wkb")
	}
	out, err := GeometryEWKB(wkb, x, y, int32(srid), haveSRID)
	if err != nil {
		return schemas.Value{}, err
	}
	return schemas.Bytes(out), nil
}

// GeometryEWKB returns the bytes a Debezium geometry struct decodes to:
// wkb (or, when wkb is nil, the WKB of the point x, y), made extended WKB
// carrying srid when haveSRID. Other decoders of Debezium's geometry (Avro)
// use it so that both agree.
func GeometryEWKB(wkb []byte, x, y float64, srid int32, haveSRID bool) ([]byte, error) {
	if wkb == nil {
		wkb = pointWKB(x, y)
	}
	if !haveSRID {
		return wkb, nil
	}
	return withSRID(wkb, srid)
}

// pointWKB is the little-endian WKB of a 2D point.
func pointWKB(x, y float64) []byte {
	b := make([]byte, 21)
	b[0] = 1
	binary.LittleEndian.PutUint32(b[1:], 1)
	binary.LittleEndian.PutUint64(b[5:], math.Float64bits(x))
	binary.LittleEndian.PutUint64(b[13:], math.Float64bits(y))
	return b
}

// withSRID turns WKB into EWKB carrying srid; EWKB that already has an SRID
// is returned as it is.
func withSRID(wkb []byte, srid int32) ([]byte, error) {
	if len(wkb) < 5 {
		return nil, fmt.Errorf("wkb of %d bytes is too short", len(wkb))
	}
	var order binary.ByteOrder
	switch wkb[0] {
	case 0:
		order = binary.BigEndian
	case 1:
		order = binary.LittleEndian
	default:
		return nil, fmt.Errorf("wkb byte order %d, want 0 or 1", wkb[0])
	}
	typ := order.Uint32(wkb[1:5])
	if typ&ewkbSRID != 0 {
		return wkb, nil
	}
	out := make([]byte, 9, len(wkb)+4)
	out[0] = wkb[0]
	order.PutUint32(out[1:5], typ|ewkbSRID)
	order.PutUint32(out[5:9], uint32(srid))
	return append(out, wkb[5:]...), nil
}
