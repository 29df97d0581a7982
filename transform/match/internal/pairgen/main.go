// Command pairgen writes the realistic schema-matching pairs under
// transform/match/testdata/pairs: for each pair a source.csv, a target.csv
// and a truth.json. The output is deterministic (fixed seeds), so running it
// again changes nothing unless this file changes.
//
//	go run ./transform/match/internal/pairgen -out transform/match/testdata/pairs
//
// Each pair draws rows of one kind of entity; the two sides share part of
// the entities, name and format columns differently, and hold distractors
// and columns with no partner. Pairs marked held out were not looked at while
// the scoring model was tuned.
package main

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// entity is one generated record: named attributes as text.
type entity map[string]string

// col maps an entity attribute to a column: its name, and a formatter.
type col struct {
	name string
	attr string
	fmt  func(v string, r *rand.Rand) string
}

type pair struct {
	name    string
	heldOut bool
	src     []col
	tgt     []col
	truth   [][2]string
	// extra draws the attributes of extraAttrs from a second random
	// stream, so that adding pairs leaves the earlier ones unchanged
	extra bool
	// rows per side, and how many entities the sides share
	srcRows, tgtRows, shared int
	// gen draws entity i (nil: person); round, when set, is written to truth.json
	gen   func(i int, r *rand.Rand) entity
	round int
	// byName seeds the pair's random streams from its name rather than
	// its place in the list, so that pairs added later never change it
	byName bool
}

// nameSeed is the FNV-1a hash of a pair's name.
func nameSeed(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

var (
	firsts     = strings.Fields("James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Priya Wei Ahmed Olga Lucas Sofia Hiroshi Fatima Carlos Ana")
	lasts      = strings.Fields("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Nakamura Okafor Novak Schmidt")
	streets    = strings.Fields("Main Oak Pine Maple Cedar Elm Washington Lake Hill Park Sunset Lincoln Jackson River Church Spring Highland Forest")
	kinds      = strings.Fields("St Ave Rd Blvd Ln Dr")
	cities     = []string{"Boston", "Chicago", "Seattle", "Denver", "Austin", "Portland", "Atlanta", "Miami", "Phoenix", "Dallas", "Toronto", "London", "Paris", "Berlin", "Madrid"}
	countries  = []string{"United States", "Canada", "United Kingdom", "France", "Germany", "Spain", "Italy", "Japan", "Brazil", "India", "Mexico", "Australia"}
	iso2       = map[string]string{"United States": "US", "Canada": "CA", "United Kingdom": "GB", "France": "FR", "Germany": "DE", "Spain": "ES", "Italy": "IT", "Japan": "JP", "Brazil": "BR", "India": "IN", "Mexico": "MX", "Australia": "AU"}
	depts      = []string{"Engineering", "Sales", "Marketing", "Finance", "Human Resources", "Legal", "Operations", "Support"}
	titles     = []string{"Software Engineer", "Account Executive", "Analyst", "Director", "Manager", "Recruiter", "Accountant", "Designer", "Support Specialist"}
	statuses   = []string{"pending", "shipped", "delivered", "cancelled", "returned"}
	currencies = []string{"USD", "EUR", "GBP", "CAD", "JPY"}
	insurers   = []string{"Aetna", "Cigna", "Humana", "Kaiser Permanente", "UnitedHealthcare", "Blue Cross"}
	dxcodes    = []string{"E11.9", "I10", "J45.909", "M54.5", "F41.1", "K21.9", "N39.0", "R51", "J06.9", "E78.5"}
	merchants  = []string{"Acme Corp", "Globex", "Initech", "Umbrella Market", "Stark Supplies", "Wayne Foods", "Hooli", "Vandelay Imports"}
	categories = []string{"Electronics", "Garden", "Toys", "Kitchen", "Books", "Sports", "Beauty", "Automotive"}
	plans      = []string{"free", "basic", "pro", "enterprise"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func date(r *rand.Rand, y0, y1 int) string {
	return fmt.Sprintf("%04d-%02d-%02d", y0+r.IntN(y1-y0+1), 1+r.IntN(12), 1+r.IntN(28))
}

func person(i int, r *rand.Rand) entity {
	f, l := pick(r, firsts), pick(r, lasts)
	return entity{
		"first": f, "last": l, "full": f + " " + l,
		"email": strings.ToLower(f+"."+l) + fmt.Sprint(i) + "@" + pick(r, []string{"gmail.com", "example.org", "mail.com", "corp.io"}),
		"phone": fmt.Sprintf("%03d%03d%04d", 200+r.IntN(700), 200+r.IntN(700), r.IntN(10000)),
		"dob":   date(r, 1950, 2004), "city": pick(r, cities), "country": pick(r, countries),
		"street":  fmt.Sprintf("%d %s %s", 1+r.IntN(9999), pick(r, streets), pick(r, kinds)),
		"street2": fmt.Sprintf("%d %s %s", 1+r.IntN(9999), pick(r, streets), pick(r, kinds)),
		"zip":     fmt.Sprintf("%05d", 10000+r.IntN(89999)),
		"bool":    fmt.Sprint(r.IntN(3) > 0), "bool2": fmt.Sprint(r.IntN(2) > 0),
		"ts": fmt.Sprintf("%sT%02d:%02d:%02dZ", date(r, 2018, 2024), r.IntN(24), r.IntN(60), r.IntN(60)),
		"id": fmt.Sprint(100000 + i), "id2": fmt.Sprint(1 + r.IntN(500)),
		"cents": fmt.Sprint(500 + r.IntN(200000)), "small": fmt.Sprint(1 + r.IntN(9)),
		"plan": pick(r, plans), "note": pick(r, []string{"called back", "prefers email", "VIP", "asked for refund", "new lead", ""}),
		"gender": pick(r, []string{"M", "F"}), "uuid": fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", r.Uint32(), r.IntN(1<<16), r.IntN(1<<12), r.IntN(1<<12), r.Uint64()&(1<<48-1)),
		"dept": pick(r, depts), "title": pick(r, titles), "status": pick(r, statuses), "cur": pick(r, currencies),
		"salary": fmt.Sprint(40000 + 1000*r.IntN(120)), "date2": date(r, 2010, 2024), "date3": date(r, 2010, 2024),
		"dx": pick(r, dxcodes), "insurer": pick(r, insurers), "merchant": pick(r, merchants), "cat": pick(r, categories),
		"weight": fmt.Sprintf("%.1f", 45+r.Float64()*70), "height": fmt.Sprint(150 + r.IntN(50)),
		"temp": fmt.Sprintf("%.2f", 15+r.Float64()*15), "hum": fmt.Sprintf("%.1f", 20+r.Float64()*60),
		"lat": fmt.Sprintf("%.6f", 25+r.Float64()*23), "lon": fmt.Sprintf("%.6f", -124+r.Float64()*55),
		"batt": fmt.Sprint(r.IntN(101)), "fw": fmt.Sprintf("v%d.%d.%d", 1+r.IntN(3), r.IntN(10), r.IntN(20)),
		"sku": fmt.Sprintf("SKU-%05d", r.IntN(100000)), "acct": fmt.Sprintf("%010d", r.Int64N(1e10)),
		"last4": fmt.Sprintf("%04d", r.IntN(10000)), "score": fmt.Sprint(300 + r.IntN(551)),
	}
}

// extraAttrs adds attributes used by the pairs added in the second tuning
// round: booleans of different true shares, integers of different ranges,
// small categoricals and ratings. It draws from its own stream.
func extraAttrs(e entity, r *rand.Rand) {
	e["flag20"] = fmt.Sprint(r.IntN(5) == 0)
	e["flag85"] = fmt.Sprint(r.IntN(20) < 17)
	e["flag50"] = fmt.Sprint(r.IntN(2) == 0)
	e["flag35"] = fmt.Sprint(r.IntN(20) < 7)
	e["age"] = fmt.Sprint(18 + r.IntN(60))
	e["months"] = fmt.Sprint(1 + r.IntN(240))
	e["days30"] = fmt.Sprint(r.IntN(31))
	e["stock"] = fmt.Sprint(r.IntN(900))
	e["reorder"] = fmt.Sprint(10 + r.IntN(40))
	e["prio"] = pick(r, []string{"low", "medium", "high", "urgent"})
	e["chan"] = pick(r, []string{"web", "phone", "email", "chat", "store"})
	e["grade"] = pick(r, []string{"A1", "A2", "B1", "B2", "C1", "C2", "D1"})
	e["rating"] = fmt.Sprintf("%.1f", 1+r.Float64()*4)
	e["terr"] = pick(r, []string{"North", "South", "East", "West", "Central"})
	e["ticket"] = fmt.Sprintf("TCK-%06d", r.IntN(1000000))
}

// formatters
func same(v string, _ *rand.Rand) string { return v }
func mdy(v string, _ *rand.Rand) string  { return v[5:7] + "/" + v[8:10] + "/" + v[:4] }
func dmyDot(v string, _ *rand.Rand) string {
	return v[8:10] + "." + v[5:7] + "." + v[:4]
}
func tsDate(v string, _ *rand.Rand) string { return v[:10] }
func phoneParen(v string, _ *rand.Rand) string {
	return "(" + v[:3] + ") " + v[3:6] + "-" + v[6:]
}
func phoneDash(v string, _ *rand.Rand) string { return v[:3] + "-" + v[3:6] + "-" + v[6:] }
func phonePlus(v string, _ *rand.Rand) string { return "+1 " + v[:3] + " " + v[3:6] + " " + v[6:] }
func yn(v string, _ *rand.Rand) string {
	if v == "true" {
		return "Y"
	}
	return "N"
}
func dollars(v string, _ *rand.Rand) string {
	n := 0
	fmt.Sscan(v, &n)
	return fmt.Sprintf("%d.%02d", n/100, n%100)
}
func country2(v string, _ *rand.Rand) string { return iso2[v] }
func upper(v string, _ *rand.Rand) string    { return strings.ToUpper(v) }
func oneZero(v string, _ *rand.Rand) string {
	if v == "true" {
		return "1"
	}
	return "0"
}
func c(name, attr string) col                                     { return col{name, attr, same} }
func cf(name, attr string, f func(string, *rand.Rand) string) col { return col{name, attr, f} }

var pairs = []pair{
	{
		name: "crm_contacts", srcRows: 120, tgtRows: 100, shared: 70,
		src: []col{c("cust_id", "id"), c("fname", "first"), c("lname", "last"), c("email_addr", "email"),
			cf("phone", "phone", phoneParen), cf("dob", "dob", mdy), c("cntry", "country"), cf("signup_ts", "ts", same),
			cf("is_active", "bool", yn), c("notes", "note"), c("city", "city")},
		tgt: []col{c("customer_id", "id"), c("first_name", "first"), c("last_name", "last"), c("email", "email"),
			cf("phone_number", "phone", phoneDash), c("birth_date", "dob"), cf("country_code", "country", country2),
			cf("created_at", "ts", same), c("active", "bool"), c("loyalty_tier", "plan"), c("town", "city")},
		truth: [][2]string{{"cust_id", "customer_id"}, {"fname", "first_name"}, {"lname", "last_name"}, {"email_addr", "email"},
			{"phone", "phone_number"}, {"dob", "birth_date"}, {"cntry", "country_code"}, {"signup_ts", "created_at"},
			{"is_active", "active"}, {"city", "town"}},
	},
	{
		name: "orders", srcRows: 150, tgtRows: 120, shared: 90,
		src: []col{c("ord_no", "id"), c("cust_ref", "id2"), cf("order_dt", "date2", mdy), c("amt_cents", "cents"),
			c("qty", "small"), c("ship_addr", "street"), c("bill_addr", "street2"), c("ship_city", "city"), cf("status", "status", upper),
			c("cur", "cur")},
		tgt: []col{c("order_id", "id"), c("customer_id", "id2"), c("order_date", "date2"), cf("total_amount", "cents", dollars),
			c("quantity", "small"), c("shipping_address", "street"), c("billing_address", "street2"), c("shipping_city", "city"),
			c("order_status", "status"), c("currency", "cur"), c("coupon_code", "sku")},
		truth: [][2]string{{"ord_no", "order_id"}, {"cust_ref", "customer_id"}, {"order_dt", "order_date"}, {"amt_cents", "total_amount"},
			{"qty", "quantity"}, {"ship_addr", "shipping_address"}, {"bill_addr", "billing_address"}, {"ship_city", "shipping_city"},
			{"status", "order_status"}, {"cur", "currency"}},
	},
	{
		name: "hr_employees", srcRows: 110, tgtRows: 110, shared: 80,
		src: []col{c("emp_id", "id"), c("full_nm", "full"), c("dept", "dept"), cf("hire_dt", "date2", dmyDot), c("sal", "salary"),
			c("mgr_id", "id2"), c("title", "title"), c("email", "email"), c("gender", "gender"), c("ssn_last4", "last4")},
		tgt: []col{c("employee_number", "id"), c("name", "full"), c("department", "dept"), c("start_date", "date2"),
			c("annual_salary", "salary"), c("manager_id", "id2"), c("job_title", "title"), c("work_email", "email"), c("sex", "gender"),
			c("termination_date", "date3")},
		truth: [][2]string{{"emp_id", "employee_number"}, {"full_nm", "name"}, {"dept", "department"}, {"hire_dt", "start_date"},
			{"sal", "annual_salary"}, {"mgr_id", "manager_id"}, {"title", "job_title"}, {"email", "work_email"}, {"gender", "sex"}},
	},
	{
		name: "legacy_crm_opaque", srcRows: 120, tgtRows: 100, shared: 80,
		src: []col{c("col_1", "email"), cf("col_2", "phone", phoneDash), c("col_3", "city"), c("col_4", "zip"),
			c("col_5", "full"), cf("col_6", "dob", mdy), c("col_7", "plan"), c("col_8", "note")},
		tgt: []col{c("email", "email"), cf("mobile", "phone", phoneParen), c("city", "city"), c("postal_code", "zip"),
			c("contact_name", "full"), c("date_of_birth", "dob"), c("subscription", "plan"), c("credit_score", "score")},
		truth: [][2]string{{"col_1", "email"}, {"col_2", "mobile"}, {"col_3", "city"}, {"col_4", "postal_code"},
			{"col_5", "contact_name"}, {"col_6", "date_of_birth"}, {"col_7", "subscription"}},
	},
	{
		name: "healthcare_admissions", heldOut: true, srcRows: 120, tgtRows: 100, shared: 70,
		src: []col{c("pt_id", "id"), c("dx_code", "dx"), cf("adm_dt", "date2", mdy), cf("dsch_dt", "date3", mdy),
			c("attending_md", "full"), c("wt_kg", "weight"), c("ht_cm", "height"), c("ins_provider", "insurer"), c("zip", "zip"),
			cf("smoker", "bool2", yn)},
		tgt: []col{c("patient_id", "id"), c("diagnosis_code", "dx"), c("admission_date", "date2"), c("discharge_date", "date3"),
			c("physician_name", "full"), c("weight_kg", "weight"), c("height_cm", "height"), c("insurer", "insurer"),
			c("postal_code", "zip"), c("is_smoker", "bool2"), c("room_number", "small")},
		truth: [][2]string{{"pt_id", "patient_id"}, {"dx_code", "diagnosis_code"}, {"adm_dt", "admission_date"}, {"dsch_dt", "discharge_date"},
			{"attending_md", "physician_name"}, {"wt_kg", "weight_kg"}, {"ht_cm", "height_cm"}, {"ins_provider", "insurer"},
			{"zip", "postal_code"}, {"smoker", "is_smoker"}},
	},
	{
		name: "payments", heldOut: true, srcRows: 140, tgtRows: 120, shared: 90,
		src: []col{c("txn_id", "uuid"), c("acct_no", "acct"), c("amt", "cents"), c("ccy", "cur"), c("merchant", "merchant"),
			c("txn_ts", "ts"), c("card_last4", "last4"), c("country", "country"), c("risk_flag", "bool2")},
		tgt: []col{c("transaction_id", "uuid"), c("account_number", "acct"), cf("amount", "cents", dollars), c("currency_code", "cur"),
			c("payee_name", "merchant"), cf("created_date", "ts", tsDate), cf("country_iso", "country", country2), c("fee", "small")},
		truth: [][2]string{{"txn_id", "transaction_id"}, {"acct_no", "account_number"}, {"amt", "amount"}, {"ccy", "currency_code"},
			{"merchant", "payee_name"}, {"txn_ts", "created_date"}, {"country", "country_iso"}},
	},
	{
		name: "iot_readings", heldOut: true, srcRows: 160, tgtRows: 140, shared: 100,
		src: []col{c("dev_id", "id2"), c("ts", "ts"), c("temp_c", "temp"), c("hum", "hum"), c("lat", "lat"), c("lng", "lon"),
			c("batt", "batt"), c("fw_ver", "fw"), c("rssi", "score")},
		tgt: []col{c("device_id", "id2"), c("reading_time", "ts"), c("temperature", "temp"), c("humidity_pct", "hum"),
			c("latitude", "lat"), c("longitude", "lon"), c("battery_level", "batt"), c("firmware", "fw")},
		truth: [][2]string{{"dev_id", "device_id"}, {"ts", "reading_time"}, {"temp_c", "temperature"}, {"hum", "humidity_pct"},
			{"lat", "latitude"}, {"lng", "longitude"}, {"batt", "battery_level"}, {"fw_ver", "firmware"}},
	},
	{
		name: "products_empty_target", heldOut: true, srcRows: 80, tgtRows: 0, shared: 0,
		src: []col{c("sku", "sku"), c("prod_nm", "full"), c("cat", "cat"), c("unit_price", "cents"), c("wt", "weight"),
			cf("in_stock", "bool", yn), c("supplier", "merchant"), c("created", "date2")},
		tgt: []col{c("product_sku", "sku"), c("product_name", "full"), c("category", "cat"), c("price", "cents"),
			c("weight", "weight"), c("available", "bool"), c("vendor", "merchant"), c("created_at", "date2"), c("barcode", "acct")},
		truth: [][2]string{{"sku", "product_sku"}, {"prod_nm", "product_name"}, {"cat", "category"}, {"unit_price", "price"},
			{"wt", "weight"}, {"in_stock", "available"}, {"supplier", "vendor"}, {"created", "created_at"}},
	},
	{
		name: "events_opaque", heldOut: true, srcRows: 120, tgtRows: 100, shared: 80,
		src: []col{c("f1", "uuid"), c("f2", "ts"), c("f3", "email"), c("f4", "country"), c("f5", "cents"), c("f6", "fw")},
		tgt: []col{c("event_id", "uuid"), c("occurred_at", "ts"), c("user_email", "email"), c("country", "country"),
			cf("revenue", "cents", dollars), c("app_version", "fw"), c("session_count", "small")},
		truth: [][2]string{{"f1", "event_id"}, {"f2", "occurred_at"}, {"f3", "user_email"}, {"f4", "country"},
			{"f5", "revenue"}, {"f6", "app_version"}},
	},
	{
		// added after the first held-out run, evaluated once
		name: "insurance_claims", heldOut: true, srcRows: 130, tgtRows: 110, shared: 80,
		src: []col{c("claim_no", "id"), c("policy_holder", "full"), cf("clm_dt", "date2", mdy), c("paid_cents", "cents"),
			cf("status", "status", upper), c("zip", "zip"), c("email", "email"), cf("dob", "dob", dmyDot), c("adjuster_notes", "note")},
		tgt: []col{c("claim_id", "id"), c("insured_name", "full"), c("claim_date", "date2"), cf("paid_amount", "cents", dollars),
			c("claim_status", "status"), c("postal_code", "zip"), c("contact_email", "email"), c("date_of_birth", "dob"),
			c("deductible", "small")},
		truth: [][2]string{{"claim_no", "claim_id"}, {"policy_holder", "insured_name"}, {"clm_dt", "claim_date"},
			{"paid_cents", "paid_amount"}, {"status", "claim_status"}, {"zip", "postal_code"}, {"email", "contact_email"},
			{"dob", "date_of_birth"}},
	},
	{
		// added after the first held-out run, evaluated once
		name: "saas_subscriptions", heldOut: true, srcRows: 120, tgtRows: 120, shared: 90,
		src: []col{c("acct_id", "id"), c("plan", "plan"), c("mrr_cents", "cents"), c("signup", "date2"), cf("churned", "bool2", yn),
			c("country", "country"), c("seats", "small"), c("owner_email", "email"), c("last_login", "date3")},
		tgt: []col{c("account_id", "id"), c("plan_tier", "plan"), cf("monthly_revenue", "cents", dollars), c("start_date", "date2"),
			c("is_cancelled", "bool2"), cf("country_code", "country", country2), c("licenses", "small"), c("admin_email", "email"),
			c("nps_score", "score")},
		truth: [][2]string{{"acct_id", "account_id"}, {"plan", "plan_tier"}, {"mrr_cents", "monthly_revenue"}, {"signup", "start_date"},
			{"churned", "is_cancelled"}, {"country", "country_code"}, {"seats", "licenses"}, {"owner_email", "admin_email"}},
	},
	{
		// added after the first held-out run, evaluated once
		name: "logistics_shipments", heldOut: true, srcRows: 140, tgtRows: 120, shared: 90,
		src: []col{c("shp_id", "id"), c("pickup_addr", "street"), c("drop_addr", "street2"), c("wt", "weight"), c("ship_dt", "ts"),
			cf("eta", "date2", mdy), c("carrier", "merchant"), cf("col_9", "phone", phoneDash), c("pkg_count", "small")},
		tgt: []col{c("shipment_id", "id"), c("origin_address", "street"), c("destination_address", "street2"), c("weight", "weight"),
			c("shipped_at", "ts"), c("expected_delivery", "date2"), c("carrier_name", "merchant"), cf("recipient_phone", "phone", phonePlus),
			cf("insured_value", "cents", dollars)},
		truth: [][2]string{{"shp_id", "shipment_id"}, {"pickup_addr", "origin_address"}, {"drop_addr", "destination_address"},
			{"wt", "weight"}, {"ship_dt", "shipped_at"}, {"eta", "expected_delivery"}, {"carrier", "carrier_name"},
			{"col_9", "recipient_phone"}},
	},
	{
		// second tuning round: synonyms from the general lexicon, and
		// columns whose names say nothing, left to the values once the
		// clear pairs are fixed (booleans by their share of true,
		// integers by range), with partnerless distractors of the
		// same types
		name: "support_tickets", extra: true, srcRows: 140, tgtRows: 120, shared: 90,
		src: []col{c("tkt_ref", "ticket"), c("opened", "ts"), c("cust_email", "email"), c("prio", "prio"), c("chan", "chan"),
			cf("hot", "flag20", yn), c("reopen_cnt", "small"), c("csat", "rating"), c("agent", "full")},
		tgt: []col{c("ticket_number", "ticket"), c("created_at", "ts"), c("requester_email", "email"), cf("severity", "prio", upper),
			c("channel", "chan"), c("escalated", "flag20"), c("times_reopened", "small"), c("satisfaction", "rating"),
			c("assignee_name", "full"), c("sla_breached", "flag85")},
		truth: [][2]string{{"tkt_ref", "ticket_number"}, {"opened", "created_at"}, {"cust_email", "requester_email"},
			{"prio", "severity"}, {"chan", "channel"}, {"hot", "escalated"}, {"reopen_cnt", "times_reopened"},
			{"csat", "satisfaction"}, {"agent", "assignee_name"}},
	},
	{
		name: "hr_benefits", extra: true, srcRows: 120, tgtRows: 110, shared: 85,
		src: []col{c("emp_no", "id"), c("age_yrs", "age"), c("tenure", "months"), cf("union", "flag20", yn),
			cf("remote", "flag50", oneZero), c("band", "grade"), c("pto", "days30"), c("dob", "dob")},
		tgt: []col{c("employee_id", "id"), c("age", "age"), c("months_of_service", "months"), c("collective_agreement", "flag20"),
			c("works_from_home", "flag50"), c("pay_grade", "grade"), c("vacation_days_left", "days30"),
			c("on_leave", "flag85"), c("birth_date", "dob")},
		truth: [][2]string{{"emp_no", "employee_id"}, {"age_yrs", "age"}, {"tenure", "months_of_service"},
			{"union", "collective_agreement"}, {"remote", "works_from_home"}, {"band", "pay_grade"},
			{"pto", "vacation_days_left"}, {"dob", "birth_date"}},
	},
	{
		name: "retail_inventory", extra: true, srcRows: 130, tgtRows: 120, shared: 90,
		src: []col{c("item_code", "sku"), c("descr", "full"), c("qoh", "stock"), c("reorder_pt", "reorder"),
			cf("discontinued", "flag20", yn), c("unit_cost", "cents"), c("terr", "terr"), cf("taxable", "flag85", yn),
			c("supplier", "merchant")},
		tgt: []col{c("sku", "sku"), c("product_description", "full"), c("stock_level", "stock"), c("min_stock", "reorder"),
			c("retired", "flag20"), cf("cost_price", "cents", dollars), c("sales_region", "terr"), c("featured", "flag50"),
			c("vendor_name", "merchant"), c("shelf_life_days", "days30")},
		truth: [][2]string{{"item_code", "sku"}, {"descr", "product_description"}, {"qoh", "stock_level"},
			{"reorder_pt", "min_stock"}, {"discontinued", "retired"}, {"unit_cost", "cost_price"}, {"terr", "sales_region"},
			{"supplier", "vendor_name"}},
	},
	{
		name: "clinic_visits", extra: true, srcRows: 120, tgtRows: 100, shared: 80,
		src: []col{c("mrn", "id"), cf("visit_dt", "date2", mdy), c("provider", "full"), c("pulse", "score"),
			cf("new_pt", "flag35", yn), cf("telehealth", "flag50", yn), c("payer", "insurer"), c("los_days", "days30"),
			c("copay_cents", "cents")},
		tgt: []col{c("patient_number", "id"), c("encounter_date", "date2"), c("clinician", "full"),
			c("first_visit", "flag35"), c("virtual", "flag50"), c("insurance_company", "insurer"),
			c("length_of_stay", "days30"), cf("copay", "cents", dollars), c("no_show", "flag85")},
		truth: [][2]string{{"mrn", "patient_number"}, {"visit_dt", "encounter_date"}, {"provider", "clinician"},
			{"new_pt", "first_visit"}, {"telehealth", "virtual"}, {"payer", "insurance_company"}, {"los_days", "length_of_stay"},
			{"copay_cents", "copay"}},
	},
}

func write(path string, cols []col, ents []entity, r *rand.Rand) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	h := make([]string, len(cols))
	for i, c := range cols {
		h[i] = c.name
	}
	w.Write(h)
	for _, e := range ents {
		rec := make([]string, len(cols))
		for i, c := range cols {
			rec[i] = c.fmt(e[c.attr], r)
		}
		w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return f.Close()
}

func main() {
	out := flag.String("out", "transform/match/testdata/pairs", "folder to write the pairs into")
	flag.Parse()
	for k, p := range pairs {
		seed := uint64(k) + 1
		if p.byName {
			seed = nameSeed(p.name)
		}
		r := rand.New(rand.NewPCG(seed, 42))
		n := p.srcRows + p.tgtRows - p.shared
		ents, gen := make([]entity, n), p.gen
		if gen == nil {
			gen = person
		}
		r2 := rand.New(rand.NewPCG(seed, 7))
		for i := range ents {
			ents[i] = gen(i, r)
			if p.extra {
				extraAttrs(ents[i], r2)
			}
		}
		src := ents[:p.srcRows]
		tgt := ents[p.srcRows-p.shared : p.srcRows-p.shared+p.tgtRows]
		r.Shuffle(len(tgt), func(i, j int) { tgt[i], tgt[j] = tgt[j], tgt[i] })
		dir := filepath.Join(*out, p.name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			log.Fatal(err)
		}
		if err := write(filepath.Join(dir, "source.csv"), p.src, src, r); err != nil {
			log.Fatal(err)
		}
		if err := write(filepath.Join(dir, "target.csv"), p.tgt, tgt, r); err != nil {
			log.Fatal(err)
		}
		b, _ := json.MarshalIndent(struct {
			Pairs   [][2]string `json:"pairs"`
			HeldOut bool        `json:"held_out"`
			Round   int         `json:"round,omitempty"`
		}{p.truth, p.heldOut, p.round}, "", "  ")
		if err := os.WriteFile(filepath.Join(dir, "truth.json"), append(b, '\n'), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
