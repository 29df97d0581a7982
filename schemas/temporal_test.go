package schemas

import (
	"testing"
	"time"
)

func TestCivilAgreesWithTime(t *testing.T) {
	t.Parallel()
	for days := int64(-800_000); days <= 3_000_000; days += 997 {
		y, m, d := civil(days)
		tt := time.Unix(days*86400, 0).UTC()
		if int(y) != tt.Year() || m != int(tt.Month()) || d != tt.Day() {
			t.Fatalf("civil(%d) = %d-%d-%d, time says %s", days, y, m, d, tt.Format(time.DateOnly))
		}
		if back := daysFromCivil(y, m, d); back != days {
			t.Fatalf("daysFromCivil(civil(%d)) = %d", days, back)
		}
	}
}

func TestTemporalText(t *testing.T) {
	t.Parallel()
	ts := func(s string) int64 {
		tt, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tt.UnixMicro()
	}
	tests := []struct {
		name string
		v    Value
		want string
	}{
		{"date", Date(19782), "2024-02-29"},
		{"date before epoch", Date(-1), "1969-12-31"},
		{"date BC", Date(int32(daysFromCivil(-44, 3, 15))), "-0044-03-15"},
		{"date far future", Date(int32(daysFromCivil(12345, 1, 1))), "+12345-01-01"},
		{"date infinity", Date(DateInfinity), "infinity"},
		{"time", Time(10*microsPerHour + 15*microsPerMinute + 30*microsPerSecond + 5), "10:15:30.000005"},
		{"time millis", Time(123_000), "00:00:00.123"},
		{"time 24:00", Time(microsPerDay), "24:00:00"},
		{"timetz", TimeTZ(10*microsPerHour, 5*3600+1800), "10:00:00+05:30"},
		{"timetz utc", TimeTZ(0, 0), "00:00:00Z"},
		{"timestamptz", TimestampTZ(ts("2024-01-02T03:04:05.123456Z")), "2024-01-02T03:04:05.123456Z"},
		{"timestamp before epoch", Timestamp(ts("1900-06-30T23:59:59.5Z")), "1900-06-30T23:59:59.500"},
		{"timestamp -infinity", Timestamp(TimestampNegInfinity), "-infinity"},
		{"interval", IntervalValue(Interval{Months: 14, Days: 3, Micros: 4*microsPerHour + 5*microsPerMinute + 6_500_000}), "P1Y2M3DT4H5M6.5S"},
		{"interval mixed signs", IntervalValue(Interval{Months: -1, Days: 2, Micros: -1}), "P-1M2DT-0.000001S"},
		{"interval zero", IntervalValue(Interval{}), "PT0S"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := tc.v.String()
			if got != tc.want {
				t.Fatalf("String() = %q, want %q", got, tc.want)
			}
			var back Value
			switch tc.v.Kind() {
			case KindDate:
				d, err := ParseDate(got)
				if err != nil {
					t.Fatal(err)
				}
				back = Date(d)
			case KindTime:
				us, err := ParseTime(got)
				if err != nil {
					t.Fatal(err)
				}
				back = Time(us)
			case KindTimeTZ:
				us, off, err := ParseTimeTZ(got)
				if err != nil {
					t.Fatal(err)
				}
				back = TimeTZ(us, off)
			case KindTimestamp, KindTimestampTZ:
				us, _, err := ParseTimestamp(got)
				if err != nil {
					t.Fatal(err)
				}
				back = Int(tc.v.Kind(), us)
				back.kind = tc.v.Kind()
			case KindInterval:
				iv, err := ParseInterval(got)
				if err != nil {
					t.Fatal(err)
				}
				back = IntervalValue(iv)
			}
			if !Equal(back, tc.v) {
				t.Errorf("parse(%q) = %v, want %v", got, back, tc.v)
			}
		})
	}
}

func TestParseTimestampZones(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string
	}{
		{"2024-01-02T03:04:05+02:00", "2024-01-02T01:04:05Z"},
		{"2024-01-02 03:04:05.1-0130", "2024-01-02T04:34:05.100Z"},
		{"2024-01-02T03:04:05.123456789Z", "2024-01-02T03:04:05.123456Z"},
		{"2024-01-02T03:04:05+05", "2024-01-01T22:04:05Z"},
	}
	for _, tc := range tests {
		us, zone, err := ParseTimestamp(tc.in)
		if err != nil || !zone {
			t.Fatalf("ParseTimestamp(%q) = %v, %v", tc.in, zone, err)
		}
		if got := TimestampTZ(us).String(); got != tc.want {
			t.Errorf("ParseTimestamp(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"2024-02-30T00:00:00", "2024-13-01T00:00:00", "2024-01-01T25:00:00", "2024-01-01", "2024-01-01T00:00:00+", "x"} {
		if _, _, err := ParseTimestamp(bad); err == nil {
			t.Errorf("ParseTimestamp(%q) succeeded", bad)
		}
	}
}

func TestParseInterval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Interval
	}{
		{"P1W", Interval{Days: 7}},
		{"-P1DT1H", Interval{Days: -1, Micros: -microsPerHour}},
		{"PT0.5S", Interval{Micros: 500_000}},
		{"PT-1.25S", Interval{Micros: -1_250_000}},
		{"P0Y0M1DT0H0M0S", Interval{Days: 1}},
	}
	for _, tc := range tests {
		got, err := ParseInterval(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseInterval(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "P", "1D", "PT1D", "P1H", "P1.5D", "PXD", "P-D"} {
		if _, err := ParseInterval(bad); err == nil {
			t.Errorf("ParseInterval(%q) succeeded", bad)
		}
	}
}

func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"2024-01-02T03:04:05.123456Z", "-0044-03-15 12:00:00+01:00", "infinity", "+12345-01-01T00:00:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		us, zone, err := ParseTimestamp(s)
		if err != nil {
			return
		}
		text := string(AppendTimestamp(nil, us, zone))
		back, _, err := ParseTimestamp(text)
		if err != nil || back != us {
			t.Fatalf("%q -> %d -> %q -> %d, %v", s, us, text, back, err)
		}
	})
}

func FuzzParseInterval(f *testing.F) {
	for _, s := range []string{"P1Y2M3DT4H5M6.5S", "-P1W", "PT-0.000001S"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iv, err := ParseInterval(s)
		if err != nil {
			return
		}
		back, err := ParseInterval(iv.String())
		if err != nil || back != iv {
			t.Fatalf("%q -> %+v -> %q -> %+v, %v", s, iv, iv.String(), back, err)
		}
	})
}
