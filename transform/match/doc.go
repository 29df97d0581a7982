// Package match proposes a one-to-one mapping from the columns of a source
// schema to those of a target schema, each pair with a confidence in [0,1]
// and the conversion its values need. It works on schemas inferred by
// [infer]; the target may come from a header without rows.
//
// # Evidence
//
// For every source × target pair the matcher measures:
//
//   - Name: names are split at underscores, camelCase humps and
//     digits, lower-cased, phrases folded into one word ("date of birth",
//     "in stock", also when written with abbreviations: chk in), compounds
//     written as one word split into two words of the lexicon
//     (districtcode: district, code), stripped of noise words (tbl, src,
//     new, is, a trailing x/y left by joins), singularised, and
//     abbreviations are expanded (qty → quantity, addr → address, dt →
//     date, nbr/num/no → number, boro/brgh → borough). An unknown word that
//     is a prefix or the consonant skeleton of exactly one meaning of the
//     lexicon takes that word's synonyms (typ → type ≈ category, chkout →
//     checkout ≈ borrow); an ambiguous one (ret: return, retailer,
//     retired) does not. Two words score 1 when equal, 0.92 when they
//     share a root (a small suffix stripper: renewals, renewed, renewal),
//     0.9 when they are synonyms (share a group of the lexicon: customer ≈
//     client, cost ≈ price, churned ≈ cancelled, patron ≈ borrower; 0.8
//     through an abbreviation read from the lexicon), 0.85 when one is a
//     prefix of the other (dist, district), 0.7 when one is two letters
//     found in order in the other (pu, pickup) or a longer consonant
//     skeleton (brgh, borough), not letters scattered over a long word
//     (tip, timestamp); these abbreviation rules are tried on the word as
//     written as well as on its expansion (ref: reference, or referral).
//     Otherwise a damped Jaro-Winkler above 0.88 catches typos of words
//     the lexicon does not know (borrower and borrowed are two words, not
//     a typo). A word may be in several groups (state: province or
//     status), and synonymy is not transitive. The name score is the
//     mean, over the words of both names, of each word's best match,
//     weighted by rarity within its schema (1/(1+½·ln df)); unit words
//     (kg, cents, pct) count 0.3, and representation terms (ISO/IEC 11179:
//     id, code, number, date, on, at, amount, value, count, name, flag...),
//     which say what kind of data rather than what it is about, count 0.5.
//     A representation term matches 0.6 a word of the other name that
//     implies it (amt: fine, price; dt: shipped), and two names whose
//     representation terms contradict (customer_id, customer_name;
//     order_date, order_total; a name without such a term takes those its
//     words imply: price, price_date) are multiplied by 0.7. Money
//     (amount, value, total) and counts and measures (count, quantity)
//     are different families. Names equal once
//     reduced to letters and digits score 1, other full matches 0.95;
//     names that differ by a negation prefix (regulation, nonregulation)
//     score 0. The lexicon (internal/vocab, words.go) is general business
//     vocabulary of CRM, ERP, HR, finance, banking, lending, logistics,
//     retail, travel, hospitality, education, property, manufacturing,
//     healthcare, IoT and SaaS schemas, nothing dataset-specific.
//   - Overlap: the share of distinct values found on the other side,
//     from the coordinated bottom-k samples (exact when a column has at most
//     256 distinct values), and after writing values in a canonical form
//     (ISO dates, ISO country codes, phone digits, true/false, plain numbers
//     also from amounts with a currency sign, identifiers in lower case
//     without separators: "FR12 4957 …" and "fr124957…", "CS 101" and
//     "CS101"; cents divided by 100; the first or last words of
//     several-word values against single-word values), plus the overlap of
//     the words and numbers inside values ("District 14" vs 14), halved
//     for free text. Codes against the words they abbreviate (KNG and King,
//     DBL and Double, M and Male): the share of at most 64 distinct short
//     codes that are a prefix or consonant skeleton of exactly one word of
//     the other column, no word used twice, times n/(n+1).
//     Integers that are all Unix seconds or milliseconds between 2000 and
//     2050, or YYYYMMDD dates, are compared with date and timestamp
//     columns as the instants they are (type, range of days, shared
//     dates), unless their name says identifier (account_no).
//   - Distribution: numbers by the Kolmogorov-Smirnov distance of their
//     samples and the orders of magnitude of their 90th percentiles; dates
//     by the overlap of their ranges; booleans by their share of true; text
//     by mean length and the mix of letters, digits, blanks and punctuation.
//   - Type: 1 for the same type, 0.9 for two numeric or two temporal
//     types, 0.6 against string, 0.4 numbers against dates, 0.2 otherwise;
//     and the semantic kinds.
//
// # Scoring model
//
// With N the name score, the name alone gives 0.9·N² (a partial name match
// is weak), or 0.9·N when one table has no rows at all (names are then all
// there is). When both columns have values, the value evidence is
//
//	inform = min(1, ln(1+d)/ln 30)   (ln 6 for text; d: smaller distinct count)
//	O      = max(overlap, 0.85·word overlap), text overlaps doubled when d ≥ 10
//	V      = O · inform · (0.4 + 0.6·distribution)
//
// and is combined with the name by a noisy-or, conf = 1 − (1 − 0.9·N²)(1 −
// 0.85·V), so that either strong names or strong values suffice. Shared
// values count little for booleans and small numbers, where they meet by
// chance, and much for text. Contradiction lowers the score: informative
// columns (inform > 0.6) whose values neither overlap (O < 0.1) nor look
// alike (distribution < 0.5) are multiplied by 0.4 + 2.4·distribution².
// The result is multiplied by 0.75 + 0.25·type; equal (or convertible,
// country name and code) semantic kinds add 15% of the remaining distance to
// 1 and conflicting kinds multiply by 0.8.
//
// # Assignment
//
// Overrides ([Config.Overrides]) are applied first and always win, then
// mappings accepted earlier (read from the [Store]); the remaining columns
// are assigned by the Hungarian method (Kuhn-Munkres with potentials,
// O(n²m)) maximising the total confidence over pairs at or above
// [Config.Threshold] (default 0.5); pairs below it are left unmapped
// (abstention). The result is one-to-one.
//
// # Residual matching
//
// Booleans and small integers meet by chance, so their values count little
// above. Once the assignment above is made, the columns left on both sides
// get a second chance on their values alone, with names neutral: for each
// remaining pair of the same class, an agreement in [0,1] from a test that
// the two samples come from one distribution (booleans: two-proportion z
// test of their shares of true; numbers: Kolmogorov-Smirnov p-value times
// the overlap of their ranges, integers only with integers; dates: overlap
// of their ranges; text: shared values times likeness), where every p-value
// above 0.05 is full agreement. Integer columns holding only 0 and 1 count
// as booleans. The confidence is
//
//	base · agree · (0.5 + 0.5·(1 − second/agree))
//
// with second the best agreement of either column with another remaining
// column, and base 0.62 for booleans, 0.7 for numbers, 0.55 for dates, 0.75
// for text: a column that fits exactly one partner among those left keeps
// its score, one that fits two equally well is halved and abstains. Pairs
// whose semantic kinds conflict or whose names are negations of each
// other are never proposed. The pairs at or above the threshold are
// assigned by the Hungarian method and marked by [Evidence.Residual].
// Two more agreements need no shared value: two columns of 2-12
// categories with no value in common whose ranked frequencies pass a
// chi-square test of homogeneity (codes MOC/SMSMO/GPRS against words
// voice/sms/data, E/A against true/false; base 0.62), and numbers that
// follow the other column's distribution once multiplied by 60, 100, 1000
// or 3600 either way, or seconds against hh:mm:ss durations (base 0.62).
// The partial name score is added by a noisy-or, 1 − (1 − r)(1 − 0.9·N²).
// Identifiers of 11 to 15 digits (with an optional + and separators) are
// compared everywhere by their last ten digits (447700900123, "+44 7700
// 900123").
// Columns that both lack a partner but happen to agree (two independent
// 50% flags) are the failure mode this accepts.
//
// # Conversions
//
// Each pair gets the conversion its values need ([Conversion]): date layout
// changes (MM/DD/YYYY → YYYY-MM-DD), timestamp ↔ date, boolean words (Y/N →
// true/false), integer cents → decimal (by name, or when the source values
// divided by 100 are target values or the medians differ by about 100),
// country name → ISO alpha-2/alpha-3, phone numbers rewritten in the
// target's pattern ((999) 999-9999 → 999-999-9999), full name → its first or last word
// (when the target's single words are the source's first or last words),
// Unix seconds or milliseconds → the target's timestamp layout (UTC),
// YYYYMMDD → the target's date layout, codes ↔ words (a value_map listing
// each pair: KNG → King; or by frequency rank when the ranks are clear),
// numbers in another unit (scale by a factor: thousands × 1000), seconds →
// hh:mm:ss (seconds_to_duration), amounts with a currency sign → plain numbers
// ($1,234.50 → 1234.50), and casts. For a target without rows, a Unix
// time is converted to an ISO timestamp when the target's name says date
// or time. [Conversion.Apply] converts one value. Joining first and last
// names into one column needs two source columns and is not supported:
// mappings are one-to-one.
//
// # Context
//
// [Matcher.Match] and [Matcher.Accept] take a context only for the store
// calls; scoring itself does not block.
//
// # Concurrency
//
// A [Matcher] holds only its configuration and store and is safe for
// concurrent use when its store is.
package match
