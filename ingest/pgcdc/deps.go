package pgcdc

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/schemas"
)

// Producer is what the source needs of a Kafka client; *kgo.Client has it.
// Produce must call promise exactly once per record.
type Producer interface {
	Produce(ctx context.Context, r *kgo.Record, promise func(*kgo.Record, error))
	Flush(ctx context.Context) error
}

var _ Producer = (*kgo.Client)(nil)

// Topics makes sure a topic exists.
type Topics interface {
	Ensure(ctx context.Context, topic string, partitions int32, replicationFactor int16) error
}

// Store keeps the source's checkpoints: the acknowledged LSN, schema
// versions and snapshot status. Writes must be durable when they return.
type Store interface {
	Get(key string) ([]byte, error) // nil, nil when missing
	Put(key string, value []byte) error
	Delete(key string) error
}

// ValueFunc converts one text-format column value.
type ValueFunc func(text []byte) (schemas.Value, error)

// Types resolves a column's type (by OID and type modifier) to the model's
// type and a converter for its text-format values.
type Types interface {
	Column(ctx context.Context, oid uint32, typmod int32) (schemas.Type, ValueFunc, error)
}

// kadmTopics creates topics with kadm, remembering the ones it has seen.
type kadmTopics struct {
	adm  *kadm.Client
	mu   sync.Mutex
	seen map[string]bool
}

// NewTopics returns a [Topics] that creates missing topics through adm.
func NewTopics(adm *kadm.Client) Topics {
	return &kadmTopics{adm: adm, seen: make(map[string]bool)}
}

func (k *kadmTopics) Ensure(ctx context.Context, topic string, partitions int32, rf int16) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.seen[topic] {
		return nil
	}
	resp, err := k.adm.CreateTopic(ctx, partitions, rf, nil, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("create topic %s: %w", topic, err)
	}
	k.seen[topic] = true
	return nil
}

// tableInfo is what the catalog says of a table beyond pgoutput's relation
// message.
type tableInfo struct {
	primaryKey []string
	notNull    map[string]bool
}

// catalog reads table metadata on a regular (non-replication) connection.
type catalog struct {
	conn *pgx.Conn
}

func (c *catalog) table(ctx context.Context, relID uint32) (tableInfo, error) {
	info := tableInfo{notNull: map[string]bool{}}
	rows, err := c.conn.Query(ctx, `
		SELECT a.attname, a.attnotnull,
		       coalesce((SELECT u.ord FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(num, ord) WHERE u.num = a.attnum), 0)::int4 AS keypos
		FROM pg_attribute a
		LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
		WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
		ORDER BY keypos, a.attnum`, relID)
	if err != nil {
		return info, fmt.Errorf("read catalog of relation %d: %w", relID, err)
	}
	defer rows.Close()
	type keyCol struct {
		name string
		pos  int
	}
	var keys []keyCol
	for rows.Next() {
		var name string
		var notNull bool
		var pos int32
		if err := rows.Scan(&name, &notNull, &pos); err != nil {
			return info, fmt.Errorf("read catalog of relation %d: %w", relID, err)
		}
		info.notNull[name] = notNull
		if pos > 0 {
			keys = append(keys, keyCol{name, int(pos)})
		}
	}
	if err := rows.Err(); err != nil {
		return info, fmt.Errorf("read catalog of relation %d: %w", relID, err)
	}
	for _, k := range keys { // already in key order
		info.primaryKey = append(info.primaryKey, k.name)
	}
	return info, nil
}
