package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const debeziumPostgres = "io.debezium.connector.postgresql.PostgresConnector"

// connectCall makes one request to the Kafka Connect REST API and decodes the
// JSON answer into out. It fails t on a transport error or a non-2xx status.
func connectCall(ctx context.Context, t testing.TB, method, u string, body, out any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatalf("encode %s %s body: %v", method, u, err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, r)
	if err != nil {
		t.Fatalf("new request %s %s: %v", method, u, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, u, err)
	}
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %s: %s", method, u, resp.Status, raw)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("%s %s: decode %q: %v", method, u, raw, err)
	}
}

// TestConnectDebeziumPostgres checks that the Kafka Connect worker has the
// Debezium PostgreSQL connector and that the connector accepts a configuration
// pointing at the PostgreSQL under test; validating makes Debezium connect to
// the database, but it creates no slot, publication or topic.
func TestConnectDebeziumPostgres(t *testing.T) {
	t.Parallel()
	base := connectURL(t)
	dsn := pgDSN(t)
	ctx := testContext(t, 60*time.Second)

	var plugins []struct {
		Class, Type, Version string
	}
	connectCall(ctx, t, http.MethodGet, base+"/connector-plugins", nil, &plugins)
	found := false
	for _, p := range plugins {
		if p.Class == debeziumPostgres {
			found = true
			t.Logf("%s %s (%s)", p.Class, p.Version, p.Type)
		}
	}
	if !found {
		t.Fatalf("%s/connector-plugins lists %+v, without %s", base, plugins, debeziumPostgres)
	}

	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", envPGDSN, err)
	}
	pass, _ := u.User.Password()
	cfg := map[string]string{
		"connector.class":             debeziumPostgres,
		"name":                        uniqueName("helios_it_validate"),
		"tasks.max":                   "1",
		"database.hostname":           u.Hostname(),
		"database.port":               u.Port(),
		"database.user":               u.User.Username(),
		"database.password":           pass,
		"database.dbname":             strings.TrimPrefix(u.Path, "/"),
		"topic.prefix":                "helios_it",
		"plugin.name":                 "pgoutput",
		"publication.autocreate.mode": "disabled",
	}
	var res struct {
		ErrorCount int `json:"error_count"`
		Configs    []struct {
			Value struct {
				Name   string   `json:"name"`
				Errors []string `json:"errors"`
			} `json:"value"`
		} `json:"configs"`
	}
	connectCall(ctx, t, http.MethodPut, base+"/connector-plugins/PostgresConnector/config/validate", cfg, &res)
	if res.ErrorCount != 0 {
		var errs []string
		for _, c := range res.Configs {
			for _, e := range c.Value.Errors {
				errs = append(errs, fmt.Sprintf("%s: %s", c.Value.Name, e))
			}
		}
		t.Fatalf("Debezium rejects a configuration for %s: %d errors: %s", u.Redacted(), res.ErrorCount, strings.Join(errs, "; "))
	}
}
