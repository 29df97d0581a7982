package config

import (
	"bytes"
	_ "embed"
)

//go:generate cp ../../../../deploy/helios-etl.example.toml example.toml

//go:embed example.toml
var example []byte

// Example returns the commented example configuration: every key with its
// default value and what it does. It is a copy of
// deploy/helios-etl.example.toml, which is the file to edit; go generate
// refreshes the copy and a test fails when they differ.
func Example() []byte {
	return bytes.Clone(example)
}
