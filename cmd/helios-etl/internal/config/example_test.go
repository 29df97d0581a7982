package config

import (
	"bytes"
	"os"
	"reflect"
	"testing"
)

// The example in deploy/ is the one people read; the package embeds a copy.
const deployExample = "../../../../deploy/helios-etl.example.toml"

func TestExampleIsDeployed(t *testing.T) {
	t.Parallel()
	deployed, err := os.ReadFile(deployExample)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(deployed, Example()) {
		t.Fatalf("%s and the embedded example.toml differ: edit the one in deploy/, then run go generate ./cmd/helios-etl/internal/config", deployExample)
	}
}

// TestExampleIsDefaults keeps the example from drifting: it sets every key,
// to its default.
func TestExampleIsDefaults(t *testing.T) {
	t.Parallel()
	c, err := Parse("helios-etl.example.toml", Example(), nil)
	if err != nil {
		t.Fatalf("the example does not parse:\n%v", err)
	}
	equalConfig(t, c, defaults())

	var keys []string
	var collect func(reflect.Type, string)
	collect = func(typ reflect.Type, path string) {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			key := childPath(path, tomlName(f))
			if f.Type.Kind() == reflect.Struct && f.Type != durationType {
				collect(f.Type, key)
			} else {
				keys = append(keys, key)
			}
		}
	}
	collect(reflect.TypeFor[Config](), "")
	for _, key := range keys {
		if _, ok := c.src.pos[key]; !ok {
			t.Errorf("the example does not set %s: add it, with its default and what it does", key)
		}
	}
}

// TestExampleWithEnvironment checks that the variables of the example are
// read from the environment, and have defaults so
// that `config example > f; config check f` works anywhere.
func TestExampleWithEnvironment(t *testing.T) {
	t.Parallel()
	vars := env(map[string]string{"HELIOS_PG_DSN": "postgres://helios:secret@db/app"})
	c, err := Parse("helios-etl.example.toml", Example(), vars)
	if err != nil {
		t.Fatal(err)
	}
	if c.Source.Postgres.DSN != "postgres://helios:secret@db/app" {
		t.Errorf("dsn = %q, want it from HELIOS_PG_DSN", c.Source.Postgres.DSN)
	}
}
