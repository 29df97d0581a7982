package eval

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
)

// Outliers are planted at 7 to 15 (robust) standard deviations, in log space
// for the log-normal fields: the size of a fat-finger amount, a unit error or
// a sensor spike, not a subtle shift.
func farNormal(r *rand.Rand, mean, sd float64) float64 {
	z := 7 + 8*r.Float64()
	if r.IntN(2) == 0 {
		z = -z
	}
	return mean + z*sd
}

func farLog(r *rand.Rand, mu, sigma float64) float64 {
	return math.Exp(mu + (7+5*r.Float64())*sigma)
}

// orders: e-commerce orders (tuning).
func orders() domain {
	const mu, sigma = 3.6, 1.0
	start := dayOf(2024, 1, 1)
	return domain{name: "orders", split: "tuning", format: "csv", rows: 2000, cols: []column{
		{name: "order_id", gen: func(_ *rand.Rand, i int) string { return fmt.Sprintf("ORD-%07d", 1000+i) },
			inject: []injection{dupInj(6)}},
		{name: "customer_id", numeric: true, gen: func(r *rand.Rand, _ int) string { return strconv.Itoa(1 + r.IntN(600)) },
			inject: []injection{badInj(4, "N/A", "unknown", "cust-12", "#REF!")}},
		{name: "order_date", gen: func(r *rand.Rand, _ int) string { return date(start + r.IntN(366)) },
			inject: []injection{
				badInj(4, "2024-13-45", "31/02/2024", "yesterday", "2024-02-30", "20240512"),
				valInj("out_of_range", 4, func(r *rand.Rand) string {
					return date(pick(r, []int{0, dayOf(2099, 12, 31), dayOf(1900, 1, 1), dayOf(2042, 6, 1)}))
				}),
			}},
		{name: "amount", heavy: true, numeric: true, gen: func(r *rand.Rand, _ int) string { return f2(lognormal(r, mu, sigma)) },
			inject: []injection{
				valInj("outlier", 6, func(r *rand.Rand) string { return f2(farLog(r, mu, sigma)) }),
				valInj("out_of_range", 4, func(r *rand.Rand) string { return f2(-lognormal(r, mu, sigma)) }),
				badInj(3, "12,50", "$45.00", "ten", "1.2.3"),
			}},
		{name: "quantity", heavy: true, numeric: true, gen: func(r *rand.Rand, _ int) string { return strconv.Itoa(1 + negbin(r, 1.5, 1.2)) },
			inject: []injection{
				valInj("outlier", 5, func(r *rand.Rand) string { return strconv.Itoa(500 + r.IntN(9500)) }),
				valInj("out_of_range", 3, func(r *rand.Rand) string { return strconv.Itoa(-1 - r.IntN(5)) }),
			}},
		{name: "discount", null: 0.35, numeric: true, gen: func(r *rand.Rand, _ int) string { return f2(0.05 + 0.25*r.Float64()) }},
		{name: "email", gen: email, inject: []injection{badInj(5, badEmails...), nullInj(4)}},
		{name: "country", gen: func(r *rand.Rand, _ int) string { return pick(r, countries) }, inject: []injection{nullInj(4)}},
		{name: "status", gen: func(r *rand.Rand, _ int) string {
			return pick(r, []string{"paid", "paid", "paid", "shipped", "shipped", "delivered", "refunded", "cancelled"})
		}, inject: []injection{nullInj(4)}},
		{name: "note", null: 0.7, gen: func(r *rand.Rand, _ int) string {
			return pick(r, []string{"gift wrap", "leave at door", "call before delivery", "fragile", "express"})
		}},
	}}
}

// sensors: IoT readings (tuning).
func sensors() domain {
	start := dayOf(2025, 3, 1)
	return domain{name: "sensors", split: "tuning", format: "csv", rows: 2000, cols: []column{
		{name: "reading_id", gen: func(r *rand.Rand, _ int) string { return uuid(r) }, inject: []injection{dupInj(5)}},
		{name: "sensor", gen: func(r *rand.Rand, _ int) string { return fmt.Sprintf("S-%03d", r.IntN(40)) }, inject: []injection{nullInj(3)}},
		{name: "ts", gen: func(r *rand.Rand, i int) string { return datetime(start+i*30/2000, r.IntN(86400)) },
			inject: []injection{
				badInj(4, "2025-03-32T10:00:00Z", "03/15/2025 10:00", "2025-03-10T25:61:00Z", "not a time"),
				valInj("out_of_range", 4, func(r *rand.Rand) string {
					return datetime(pick(r, []int{dayOf(2035, 1, 1), dayOf(1999, 12, 31), 0}), r.IntN(86400))
				}),
			}},
		{name: "temperature", numeric: true, gen: func(r *rand.Rand, _ int) string { return f2(21 + 3*r.NormFloat64()) },
			inject: []injection{
				valInj("outlier", 6, func(r *rand.Rand) string { return f2(21 + (7+8*r.Float64())*3) }),
				valInj("out_of_range", 3, func(*rand.Rand) string { return "-999" }),
				badInj(3, "NaN", "err", "--"),
			}},
		{name: "humidity", numeric: true, gen: func(r *rand.Rand, _ int) string { return f2(min(99, max(1, 45+10*r.NormFloat64()))) },
			inject: []injection{valInj("outlier", 5, func(r *rand.Rand) string { return f2(45 + (8+6*r.Float64())*10) })}},
		{name: "pressure", numeric: true, gen: func(r *rand.Rand, _ int) string { return f2(1013 + 8*r.NormFloat64()) },
			inject: []injection{valInj("outlier", 5, func(r *rand.Rand) string { return f2(farNormal(r, 1013, 8)) })}},
		{name: "battery", null: 0.3, numeric: true, gen: func(r *rand.Rand, _ int) string { return strconv.Itoa(20 + r.IntN(81)) }},
		{name: "error_count", heavy: true, numeric: true, gen: func(r *rand.Rand, _ int) string { return strconv.Itoa(negbin(r, 0.8, 0.5)) },
			inject: []injection{valInj("outlier", 4, func(r *rand.Rand) string { return strconv.Itoa(2000 + r.IntN(50000)) })}},
		{name: "firmware", null: 0.2, gen: func(r *rand.Rand, _ int) string { return pick(r, []string{"v1.2.0", "v1.2.3", "v1.3.0"}) }},
	}, joint: []joint{{n: 4, field: "temperature", apply: func(r *rand.Rand, set func(string, string)) {
		// A failing board: every channel drifts about 4 standard
		// deviations at once, none of them far enough alone.
		set("temperature", f2(21+(4.4+0.4*r.Float64())*3))
		set("humidity", f2(45-(3.8+0.4*r.Float64())*10))
		set("pressure", f2(1013+(3.8+0.4*r.Float64())*8))
	}}}}
}

// payments: card and bank payments (held out).
func payments() domain {
	const mu, sigma = 4.5, 1.4
	start := dayOf(2025, 1, 1)
	return domain{name: "payments", split: "heldout", format: "csv", rows: 1800, cols: []column{
		{name: "payment_id", numeric: true, gen: func(_ *rand.Rand, i int) string { return strconv.Itoa(500000 + 3*i) }, inject: []injection{dupInj(5)}},
		{name: "account_no", gen: func(r *rand.Rand, _ int) string { return fmt.Sprintf("ACC%06d", r.IntN(300)) }, inject: []injection{nullInj(4)}},
		{name: "created_at", gen: func(r *rand.Rand, i int) string { return datetime(start+i*180/1800, r.IntN(86400)) },
			inject: []injection{
				badInj(4, "2025-02-29T12:00:00Z", "2025/06/01 12:00", "1718000000", "TBD"),
				valInj("out_of_range", 4, func(r *rand.Rand) string {
					return datetime(pick(r, []int{dayOf(2031, 3, 3), dayOf(2001, 9, 9)}), r.IntN(86400))
				}),
			}},
		{name: "amount", heavy: true, numeric: true, gen: func(r *rand.Rand, _ int) string { return f2(lognormal(r, mu, sigma)) },
			inject: []injection{
				valInj("outlier", 5, func(r *rand.Rand) string { return f2(farLog(r, mu, sigma)) }),
				badInj(3, "1 000.00", "EUR 12", "n/a"),
			}},
		{name: "fee", heavy: true, numeric: true, gen: func(r *rand.Rand, _ int) string { return f2(0.3 + 0.029*lognormal(r, mu, sigma)) },
			inject: []injection{valInj("out_of_range", 4, func(r *rand.Rand) string { return f2(-0.3 - 3*r.Float64()) })}},
		{name: "currency", gen: func(r *rand.Rand, _ int) string { return pick(r, []string{"USD", "USD", "EUR", "GBP"}) }, inject: []injection{nullInj(4)}},
		{name: "card_last4", null: 0.3, numeric: true, gen: func(r *rand.Rand, _ int) string { return fmt.Sprintf("%04d", r.IntN(10000)) },
			inject: []injection{badInj(3, "12a4", "xxxx", "?")}},
		{name: "installments", heavy: true, numeric: true, gen: func(r *rand.Rand, _ int) string { return strconv.Itoa(1 + negbin(r, 0.6, 0.7)) },
			inject: []injection{valInj("outlier", 4, func(r *rand.Rand) string { return strconv.Itoa(120 + r.IntN(900)) })}},
		{name: "payer_email", null: 0.25, gen: email, inject: []injection{badInj(4, badEmails...)}},
		{name: "risk_score", numeric: true, gen: func(r *rand.Rand, _ int) string {
			return strconv.FormatFloat(min(1, max(0, 0.2+0.06*r.NormFloat64())), 'f', 3, 64)
		},
			inject: []injection{valInj("outlier", 4, func(r *rand.Rand) string { return strconv.FormatFloat(0.2+(8+5*r.Float64())*0.06, 'f', 3, 64) })}},
	}}
}

// people: a customer directory in JSON Lines (held out).
func people() domain {
	return domain{name: "people", split: "heldout", format: "jsonl", rows: 1600, cols: []column{
		{name: "person_id", gen: func(r *rand.Rand, _ int) string { return uuid(r) }, inject: []injection{dupInj(5)}},
		{name: "name", gen: func(r *rand.Rand, _ int) string { return pick(r, firstNames) + " " + pick(r, lastNames) }},
		{name: "email", gen: email, inject: []injection{badInj(4, badEmails...), nullInj(4)}},
		{name: "phone", null: 0.3, gen: func(r *rand.Rand, _ int) string {
			return fmt.Sprintf("+%d %03d-%03d-%04d", pick(r, []int{1, 44, 49, 33}), 200+r.IntN(800), r.IntN(1000), r.IntN(10000))
		}, inject: []injection{badInj(4, "555-CALL-NOW", "12", "ask reception", "+1 (555")}},
		{name: "birth_date", gen: func(r *rand.Rand, _ int) string { return date(dayOf(1945, 1, 1) + r.IntN(61*365)) },
			inject: []injection{
				badInj(3, "1990-02-30", "12/31/1990", "19900101x"),
				valInj("out_of_range", 4, func(r *rand.Rand) string {
					return date(pick(r, []int{dayOf(1880, 5, 5), dayOf(2090, 1, 1), dayOf(1850, 1, 1)}))
				}),
			}},
		{name: "income", null: 0.4, heavy: true, numeric: true, gen: func(r *rand.Rand, _ int) string { return strconv.Itoa(int(lognormal(r, 10.8, 0.7))) },
			inject: []injection{
				valInj("outlier", 4, func(r *rand.Rand) string { return strconv.Itoa(int(farLog(r, 10.8, 0.7))) }),
				valInj("out_of_range", 3, func(r *rand.Rand) string { return strconv.Itoa(-1000 - r.IntN(50000)) }),
			}},
		{name: "children", heavy: true, numeric: true, gen: func(r *rand.Rand, _ int) string { return strconv.Itoa(poisson(r, 1.2)) },
			inject: []injection{valInj("outlier", 3, func(r *rand.Rand) string { return strconv.Itoa(40 + r.IntN(200)) })}},
		{name: "height_cm", numeric: true, gen: func(r *rand.Rand, _ int) string { return strconv.FormatFloat(170+10*r.NormFloat64(), 'f', 1, 64) },
			inject: []injection{valInj("outlier", 4, func(r *rand.Rand) string {
				return pick(r, []string{"17.2", "1720", "18.1", "1655", "2400"})
			})}},
		{name: "country", gen: func(r *rand.Rand, _ int) string { return pick(r, countries) }, inject: []injection{nullInj(4)}},
	}}
}

func uuid(r *rand.Rand) string {
	a, b := r.Uint64(), r.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0xfff, 0x8000|(b>>48)&0x3fff, b&0xffffffffffff)
}

// shipments: parcels, with milder anomalies than the other datasets
// (outliers at 5.5 to 9 robust standard deviations, near-valid dates). Held
// out, and added after the detector was tuned: it was never tuned on.
func shipments() domain {
	const wMu, wSigma = 1.0, 0.9 // weight_kg
	const dMu, dSigma = 5.5, 1.1 // distance_km
	start := dayOf(2025, 6, 1)
	mild := func(r *rand.Rand) float64 { return 5.5 + 3.5*r.Float64() }
	return domain{name: "shipments", split: "heldout", format: "csv", rows: 1900, cols: []column{
		{name: "tracking_no", gen: func(r *rand.Rand, i int) string { return fmt.Sprintf("1Z%08d", 40000000+7*i+r.IntN(7)) },
			inject: []injection{dupInj(5)}},
		{name: "carrier", gen: func(r *rand.Rand, _ int) string { return pick(r, []string{"ups", "dhl", "fedex", "usps", "dpd"}) },
			inject: []injection{nullInj(4)}},
		{name: "ship_date", gen: func(r *rand.Rand, i int) string { return date(start + i*90/1900 + r.IntN(3)) },
			inject: []injection{
				badInj(4, "2025-06-31", "2025-09-31", "06/15/2025", "2025-7-4"),
				valInj("out_of_range", 3, func(r *rand.Rand) string { return date(pick(r, []int{dayOf(2052, 6, 1), dayOf(1995, 6, 1)})) }),
			}},
		{name: "weight_kg", heavy: true, numeric: true, gen: func(r *rand.Rand, _ int) string { return f2(lognormal(r, wMu, wSigma)) },
			inject: []injection{
				valInj("outlier", 5, func(r *rand.Rand) string { return f2(math.Exp(wMu + mild(r)*wSigma)) }),
				valInj("out_of_range", 3, func(r *rand.Rand) string { return f2(-lognormal(r, wMu, wSigma)) }),
			}},
		{name: "distance_km", heavy: true, numeric: true, gen: func(r *rand.Rand, _ int) string { return strconv.Itoa(1 + int(lognormal(r, dMu, dSigma))) },
			inject: []injection{valInj("outlier", 5, func(r *rand.Rand) string { return strconv.Itoa(int(math.Exp(dMu + mild(r)*dSigma))) })}},
		{name: "transit_days", heavy: true, numeric: true, gen: func(r *rand.Rand, _ int) string { return strconv.Itoa(1 + negbin(r, 2, 2)) },
			inject: []injection{valInj("outlier", 4, func(r *rand.Rand) string { return strconv.Itoa(60 + r.IntN(300)) })}},
		{name: "temp_c", null: 0.6, numeric: true, gen: func(r *rand.Rand, _ int) string { return strconv.FormatFloat(4+1.5*r.NormFloat64(), 'f', 1, 64) },
			inject: []injection{valInj("outlier", 3, func(r *rand.Rand) string { return strconv.FormatFloat(4+mild(r)*1.5, 'f', 1, 64) })}},
		{name: "declared_value", null: 0.35, heavy: true, numeric: true, gen: func(r *rand.Rand, _ int) string { return f2(lognormal(r, 4, 1.3)) },
			inject: []injection{badInj(3, "USD 40", "forty", "40,00")}},
		{name: "recipient_email", gen: email, inject: []injection{badInj(4, badEmails...), nullInj(3)}},
		{name: "dest_country", gen: func(r *rand.Rand, _ int) string { return pick(r, countries) }, inject: []injection{nullInj(3)}},
	}}
}

// sessions: web sessions (held out). Added after all the detector changes,
// and run once to measure the final detector on data nobody looked at.
func sessions() domain {
	const durMu, durSigma = 5.0, 1.2
	start := dayOf(2025, 10, 1)
	far := func(r *rand.Rand) float64 { return 6 + 6*r.Float64() }
	return domain{name: "sessions", split: "heldout", format: "jsonl", rows: 1700, cols: []column{
		{name: "session_id", gen: func(r *rand.Rand, _ int) string { return uuid(r) }, inject: []injection{dupInj(4)}},
		{name: "user_id", numeric: true, gen: func(r *rand.Rand, _ int) string { return strconv.Itoa(1 + r.IntN(400)) },
			inject: []injection{badInj(3, "guest", "anonymous", "-")}},
		{name: "started_at", gen: func(r *rand.Rand, i int) string { return datetime(start+i*60/1700, r.IntN(86400)) },
			inject: []injection{
				badInj(3, "2025-11-31T10:00:00Z", "2025-10-05T24:30:00Z", "Oct 5 2025"),
				valInj("out_of_range", 3, func(r *rand.Rand) string {
					return datetime(pick(r, []int{dayOf(2038, 1, 19), dayOf(2009, 1, 1)}), r.IntN(86400))
				}),
			}},
		{name: "duration_s", heavy: true, numeric: true, gen: func(r *rand.Rand, _ int) string { return strconv.Itoa(1 + int(lognormal(r, durMu, durSigma))) },
			inject: []injection{
				valInj("outlier", 5, func(r *rand.Rand) string { return strconv.Itoa(int(math.Exp(durMu + far(r)*durSigma))) }),
				valInj("out_of_range", 3, func(r *rand.Rand) string { return strconv.Itoa(-1 - r.IntN(3000)) }),
			}},
		{name: "pages", heavy: true, numeric: true, gen: func(r *rand.Rand, _ int) string { return strconv.Itoa(1 + poisson(r, 3)) },
			inject: []injection{valInj("outlier", 4, func(r *rand.Rand) string { return strconv.Itoa(200 + r.IntN(700)) })}},
		{name: "bounce_rate", numeric: true, gen: func(r *rand.Rand, _ int) string {
			return strconv.FormatFloat(min(1, max(0, 0.4+0.15*r.NormFloat64())), 'f', 3, 64)
		}, inject: []injection{valInj("outlier", 3, func(r *rand.Rand) string { return strconv.FormatFloat(0.4+far(r)*0.15, 'f', 3, 64) })}},
		{name: "country", gen: func(r *rand.Rand, _ int) string { return pick(r, countries) }, inject: []injection{nullInj(4)}},
		{name: "device", gen: func(r *rand.Rand, _ int) string { return pick(r, []string{"mobile", "mobile", "desktop", "tablet"}) }, inject: []injection{nullInj(3)}},
		{name: "referrer", null: 0.45, gen: func(r *rand.Rand, _ int) string {
			return pick(r, []string{"search", "newsletter", "social", "partner", "ads"})
		}},
		{name: "revenue", null: 0.8, heavy: true, numeric: true, gen: func(r *rand.Rand, _ int) string { return f2(lognormal(r, 3.2, 1.1)) },
			inject: []injection{valInj("outlier", 3, func(r *rand.Rand) string { return f2(math.Exp(3.2 + far(r)*1.1)) })}},
		{name: "contact_phone", null: 0.5, gen: func(r *rand.Rand, _ int) string {
			return fmt.Sprintf("+%d %d %04d %04d", pick(r, []int{1, 44, 34, 39}), 2+r.IntN(8), r.IntN(10000), r.IntN(10000))
		}, inject: []injection{badInj(3, "n/a", "call me", "+1 555 CALL")}},
	}}
}
