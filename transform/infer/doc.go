// Package infer infers the schema of tabular data from a sample of its rows:
// for each column a type, a semantic kind, nullability, uniqueness
// (candidate keys), value ranges and formats; between tables, likely
// foreign keys. It works on files through [InferFile] and on any stream of
// rows (a table, a topic) through a [Profiler].
//
// # Types
//
// The vocabulary is integer, float, decimal, boolean, string, date,
// timestamp, uuid and json ([Type]). Every non-null value is classified by
// hand-written byte scanners (no regular expressions, no allocation):
//
//   - integer: optional sign, digits, optional thousands commas (1,234).
//     A leading zero (007, 02134) makes the value a string: reading it as a
//     number would lose the zeros.
//   - decimal: a fixed-point number (12.50, $12.50, 12.5%); float: an
//     exponent (1e6) or more than 18 significant digits. A number out of the
//     float64 range stays a string.
//   - boolean: the words true/false, t/f, yes/no, y/n, on/off in any case.
//     0 and 1 are integers (the format still lists the words seen).
//   - date: the layouts YYYY-MM-DD, YYYY/MM/DD, MM/DD/YYYY, DD/MM/YYYY,
//     MM-DD-YYYY, DD-MM-YYYY, DD.MM.YYYY, DD-Mon-YYYY (and "4 March 2021")
//     and Mon DD, YYYY, with real calendar checks (no 2021-02-30). A
//     column keeps the layouts every value fits; when day-first and
//     month-first both fit, month-first is reported.
//   - timestamp: a date, then 'T' or a blank, hh:mm[:ss[.fff]], optional
//     AM/PM and an optional zone (Z, ±hh:mm, UTC).
//   - uuid: 8-4-4-4-12 hex digits; json: an object or array that
//     encoding/json accepts (the one fallback that allocates).
//   - string: anything else.
//
// Empty fields and the null words of [IsNullWord] ("null", "N/A", "-",
// "Not Available", …) count as nulls.
//
// # Widening
//
// A column's type starts unknown and widens as values arrive, along a
// lattice: integer → decimal → float; date → timestamp; any type → string.
// Boolean, the numbers, the temporal types, uuid and json are unrelated:
// when two of them meet the column becomes string, and this is never
// silent. Every change is recorded in [Field.Widened] with the line and
// value that caused it, and a change to string between unrelated types says
// "no common type but string". [Field.Dominant] keeps the type most values
// fit, so "decimal with one stray word" stays visible. [Evolve] applies the
// same rules when a newer schema is merged into an accepted one.
//
// # Semantic kinds
//
// Kinds are found on the column's reservoir sample, each needing 80% of
// the sampled values (50% for kinds found through word lists):
//
//	email         local@domain.tld
//	phone         7-15 digits with separators or a leading "+", not a number
//	url           http://, https://, ftp:// or www.
//	ip            IPv4 or IPv6 (net/netip)
//	postal_code   ZIP+4, Canadian A1A 1A1, UK outward/inward codes; five
//	              digits only when the column name says zip/postal/postcode
//	country_code  ISO 3166-1 alpha-2 or alpha-3 codes
//	country_name  country names (ISO names and common short forms)
//	currency      ISO 4217 codes, or amounts written with "$"
//	latitude      decimals within ±90 with 3+ decimal places and a name hint
//	longitude     decimals within ±180 (beyond ±90, or with a name hint)
//	person_name   "Given Family" with a known given name, or given names
//	city          names from a list of large cities
//
// The word lists live in transform/internal/lexicon; ISO lists come from
// the Debian iso-codes package.
//
// # Sketches and cost
//
// Each column keeps fixed-size state: counts per type, min/max, a running
// mean and variance (Welford), a reservoir sample of 256 values, a
// coordinated bottom-k sample of 256 distinct values (hashed after case
// folding and cutting ".0" from decimals, so that the samples of two
// columns can be compared for overlap and inclusion), and an exact set of
// value hashes for distinct counts and candidate keys. The exact set stops
// at 32,768 values, or at 131,072 while no value has repeated; past that,
// counts are bottom-k estimates ([Field.DistinctExact] is false) and a
// column in which no value repeated while the set was exact is a key when
// the estimate reaches 80% of its values (three standard errors of the
// estimate). There are no
// per-row maps and no regular expressions on the hot path.
//
// # Foreign keys
//
// [ForeignKeys] looks for inclusion dependencies: a column of one table
// whose distinct values are found in a (near) candidate key of another, of
// the same type (integer, string or uuid). Containment c is estimated from
// the two bottom-k samples; the confidence is c·n/(n+3) for n compared
// values, ×0.9 when the referenced column is only near-unique, ×0.85 for a
// one-to-one pair, then raised by 30% of the remaining distance when the
// name points at the table (customer_id → customers) and ×0.8 when it does
// not. References under 0.5 are dropped.
//
// # Concurrency
//
// A [Profiler] is not safe for concurrent use. Profile partitions with one
// profiler each and merge their schemas with [Evolve].
package infer
