package state

import (
	"bytes"
	"testing"
)

// fuzzID builds a StoreID from fuzz inputs.
func fuzzID(partition bool, a, b string, p int32) StoreID {
	if partition {
		return StoreID{IsPartition: true, Stage: a, Topic: b, Partition: p}
	}
	return StoreID{Namespace: a + b}
}

func TestPrefixEnd(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want []byte }{
		{[]byte{1, 2}, []byte{1, 3}},
		{[]byte{1, 0xff}, []byte{2}},
		{[]byte{0xff, 0xff}, nil},
		{nil, nil},
	}
	for _, tt := range tests {
		if got := prefixEnd(tt.in); !bytes.Equal(got, tt.want) {
			t.Errorf("prefixEnd(%x) = %x, want %x", tt.in, got, tt.want)
		}
	}
}

// FuzzKey checks that keys round-trip through EncodeKey/DecodeKey, that
// two different stores never share a key or contain each other's keys in
// their prefix ranges, and that DecodeKey never panics.
func FuzzKey(f *testing.F) {
	f.Add(false, "a", "bc", int32(0), []byte("k"), true, "ab", "c", int32(0), []byte("k"))
	f.Add(true, "a", "bc", int32(1), []byte(""), true, "ab", "c", int32(256), []byte("\x00"))
	f.Add(false, "", "", int32(0), []byte("\x01\x01a\x00"), false, "a", "", int32(0), []byte(""))
	f.Add(true, "s", "t\x00\x00\x00\x01", int32(-1), []byte("x"), true, "s", "t", int32(1), []byte("\x00\x00\x00\x01x"))
	f.Add(false, "", "", int32(0), []byte("\x01\x80\x00\x00"), false, "", "", int32(0), []byte(""))
	f.Fuzz(func(t *testing.T, p1 bool, a1, b1 string, n1 int32, k1 []byte, p2 bool, a2, b2 string, n2 int32, k2 []byte) {
		id1, id2 := fuzzID(p1, a1, b1, n1), fuzzID(p2, a2, b2, n2)
		e1, e2 := EncodeKey(id1, k1), EncodeKey(id2, k2)

		for _, c := range []struct {
			id  StoreID
			k   []byte
			enc []byte
		}{{id1, k1, e1}, {id2, k2, e2}} {
			gotID, gotK, err := DecodeKey(c.enc)
			if err != nil {
				t.Fatalf("DecodeKey(EncodeKey(%v, %x)) = %v", c.id, c.k, err)
			}
			if gotID != c.id || !bytes.Equal(gotK, c.k) {
				t.Fatalf("round trip of %v %x gave %v %x", c.id, c.k, gotID, gotK)
			}
		}

		if id1 != id2 {
			if bytes.Equal(e1, e2) {
				t.Fatalf("stores %v and %v share key %x", id1, id2, e1)
			}
			// Neither store's data range holds the other's keys: a Scan
			// or Drop of one never touches the other.
			p1, p2 := storePrefix(id1), storePrefix(id2)
			if bytes.HasPrefix(e2, p1) || bytes.HasPrefix(e1, p2) {
				t.Fatalf("store prefixes overlap: %v %x and %v %x", id1, p1, id2, p2)
			}
		} else if bytes.Equal(e1, e2) != bytes.Equal(k1, k2) {
			t.Fatalf("same store %v: keys %x and %x encode to %x and %x", id1, k1, k2, e1, e2)
		}

		// Arbitrary bytes never make DecodeKey panic, and whatever
		// decodes re-encodes to the same bytes.
		raw := append(append([]byte(nil), k1...), k2...)
		if id, k, err := DecodeKey(raw); err == nil {
			if again := EncodeKey(id, k); !bytes.Equal(again, raw) {
				t.Fatalf("DecodeKey(%x) = %v %x, which encodes to %x", raw, id, k, again)
			}
		}
	})
}
