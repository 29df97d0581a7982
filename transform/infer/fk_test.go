package infer

import (
	"fmt"
	"testing"
)

func TestForeignKeys(t *testing.T) {
	t.Parallel()
	customers := NewProfiler([]string{"id", "name", "country"}, Config{})
	for i := range 500 {
		customers.Observe([]string{fmt.Sprint(1000 + i), fmt.Sprintf("name %d", i), []string{"US", "FR"}[i%2]}, nil, i+2, nil)
	}
	orders := NewProfiler([]string{"order_id", "customer_id", "qty"}, Config{})
	for i := range 3000 {
		orders.Observe([]string{fmt.Sprint(50000 + i), fmt.Sprint(1000 + (i*7)%400), fmt.Sprint(1 + i%5)}, nil, i+2, nil)
	}
	fks := ForeignKeys([]Table{{"customers", customers.Schema()}, {"orders", orders.Schema()}})
	if len(fks) != 1 {
		t.Fatalf("foreign keys %+v, want one", fks)
	}
	fk := fks[0]
	if fk.Table != "orders" || fk.Column != "customer_id" || fk.RefTable != "customers" || fk.RefColumn != "id" {
		t.Errorf("got %+v", fk)
	}
	if fk.Confidence < 0.9 || fk.Containment != 1 {
		t.Errorf("confidence %v containment %v", fk.Confidence, fk.Containment)
	}
}
