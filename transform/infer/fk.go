package infer

import (
	"slices"
	"strings"
)

// Table is a named schema, for [ForeignKeys].
type Table struct {
	Name   string
	Schema Schema
}

// ForeignKey is a likely reference from Table.Column to RefTable.RefColumn.
type ForeignKey struct {
	Table     string `json:"table"`
	Column    string `json:"column"`
	RefTable  string `json:"ref_table"`
	RefColumn string `json:"ref_column"`
	// Containment estimates the share of the column's distinct values found
	// in the referenced column (an inclusion dependency).
	Containment float64 `json:"containment"`
	// Confidence is in [0,1]; see the package documentation.
	Confidence float64 `json:"confidence"`
}

// ForeignKeys finds likely foreign keys between tables from inclusion
// dependencies: a column whose distinct values are (almost) all found in a
// candidate key of another table. Containment is estimated from the
// coordinated bottom-k samples of the two columns ([Field.Distincts]), so
// it costs O(k) per pair of columns whatever the table sizes. Only integer,
// string and UUID columns take part, and each column keeps its best
// reference. Results are sorted by decreasing confidence.
func ForeignKeys(tables []Table) []ForeignKey {
	var out []ForeignKey
	for _, a := range tables {
		for i := range a.Schema.Fields {
			fa := &a.Schema.Fields[i]
			if !keyType(fa.Type) || fa.Count == 0 {
				continue
			}
			var best ForeignKey
			for _, b := range tables {
				if b.Name == a.Name {
					continue
				}
				for j := range b.Schema.Fields {
					fb := &b.Schema.Fields[j]
					if fb.Type != fa.Type || !nearKey(fb) || fa.Distinct > fb.Distinct+fb.Distinct/20 {
						continue
					}
					c, n := includes(fa, fb)
					if n < 3 || c < 0.8 {
						continue
					}
					conf := c * (float64(n) / float64(n+3))
					if !fb.Unique {
						conf *= 0.9
					}
					if fa.Unique && fa.Distinct == fb.Distinct {
						conf *= 0.85 // one-to-one: as likely the same entity as a reference
					}
					if refName(fa.Name, b.Name, fb.Name) {
						conf = conf + 0.3*(1-conf)
					} else {
						conf *= 0.8
					}
					if conf > best.Confidence {
						best = ForeignKey{Table: a.Name, Column: fa.Name, RefTable: b.Name, RefColumn: fb.Name,
							Containment: round2(c), Confidence: round2(conf)}
					}
				}
			}
			if best.Confidence >= 0.5 {
				out = append(out, best)
			}
		}
	}
	slices.SortStableFunc(out, func(x, y ForeignKey) int {
		switch {
		case x.Confidence > y.Confidence:
			return -1
		case x.Confidence < y.Confidence:
			return 1
		}
		return 0
	})
	return out
}

func keyType(t Type) bool { return t == Integer || t == String || t == UUID }

// nearKey accepts candidate keys and columns that are almost unique (a
// sample that caught a duplicate or two).
func nearKey(f *Field) bool {
	return f.Unique || (f.Count > 0 && f.Distinct*100 >= f.Count*95)
}

// includes estimates the share of a's distinct values present in b from
// their coordinated samples, and on how many values the estimate rests.
func includes(a, b *Field) (float64, int) {
	in := make(map[uint64]bool, len(b.DistinctHashes))
	for _, h := range b.DistinctHashes {
		in[h] = true
	}
	n, hit := 0, 0
	for _, h := range a.DistinctHashes {
		if h > b.DistinctThreshold {
			continue
		}
		n++
		if in[h] {
			hit++
		}
	}
	if n == 0 {
		return 0, 0
	}
	return float64(hit) / float64(n), n
}

// refName reports whether a column's name points at a table or column:
// customer_id → customers.id, customer_id → customers.customer_id.
func refName(col, table, refCol string) bool {
	c := strings.ToLower(col)
	t := strings.TrimSuffix(strings.ToLower(table), "s")
	r := strings.ToLower(refCol)
	return c == r && r != "id" || strings.Contains(c, t)
}

func round2(x float64) float64 { return float64(int(x*100+0.5)) / 100 }
