package pgvalue_test

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/heliosdb/helios-etl/ingest/pgcdc/pgvalue"
)

func Example() {
	ctx := context.Background()
	// Built-in types need no catalog; pass a *pgvalue.PgCatalog for
	// enums, domains and other user types.
	dec, err := pgvalue.NewDecoder(ctx, pgtype.TimestamptzArrayOID, -1, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(dec.Type())
	v, err := dec.DecodeColumn(pgvalue.TupleText, []byte(`{"2024-01-02 03:04:05.5+00",NULL,infinity}`))
	fmt.Println(v, err)

	num, _ := pgvalue.NewDecoder(ctx, pgtype.Int4OID, -1, nil)
	_, err = num.Decode([]byte("12x"))
	fmt.Println(err)
	// Output:
	// array<timestamptz>
	// [2024-01-02T03:04:05.500Z,NULL,infinity] <nil>
	// decode int4 value "12x": pgvalue: invalid syntax
}
