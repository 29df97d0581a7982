package infer

import "fmt"

// Evolution is one change [Evolve] made to a field.
type Evolution struct {
	Field  string `json:"field"`
	From   Type   `json:"from"`
	To     Type   `json:"to"`
	Reason string `json:"reason"`
}

// Evolve merges the schema inferred from newer data into an accepted
// schema, following the widening rules: a field's type only widens (see
// [Widen]); a field becomes nullable when either side is, or when it is
// missing on one side; a field stays unique only when both sides say so
// (a value could repeat across the two, so this is optimistic and meant as a
// hint); fields seen for the first time are added as nullable. Every change
// of type is returned, and a widening to string because two types have no
// common type is called out in the reason, so that it is never silent.
func Evolve(prev, next Schema) (Schema, []Evolution) {
	out := Schema{Rows: prev.Rows + next.Rows, SkippedRows: prev.SkippedRows + next.SkippedRows}
	var changes []Evolution
	seen := map[string]bool{}
	for _, p := range prev.Fields {
		seen[p.Name] = true
		n, ok := next.Field(p.Name)
		f := p
		if !ok {
			f.Nullable = true
			f.Unique = false
			out.Fields = append(out.Fields, f)
			continue
		}
		if n.Count > 0 || p.Count == 0 {
			t, forced := Widen(p.Type, n.Type)
			if p.Count == 0 {
				t, forced = n.Type, false
			}
			if t != p.Type {
				reason := fmt.Sprintf("%s values arrived", n.Type)
				if forced {
					reason = fmt.Sprintf("%s and %s have no common type but string", p.Type, n.Type)
				}
				changes = append(changes, Evolution{Field: p.Name, From: p.Type, To: t, Reason: reason})
			}
			f.Type = t
		}
		f.Nullable = p.Nullable || n.Nullable
		f.Unique = p.Unique && n.Unique
		f.Count += n.Count
		f.Nulls += n.Nulls
		if f.Semantic != n.Semantic && n.Count > 0 {
			f.Semantic = ""
		}
		if f.Format != n.Format && n.Count > 0 && p.Count > 0 {
			f.Format = "mixed"
		}
		f.Widened = append(append([]Change(nil), p.Widened...), n.Widened...)
		out.Fields = append(out.Fields, f)
	}
	for _, n := range next.Fields {
		if !seen[n.Name] {
			f := n
			f.Nullable = true
			out.Fields = append(out.Fields, f)
			changes = append(changes, Evolution{Field: n.Name, From: Unknown, To: n.Type, Reason: "new field"})
		}
	}
	return out, changes
}
