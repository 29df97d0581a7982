package state

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Key-space tags: the first byte of every key in the database. See the
// "Key layout" section of the package documentation.
const (
	tagNamespace byte = 0x01
	tagPartition byte = 0x02
)

// Sub-space bytes that follow a store prefix: user data and the store's own
// metadata (such as the changelog marker) never share a key.
const (
	subData byte = 0x00
	subMeta byte = 0x01
)

// metaChangelogOffset is the metadata key under which a store records the
// last changelog offset its contents reflect.
const metaChangelogOffset = "changelog-offset"

// errBadKey is returned when a key cannot be decoded.
var errBadKey = errors.New("state: malformed key")

// StoreID names a [Store]: either a namespace (Namespace set, Stage and Topic
// empty, Partition 0) or a stage partition. It is what [DecodeKey] returns.
type StoreID struct {
	// IsPartition reports whether the store is a stage partition rather
	// than a namespace.
	IsPartition bool
	// Namespace is the namespace name, for namespace stores.
	Namespace string
	// Stage, Topic and Partition identify a partition store.
	Stage     string
	Topic     string
	Partition int32
}

// String returns "ns/<name>" or "partition/<stage>/<topic>/<partition>".
func (id StoreID) String() string {
	if id.IsPartition {
		return fmt.Sprintf("partition/%s/%s/%d", id.Stage, id.Topic, id.Partition)
	}
	return "ns/" + id.Namespace
}

// appendComponent appends a uvarint length followed by the bytes of c. A
// uvarint is self-delimiting, so the encoding of one component is never a
// proper prefix of the encoding of another.
func appendComponent(dst []byte, c string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(c)))
	return append(dst, c...)
}

// readComponent decodes one component written by appendComponent and
// returns it with the rest of b.
func readComponent(b []byte) (string, []byte, error) {
	n, w := binary.Uvarint(b)
	if w <= 0 || (w > 1 && b[w-1] == 0) { // no padded, non-minimal lengths
		return "", nil, errBadKey
	}
	b = b[w:]
	if n > uint64(len(b)) {
		return "", nil, errBadKey
	}
	return string(b[:n]), b[n:], nil
}

// storePrefix returns the prefix that every key of the store id starts
// with, up to (not including) the sub-space byte.
func storePrefix(id StoreID) []byte {
	if id.IsPartition {
		p := make([]byte, 0, 1+2+len(id.Stage)+2+len(id.Topic)+4)
		p = append(p, tagPartition)
		p = appendComponent(p, id.Stage)
		p = appendComponent(p, id.Topic)
		return binary.BigEndian.AppendUint32(p, uint32(id.Partition))
	}
	p := make([]byte, 0, 1+2+len(id.Namespace))
	p = append(p, tagNamespace)
	return appendComponent(p, id.Namespace)
}

// EncodeKey returns the database key of the user key k in the store id. It
// is exported for tools and tests; [Store] methods take user keys.
func EncodeKey(id StoreID, k []byte) []byte {
	p := storePrefix(id)
	out := make([]byte, 0, len(p)+1+len(k))
	out = append(out, p...)
	out = append(out, subData)
	return append(out, k...)
}

// DecodeKey splits a database key of user data into its store and user
// key. The returned user key aliases key. Metadata keys and malformed keys
// return an error.
func DecodeKey(key []byte) (StoreID, []byte, error) {
	id, sub, rest, err := decodeKey(key)
	if err != nil {
		return StoreID{}, nil, err
	}
	if sub != subData {
		return StoreID{}, nil, fmt.Errorf("state: key %x is store metadata, not data", key)
	}
	return id, rest, nil
}

// decodeKey splits a database key into store, sub-space byte and the rest.
func decodeKey(key []byte) (id StoreID, sub byte, rest []byte, err error) {
	if len(key) == 0 {
		return StoreID{}, 0, nil, errBadKey
	}
	b := key[1:]
	switch key[0] {
	case tagNamespace:
		if id.Namespace, b, err = readComponent(b); err != nil {
			return StoreID{}, 0, nil, err
		}
	case tagPartition:
		id.IsPartition = true
		if id.Stage, b, err = readComponent(b); err != nil {
			return StoreID{}, 0, nil, err
		}
		if id.Topic, b, err = readComponent(b); err != nil {
			return StoreID{}, 0, nil, err
		}
		if len(b) < 4 {
			return StoreID{}, 0, nil, errBadKey
		}
		id.Partition = int32(binary.BigEndian.Uint32(b))
		b = b[4:]
	default:
		return StoreID{}, 0, nil, errBadKey
	}
	if len(b) == 0 || (b[0] != subData && b[0] != subMeta) {
		return StoreID{}, 0, nil, errBadKey
	}
	return id, b[0], b[1:], nil
}

// prefixEnd returns the smallest key greater than every key that starts
// with p, or nil if there is none (p is all 0xff).
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}
