package match_test

import (
	"context"
	"fmt"

	"github.com/heliosdb/helios-etl/transform/infer"
	"github.com/heliosdb/helios-etl/transform/match"
)

func profile(header []string, rows ...[]string) []infer.Field {
	p := infer.NewProfiler(header, infer.Config{})
	for i, r := range rows {
		p.Observe(r, nil, i+2, nil)
	}
	return p.Schema().Fields
}

func Example() {
	src := profile([]string{"cust_id", "signup_dt", "amt_cents"},
		[]string{"17", "03/04/2021", "1999"},
		[]string{"18", "12/25/2020", "250"},
		[]string{"19", "01/02/2022", "10000"})
	// a target described by its header only
	tgt := profile([]string{"customer_id", "signup_date", "amount", "notes"})

	m, err := match.New(match.Config{}, nil)
	if err != nil {
		panic(err)
	}
	res, err := m.Match(context.Background(), src, tgt)
	if err != nil {
		panic(err)
	}
	for _, mp := range res.Mappings {
		fmt.Printf("%s -> %s (%s)\n", mp.Source, mp.Target, mp.Conversion)
	}
	fmt.Println("unmapped target:", res.UnmappedTarget)
	// Output:
	// cust_id -> customer_id (-)
	// signup_dt -> signup_date (MM/DD/YYYY -> YYYY-MM-DD)
	// amt_cents -> amount (cents -> decimal)
	// unmapped target: [notes]
}
