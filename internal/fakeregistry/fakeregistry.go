// Package fakeregistry is an in-memory Confluent-compatible schema registry
// for tests: franz-go's srfake with a real (if small) BACKWARD
// compatibility check of Avro records. No real registry runs on the
// development machines (Karapace is not on PyPI, Apicurio needs a Quarkus
// distribution), so the tests of the Avro sink use this one.
package fakeregistry

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// New returns franz-go's in-memory Confluent REST registry (srfake) with
// the one endpoint srfake stubs, POST /compatibility/subjects/{s}/versions/{v},
// answered as Confluent documents it: 404 with error code 40401 for an
// unknown subject, and a BACKWARD check of Avro records against the latest
// version (a field added without a default, or a field whose type changed,
// breaks readers of old data). Close it when done.
func New() *srfake.Registry {
	reg := srfake.New()
	reg.Intercept(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/compatibility/subjects/") {
			return false
		}
		subject := strings.TrimPrefix(r.URL.Path, "/compatibility/subjects/")
		subject = subject[:strings.Index(subject, "/versions")]
		var latest sr.SubjectSchema
		ok := false
		for v := 1; ; v++ {
			s, found := reg.GetSchema(subject, v)
			if !found {
				break
			}
			latest, ok = s, true
		}
		if !ok {
			w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = fmt.Fprintf(w, `{"error_code":40401,"message":"Subject '%s' not found."}`, subject)
			return true
		}
		body, _ := io.ReadAll(r.Body)
		var req sr.Schema
		_ = json.Unmarshal(body, &req)
		msgs := backwardProblems(latest.Schema.Schema, req.Schema)
		_ = json.NewEncoder(w).Encode(map[string]any{"is_compatible": len(msgs) == 0, "messages": msgs})
		return true
	})
	return reg
}

type avroRecord struct {
	Fields []struct {
		Name    string          `json:"name"`
		Type    json.RawMessage `json:"type"`
		Default json.RawMessage `json:"default"`
	} `json:"fields"`
}

func backwardProblems(old, new string) []string {
	var o, n avroRecord
	if err := json.Unmarshal([]byte(old), &o); err != nil {
		return []string{"old schema: " + err.Error()}
	}
	if err := json.Unmarshal([]byte(new), &n); err != nil {
		return []string{"new schema: " + err.Error()}
	}
	var msgs []string
	for _, nf := range n.Fields {
		found := false
		for _, of := range o.Fields {
			if of.Name != nf.Name {
				continue
			}
			found = true
			var ot, nt any
			_ = json.Unmarshal(of.Type, &ot)
			_ = json.Unmarshal(nf.Type, &nt)
			if !reflect.DeepEqual(ot, nt) {
				msgs = append(msgs, fmt.Sprintf("{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/%s/type') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: %s not compatible with writer type: %s'}", nf.Name, nf.Type, of.Type))
			}
		}
		if !found && nf.Default == nil {
			msgs = append(msgs, fmt.Sprintf("{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field '%s' at path '/fields/%s' in the new schema has no default value and is missing in the old schema'}", nf.Name, nf.Name))
		}
	}
	return msgs
}
