package match

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heliosdb/helios-etl/transform/infer"
	"github.com/heliosdb/helios-etl/transform/internal/lexicon"
	"github.com/heliosdb/helios-etl/transform/match/internal/vocab"
)

// The conversion kinds a [Mapping] can need.
const (
	ConvNone            = "none"                // values copy as they are
	ConvCast            = "cast"                // same values, another type (integer → decimal, number → string)
	ConvDateLayout      = "date_layout"         // From layout → To layout, such as MM/DD/YYYY → YYYY-MM-DD
	ConvTimestampToDate = "timestamp_to_date"   // keep the date part
	ConvDateToTimestamp = "date_to_timestamp"   // midnight of the date
	ConvBoolWords       = "bool_words"          // Y/N → true/false (From and To name the word families)
	ConvCentsToDecimal  = "cents_to_decimal"    // integer cents → decimal units (÷100)
	ConvCountryToISO    = "country_to_iso"      // country name → ISO 3166-1 code (To: alpha-2 or alpha-3)
	ConvSplitName       = "split_name"          // full name → its first or last word (To: first or last)
	ConvPhoneFormat     = "phone_format"        // phone digits rewritten in the target's pattern (To: "(999) 999-9999")
	ConvEpochToTime     = "epoch_to_timestamp"  // Unix time (From: epoch_seconds or epoch_millis) → To layout, in UTC
	ConvValueMap        = "value_map"           // codes ↔ the words they abbreviate (KNG → King), listed in Values
	ConvPlainNumber     = "plain_number"        // amounts written with a currency sign or thousands commas → plain numbers ($1,234.50 → 1234.50)
	ConvScale           = "scale"               // numbers times a factor (To: "1000" for thousands → units, "0.01" for cents → units)
	ConvSecondsToDur    = "seconds_to_duration" // seconds → hh:mm:ss
	ConvLinear          = "linear"              // numbers times Factor plus Offset (°C → °F: 1.8, 32), To: decimals kept
)

// Conversion is what a source value needs to become a target value.
type Conversion struct {
	Kind string `json:"kind" toml:"kind"`
	From string `json:"from,omitempty" toml:"from"`
	To   string `json:"to,omitempty" toml:"to"`
	// Values maps each source value to its target value (value_map).
	Values map[string]string `json:"values,omitempty" toml:"values"`
	// Factor and Offset define a linear conversion: Factor·x + Offset.
	Factor float64 `json:"factor,omitempty" toml:"factor"`
	Offset float64 `json:"offset,omitempty" toml:"offset"`
}

// Conversions lists the conversion kinds.
func Conversions() []string {
	return []string{ConvNone, ConvCast, ConvDateLayout, ConvTimestampToDate, ConvDateToTimestamp, ConvBoolWords,
		ConvCentsToDecimal, ConvCountryToISO, ConvSplitName, ConvPhoneFormat, ConvEpochToTime, ConvValueMap, ConvPlainNumber, ConvScale, ConvSecondsToDur, ConvLinear}
}

// Output is the type of the values the conversion produces: [infer.Unknown]
// when any value goes (none), the To type of a cast, and [infer.String] for
// the conversions that rewrite text.
func (c Conversion) Output() infer.Type {
	switch c.Kind {
	case ConvCast:
		t, _ := infer.ParseType(c.To)
		return t
	case ConvDateLayout, ConvTimestampToDate:
		return infer.Date
	case ConvDateToTimestamp, ConvEpochToTime:
		return infer.Timestamp
	case ConvCentsToDecimal, ConvPlainNumber, ConvScale, ConvLinear:
		return infer.Decimal
	case ConvBoolWords:
		return infer.Boolean
	case ConvCountryToISO, ConvSplitName, ConvPhoneFormat, ConvValueMap, ConvSecondsToDur:
		return infer.String
	}
	return infer.Unknown
}

// Validate reports a conversion that [Conversion.Apply] cannot run: an
// unknown kind, an unknown date layout, a cast to an unknown type.
func (c Conversion) Validate() error {
	switch c.Kind {
	case ConvDateLayout:
		_, ok1 := goLayouts[c.From]
		_, ok2 := goLayouts[c.To]
		if !ok1 || !ok2 {
			return fmt.Errorf("date layout %q -> %q: the layouts are %s", c.From, c.To, strings.Join(layoutNames(), ", "))
		}
	case ConvCast:
		if _, ok := infer.ParseType(c.To); !ok {
			return fmt.Errorf("cast to %q: unknown type", c.To)
		}
	case ConvValueMap:
		if len(c.Values) == 0 {
			return errors.New("value_map: no values listed")
		}
	case ConvScale:
		if f, err := strconv.ParseFloat(c.To, 64); err != nil || f == 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return fmt.Errorf("scale by %q: write a non-zero number", c.To)
		}
	case ConvEpochToTime:
		if _, ok := goTimestampLayout(c.To); !ok {
			return fmt.Errorf("epoch to %q: unknown timestamp layout", c.To)
		}
	case ConvLinear:
		if c.Factor == 0 || math.IsInf(c.Factor, 0) || math.IsNaN(c.Factor) || math.IsInf(c.Offset, 0) || math.IsNaN(c.Offset) {
			return fmt.Errorf("linear %v·x + %v: write a finite, non-zero factor", c.Factor, c.Offset)
		}
		if _, err := linearDecimals(c.To); err != nil {
			return err
		}
	case ConvPhoneFormat:
		if !strings.Contains(c.To, "9") {
			return fmt.Errorf("phone format %q: write the pattern with 9 for each digit, such as (999) 999-9999", c.To)
		}
	}
	if !slices.Contains(Conversions(), c.Kind) {
		return fmt.Errorf("unknown conversion %q (%s)", c.Kind, strings.Join(Conversions(), ", "))
	}
	return nil
}

func layoutNames() []string {
	return slices.Sorted(maps.Keys(goLayouts))
}

// String describes the conversion for people, such as
// "MM/DD/YYYY -> YYYY-MM-DD".
func (c Conversion) String() string {
	switch c.Kind {
	case ConvNone, "":
		return "-"
	case ConvCentsToDecimal:
		return "cents -> decimal"
	case ConvCountryToISO:
		return "country name -> ISO " + c.To
	case ConvSplitName:
		return "full name -> " + c.To + " word"
	case ConvValueMap:
		return fmt.Sprintf("%s -> %s (%d values)", c.From, c.To, len(c.Values))
	case ConvLinear:
		return fmt.Sprintf("x * %v + %v", c.Factor, c.Offset)
	}
	if c.From != "" || c.To != "" {
		return fmt.Sprintf("%s -> %s", c.From, c.To)
	}
	return c.Kind
}

// goLayouts maps the layout names of [infer.Field.Format] to Go layouts for
// parsing (lenient on leading zeros) and for formatting.
var goLayouts = map[string][2]string{
	"YYYY-MM-DD":   {"2006-1-2", "2006-01-02"},
	"YYYY/MM/DD":   {"2006/1/2", "2006/01/02"},
	"MM/DD/YYYY":   {"1/2/2006", "01/02/2006"},
	"DD/MM/YYYY":   {"2/1/2006", "02/01/2006"},
	"MM-DD-YYYY":   {"1-2-2006", "01-02-2006"},
	"DD-MM-YYYY":   {"2-1-2006", "02-01-2006"},
	"DD.MM.YYYY":   {"2.1.2006", "02.01.2006"},
	"DD-Mon-YYYY":  {"2-Jan-2006", "02-Jan-2006"},
	"Mon DD, YYYY": {"Jan 2, 2006", "Jan 02, 2006"},
	compactDate:    {"20060102", "20060102"},
}

// isoTimestamp is the layout epoch conversions write when the target does
// not say.
const isoTimestamp = "YYYY-MM-DDTHH:mm:ssZ07:00"

// goTimestampLayout turns a format of [infer.Field.Format] (a date layout
// name, optionally followed by a clock such as "THH:mm:ss.fffZ07:00") into
// a Go layout for formatting.
func goTimestampLayout(format string) (string, bool) {
	best := ""
	for name := range goLayouts {
		if strings.HasPrefix(format, name) && len(name) > len(best) {
			best = name
		}
	}
	if best == "" {
		return "", false
	}
	clock := strings.NewReplacer("HH", "15", "hh", "03", "mm", "04", "ss", "05", ".fff", ".000", " AM", " PM").
		Replace(format[len(best):])
	return goLayouts[best][1] + clock, true
}

// linearDecimals reads the decimals a linear conversion keeps: "" for all
// (-1), else 0 to 12.
func linearDecimals(to string) (int, error) {
	if to == "" {
		return -1, nil
	}
	d, err := strconv.Atoi(to)
	if err != nil || d < 0 || d > 12 {
		return 0, fmt.Errorf("linear: decimals %q: write a whole number from 0 to 12", to)
	}
	return d, nil
}

// errNoConversion is returned by Apply for values the conversion cannot
// read.
var errNoConversion = errors.New("value does not fit the conversion")

// Apply converts one source value. Nulls (empty strings) stay empty.
func (c Conversion) Apply(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	switch c.Kind {
	case ConvNone, "", ConvCast:
		return v, nil
	case ConvDateLayout:
		from, ok1 := goLayouts[c.From]
		to, ok2 := goLayouts[c.To]
		if !ok1 || !ok2 {
			return "", fmt.Errorf("date layout %q -> %q: unknown layout", c.From, c.To)
		}
		t, err := time.Parse(from[0], datePart(v))
		if err != nil {
			return "", fmt.Errorf("%q as %s: %w", v, c.From, errNoConversion)
		}
		return t.Format(to[1]), nil
	case ConvTimestampToDate:
		return datePart(v), nil
	case ConvScale:
		f, err := strconv.ParseFloat(c.To, 64)
		x, ok := parseNumber(v)
		if err != nil || !ok {
			return "", fmt.Errorf("%q scaled by %q: %w", v, c.To, errNoConversion)
		}
		return strconv.FormatFloat(x*f, 'f', -1, 64), nil
	case ConvLinear:
		x, ok := parseNumber(v)
		d, err := linearDecimals(c.To)
		if !ok || err != nil {
			return "", fmt.Errorf("%q as %v·x + %v: %w", v, c.Factor, c.Offset, errNoConversion)
		}
		return strconv.FormatFloat(c.Factor*x+c.Offset, 'f', d, 64), nil
	case ConvSecondsToDur:
		x, ok := parseNumber(v)
		if !ok || x < 0 {
			return "", fmt.Errorf("%q as seconds: %w", v, errNoConversion)
		}
		n := int64(math.Round(x))
		return fmt.Sprintf("%02d:%02d:%02d", n/3600, n/60%60, n%60), nil
	case ConvDateToTimestamp:
		return datePart(v) + "T00:00:00", nil
	case ConvBoolWords:
		b, ok := infer.ParseBool(v)
		if !ok {
			return "", fmt.Errorf("%q as a boolean: %w", v, errNoConversion)
		}
		return boolWord(b, c.To), nil
	case ConvCentsToDecimal:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "", fmt.Errorf("%q as integer cents: %w", v, errNoConversion)
		}
		sign := ""
		if n < 0 {
			sign, n = "-", -n
		}
		return fmt.Sprintf("%s%d.%02d", sign, n/100, n%100), nil
	case ConvPhoneFormat:
		d := phoneDigits(v)
		need := strings.Count(c.To, "9")
		if len(d) < need || need == 0 {
			return "", fmt.Errorf("%q as a phone number for %q: %w", v, c.To, errNoConversion)
		}
		d = d[len(d)-need:]
		out := []byte(c.To)
		k := 0
		for i, ch := range out {
			if ch == '9' {
				out[i] = d[k]
				k++
			}
		}
		return string(out), nil
	case ConvEpochToTime:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "", fmt.Errorf("%q as %s: %w", v, c.From, errNoConversion)
		}
		layout, ok := goTimestampLayout(c.To)
		if !ok {
			return "", fmt.Errorf("epoch to %q: unknown layout", c.To)
		}
		t := time.Unix(n, 0)
		if c.From == epochMillis {
			t = time.UnixMilli(n)
		}
		return t.UTC().Format(layout), nil
	case ConvPlainNumber:
		p := strings.NewReplacer("$", "", "€", "", "£", "", "¥", "", ",", "", " ", "").Replace(v)
		if _, err := strconv.ParseFloat(p, 64); err != nil {
			return "", fmt.Errorf("%q as an amount: %w", v, errNoConversion)
		}
		return p, nil
	case ConvValueMap:
		out, ok := c.Values[v]
		if !ok {
			return "", fmt.Errorf("%q is not a known code: %w", v, errNoConversion)
		}
		return out, nil
	case ConvSplitName:
		w := strings.Fields(v)
		if c.To == "last" {
			return w[len(w)-1], nil
		}
		return w[0], nil
	case ConvCountryToISO:
		a2, ok := lexicon.CountryAlpha2(v)
		if !ok {
			return "", fmt.Errorf("%q as a country: %w", v, errNoConversion)
		}
		if c.To == "alpha-3" {
			return lexicon.Alpha3(a2), nil
		}
		return a2, nil
	}
	return "", fmt.Errorf("unknown conversion %q", c.Kind)
}

// datePart cuts the time from an ISO timestamp ("2017-06-30T00:00:00").
func datePart(v string) string {
	if i := strings.IndexAny(v, "T "); i >= 8 && len(v) >= 10 && v[4] == '-' {
		return v[:i]
	}
	return v
}

func boolWord(b bool, family string) string {
	words := map[string][2]string{
		"t/f": {"f", "t"}, "yes/no": {"no", "yes"}, "y/n": {"N", "Y"}, "on/off": {"off", "on"},
	}[strings.Fields(family + " ")[0]]
	if words[0] == "" {
		words = [2]string{"false", "true"}
	}
	if b {
		return words[1]
	}
	return words[0]
}

// conversionFor chooses the conversion from what inference found on both
// sides and, for a target without rows, from its name. A target without values only gives its type.
func conversionFor(sc, tc *column) Conversion {
	s, t := &sc.val, &tc.val
	sf, tf := s.f, t.f
	st, tt := s.typ, t.typ
	if tf.Count == 0 && tf.Nulls == 0 {
		tt = infer.Unknown // a target without rows: its type is not known
	}
	if s.asTime != nil && (t.class == classTime || tt == infer.Unknown && namesTime(&tc.name)) {
		// integers that are instants: Unix time or YYYYMMDD
		if s.timeKind == compactDate {
			to := tf.Format
			if _, ok := goLayouts[to]; !ok {
				to = "YYYY-MM-DD"
			}
			return Conversion{Kind: ConvDateLayout, From: compactDate, To: to}
		}
		to := tf.Format
		if _, ok := goTimestampLayout(to); !ok {
			to = isoTimestamp
		}
		return Conversion{Kind: ConvEpochToTime, From: s.timeKind, To: to}
	}

	if sf.Count == 0 && sf.Nulls == 0 {
		st = infer.Unknown
	}
	centName := func(f *infer.Field) bool { return strings.Contains(strings.ToLower(f.Name), "cent") }
	switch {
	case sf.Semantic == infer.KindCountryName && (tf.Semantic == infer.KindCountryCode ||
		(tt == infer.String && tf.MaxLength > 0 && tf.MaxLength <= 3)):
		to := "alpha-2"
		if tf.MinLength == 3 {
			to = "alpha-3"
		}
		return Conversion{Kind: ConvCountryToISO, From: "name", To: to}
	case sf.Semantic == infer.KindPhone && tf.Semantic == infer.KindPhone && s.pattern != t.pattern && t.pattern != "":
		return Conversion{Kind: ConvPhoneFormat, From: s.pattern, To: t.pattern}
	case splitPart(s, t) != "":
		return Conversion{Kind: ConvSplitName, From: "full name", To: splitPart(s, t)}
	case codeMap(s, t) != nil:
		from, to := "codes", "words"
		if s.lenAvg > t.lenAvg {
			from, to = to, from
		}
		return Conversion{Kind: ConvValueMap, From: from, To: to, Values: codeMap(s, t)}
	case rankMap(s, t) != nil:
		return Conversion{Kind: ConvValueMap, From: "codes", To: "words", Values: rankMap(s, t)}
	case t.durs != nil && s.class == classNumber:
		if _, f := scaledAgreement(s, t); f == 1 {
			return Conversion{Kind: ConvSecondsToDur, From: "seconds", To: "hh:mm:ss"}
		}
		return Conversion{Kind: ConvCast, From: st.String(), To: tt.String()}
	case s.currency && !t.currency && (tt.Numeric() || tt == infer.Unknown || tt == infer.String && t.class == classNone):
		return Conversion{Kind: ConvPlainNumber, From: "amount with currency sign", To: "number"}
	case st == infer.Timestamp && tt == infer.Date:
		return Conversion{Kind: ConvTimestampToDate, From: sf.Format, To: tf.Format}
	case st == infer.Date && tt == infer.Timestamp:
		return Conversion{Kind: ConvDateToTimestamp, From: sf.Format, To: tf.Format}
	case st == infer.Date && tt == infer.Date && sf.Format != tf.Format && tf.Format != "":
		return Conversion{Kind: ConvDateLayout, From: sf.Format, To: tf.Format}
	case st == infer.Date && tf.Count == 0 && sf.Format != "YYYY-MM-DD" && goLayouts[sf.Format][0] != "":
		return Conversion{Kind: ConvDateLayout, From: sf.Format, To: "YYYY-MM-DD"}
	case st == infer.Boolean && (tt == infer.Boolean || tt == infer.Unknown) && sf.Format != boolTarget(tf):
		from := sf.Format
		if zeroOne(sf) {
			from = "1/0"
		}
		return Conversion{Kind: ConvBoolWords, From: from, To: boolTarget(tf)}
	case st == infer.Integer && (tt == infer.Decimal || tt == infer.Float) && cents(s, t),
		st == infer.Integer && tt == infer.Unknown && centName(sf) && !centName(tf):
		return Conversion{Kind: ConvCentsToDecimal, From: "integer cents", To: "decimal"}
	case s.class == classNumber && t.class == classNumber && scaleFactor(s, t) != 0:
		return Conversion{Kind: ConvScale, From: "1", To: strconv.FormatFloat(scaleFactor(s, t), 'g', -1, 64)}
	case st != tt && st != infer.Unknown && tt != infer.Unknown:
		return Conversion{Kind: ConvCast, From: st.String(), To: tt.String()}
	}
	return Conversion{Kind: ConvNone}
}

// cents tells integer cents from whole units: the name says so, or the
// source's median is about a hundred times the target's.
func cents(s, t *valueInfo) bool {
	if strings.Contains(strings.ToLower(s.f.Name), "cent") {
		return true
	}
	if len(s.nums) < 5 || len(t.nums) < 5 {
		return false
	}
	if centsOverlap(s, t) > 0.2 {
		return true
	}
	ms, mt := s.med, t.med
	if mt == 0 {
		return false
	}
	r := ms / mt
	return r > 80 && r < 125 && !math.IsInf(r, 0)
}

func codeMap(s, t *valueInfo) map[string]string {
	_, m := codeWords(s, t)
	return m
}

func splitPart(s, t *valueInfo) string {
	_, part := splitOverlap(s, t)
	return part
}

// boolTarget is the word family a boolean target uses, true/false when the
// target has no values to tell.
func boolTarget(tf *infer.Field) string {
	if tf.Format == "" {
		return "true/false"
	}
	return tf.Format
}

// namesTime reports a name holding a date or time term (created_at,
// value_date) or a word that implies one (shipped).
func namesTime(n *nameInfo) bool {
	for i, c := range n.class {
		if c == "time" || vocab.Implies(n.tokens[i], "time") {
			return true
		}
	}
	return false
}

// scaleFactor is the unit factor between two numeric columns whose
// distributions agree only once scaled (scaledAgreement), 0 when they
// agree as they are or not at all.
func scaleFactor(s, t *valueInfo) float64 {
	if len(s.nums) < 10 || len(t.nums) < 10 || consistent(ksPValue(ks(s.nums, t.nums), len(s.nums), len(t.nums))) > 0.5 {
		return 0
	}
	if g, f := scaledAgreement(s, t); g > 0.5 {
		return f
	}
	return 0
}
