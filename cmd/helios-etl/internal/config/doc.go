// Package config loads, checks and prints the helios-etl configuration file:
// one TOML file with a table per concern ([server], [source.postgres],
// [kafka], [schema_registry], [state], [etl], [quality], [monitoring],
// [security]).
//
// [Load] and [Parse] return a [Config] with every default filled in, or an
// error that lists every problem found, each one an [*Error] with the file,
// line, column and dotted key (such as kafka.brokers), a message and, when
// there is one, a hint:
//
//	etl-config.toml:12:3: kafka.compresion: unknown key (did you mean "compression"?)
//	etl-config.toml:14:1: kafka.brokers: expected a list of strings like ["host:9092"], got integer
//
// The commented file deploy/helios-etl.example.toml documents every key and
// its default; `helios-etl config example` prints it and `helios-etl config
// check FILE` runs [Load] and prints either the problems or the effective
// configuration with secrets redacted.
//
// # Checks
//
// A file is checked in three passes, and each pass reports all the problems it
// finds at once:
//
//  1. TOML syntax. A syntax error stops the other passes, since the rest of
//     the document cannot be trusted; it is the only problem reported.
//  2. Keys and types: unknown keys and tables (with a "did you mean" hint),
//     values of the wrong type (expected and got), durations that do not
//     parse, and ${VAR} references to variables that are not set.
//  3. Values: ranges, enumerations (the hint lists the allowed values),
//     addresses, names and the rules that tie keys together. This is
//     [Config.Validate]; each section's Validate reports keys relative to its
//     table.
//
// Keys that only some commands need (kafka.brokers, source.postgres.dsn, …)
// are empty by default and not required by the file checks: a command asks
// for them with [Config.Require] before it starts.
//
// # Environment variables
//
// String values (and only values: not keys, not comments) may refer to
// environment variables:
//
//	${NAME}          the value of NAME; an error if NAME is not set
//	${NAME:-default} the value of NAME, or default if NAME is unset or empty
//	$$               a literal $
//
// A $ followed by anything else is kept as is. The expansion applies to the
// decoded string, so a variable's value never needs TOML quoting and cannot
// change the structure of the file. Values are not expanded recursively.
//
// # Durations
//
// Durations are strings in Go's syntax: "250ms", "30s", "5m", "1h30m". See
// [Duration].
//
// # Secrets
//
// [Config.Redacted] returns a copy with passwords, the JWT secret and the
// passwords inside DSNs and URLs replaced by "******"; print or log that copy,
// never the original.
package config
