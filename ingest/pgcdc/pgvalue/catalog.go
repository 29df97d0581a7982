package pgvalue

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
)

// Querier is the part of *pgx.Conn, *pgxpool.Pool and pgx.Tx that
// [NewCatalog] uses.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// PgCatalog is a [Catalog] that reads pg_type and pg_enum through a
// database connection and caches every answer, so each OID costs one query.
// It is safe for concurrent use; lookups are serialized, so a single
// *pgx.Conn may back it.
type PgCatalog struct {
	q  Querier
	mu struct {
		sync.Mutex
		types map[uint32]TypeInfo
	}
}

var _ Catalog = (*PgCatalog)(nil)

// NewCatalog returns a catalog that queries through q: a *pgx.Conn,
// *pgxpool.Pool or pgx.Tx on the source database. It must be a regular
// connection, not the replication one (replication connections take only
// simple-protocol queries).
func NewCatalog(q Querier) *PgCatalog {
	c := &PgCatalog{q: q}
	c.mu.types = make(map[uint32]TypeInfo)
	return c
}

const lookupTypeSQL = `SELECT t.typname::text, t.typtype::text, t.typcategory::text, t.typelem::int8,
       COALESCE(e.typdelim::text, ','), t.typbasetype::int8, t.typtypmod,
       COALESCE((SELECT array_agg(l.enumlabel::text ORDER BY l.enumsortorder)
                 FROM pg_catalog.pg_enum l WHERE l.enumtypid = t.oid), '{}')
FROM pg_catalog.pg_type t
LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem
WHERE t.oid = $1::int8::oid`

// LookupType returns the pg_type row of oid, from the cache or with one
// query. ctx bounds the query.
func (c *PgCatalog) LookupType(ctx context.Context, oid uint32) (TypeInfo, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ti, ok := c.mu.types[oid]; ok {
		return ti, nil
	}
	var (
		ti                  TypeInfo
		typtype, cat, delim string
		elem, base          int64
	)
	err := c.q.QueryRow(ctx, lookupTypeSQL, int64(oid)).Scan(
		&ti.Name, &typtype, &cat, &elem, &delim, &base, &ti.BaseTypmod, &ti.EnumLabels)
	if errors.Is(err, pgx.ErrNoRows) {
		return TypeInfo{}, fmt.Errorf("%w: no pg_type row for oid %d", ErrUnknownType, oid)
	}
	if err != nil {
		return TypeInfo{}, fmt.Errorf("query pg_type for oid %d: %w", oid, err)
	}
	ti.OID = oid
	ti.Kind = firstByte(typtype)
	ti.Category = firstByte(cat)
	ti.Delim = firstByte(delim)
	ti.Elem, ti.Base = uint32(elem), uint32(base)
	c.mu.types[oid] = ti
	return ti, nil
}

// Forget drops oid from the cache, so that the next lookup queries again:
// call it after a type changed (see [ErrStaleType]) and resolve the columns
// that use it again. Forgetting an OID that is not cached is a no-op.
func (c *PgCatalog) Forget(oid uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.mu.types, oid)
}

func firstByte(s string) byte {
	if s == "" {
		return 0
	}
	return s[0]
}

// Reset empties the cache.
func (c *PgCatalog) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.mu.types)
}
