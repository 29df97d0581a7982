// Package vocab holds the general English and data-engineering vocabulary
// that name matching uses: abbreviations expanded to words, groups of
// synonyms folded onto one concept, and noise words that carry no meaning in
// a column name. It contains no dataset-specific names.
package vocab

// abbrev maps common abbreviations, as they appear in column names, to the
// word they stand for.
var abbrev = map[string]string{
	"qty": "quantity", "qnty": "quantity", "amt": "amount", "amnt": "amount", "addr": "address",
	"adr": "address", "dt": "date", "dte": "date", "ts": "timestamp", "tstamp": "timestamp",
	"num": "number", "no": "number", "nbr": "number", "nr": "number", "nm": "name", "nme": "name",
	"cd": "code", "desc": "description", "descr": "description", "dsc": "description",
	"id": "identifier", "ids": "identifier", "key": "identifier", "ref": "reference",
	"boro": "borough", "brgh": "borough", "blk": "block", "st": "street", "str": "street",
	"ave": "avenue", "rd": "road", "apt": "apartment", "ste": "suite", "cty": "city", "ctry": "country",
	"cntry": "country", "prov": "province", "zip": "postal", "zipcode": "postal", "postcode": "postal",
	"tel": "phone", "ph": "phone", "phn": "phone", "mob": "mobile", "cell": "mobile", "fax": "fax",
	"dob": "birthdate", "bday": "birthdate", "yr": "year", "mo": "month", "mth": "month", "dy": "day",
	"hr": "hour", "min": "minimum", "max": "maximum", "avg": "average", "tot": "total", "ttl": "total",
	"pct": "percent", "perc": "percent", "cnt": "count", "dept": "department", "div": "division",
	"emp": "employee", "empl": "employee", "mgr": "manager", "mngr": "manager", "org": "organization",
	"co": "company", "comp": "company", "cust": "customer", "clnt": "client", "acct": "account",
	"acc": "account", "bal": "balance", "txn": "transaction", "trx": "transaction", "tx": "transaction",
	"trans": "transaction", "pmt": "payment", "pymt": "payment", "inv": "invoice", "ord": "order",
	"prod": "product", "itm": "item", "cat": "category", "categ": "category", "ccy": "currency",
	"cur": "currency", "curr": "currency", "lat": "latitude", "lon": "longitude", "lng": "longitude",
	"long": "longitude", "temp": "temperature", "hum": "humidity", "dev": "device", "sens": "sensor",
	"msg": "message", "img": "image", "pic": "image", "usr": "user", "pwd": "password", "pw": "password",
	"stat": "status", "sts": "status", "fname": "first", "lname": "last", "mname": "middle",
	"fn": "first", "ln": "last", "mi": "middle", "pt": "patient", "pat": "patient", "dx": "diagnosis",
	"rx": "prescription", "med": "medication", "meds": "medication", "dr": "doctor",
	"phys": "physician", "hosp": "hospital", "adm": "admission", "dsch": "discharge", "wt": "weight",
	"ht": "height", "bp": "pressure", "sal": "salary", "comm": "commission", "pos": "position",
	"loc": "location", "lvl": "level", "grp": "group", "seq": "sequence", "ver": "version",
	"src": "source", "tgt": "target", "dest": "destination", "dst": "destination", "orig": "origin",
	"approx": "approximate", "est": "estimate", "dist": "district", "rec": "record", "recs": "record",
	"ship": "shipping", "shp": "shipping", "bill": "billing", "bll": "billing",
	"vol": "volume", "wk": "week", "sku": "sku", "upc": "barcode", "ean": "barcode", "gtin": "barcode",
	"ip": "ip", "url": "url", "uri": "url", "web": "website", "www": "website", "lang": "language",
	"tz": "timezone", "gen": "gender", "nat": "nationality", "pref": "preference", "cfg": "config",
	"conf": "configuration", "info": "information", "nbhd": "neighborhood", "reg": "region",
	"arch": "architect", "bldg": "building", "fac": "facility", "sch": "school", "yrs": "year",
}

// synonyms maps a word to its concept: words in one group match each other.
var synonyms = map[string]string{}

var groups = [][]string{
	{"customer", "client", "buyer", "purchaser", "consumer"},
	{"identifier", "identity", "uid", "guid", "uuid"},
	{"amount", "sum", "value"},
	{"price", "cost", "rate", "fee", "charge"},
	{"quantity", "qty", "units", "count"},
	{"date", "day"},
	{"timestamp", "datetime", "time"},
	{"created", "creation", "inserted", "registered", "signup", "opened"},
	{"updated", "modified", "changed", "edited"},
	{"birthdate", "birthday", "born"},
	{"gender", "sex"},
	{"company", "organization", "organisation", "employer", "firm", "business", "enterprise"},
	{"city", "town", "municipality", "locality"},
	{"state", "province", "region", "county"},
	{"country", "nation"},
	{"postal", "zip", "postcode"},
	{"street", "address", "addr", "road", "line"},
	{"phone", "telephone", "tel", "contact"},
	{"mobile", "cellphone"},
	{"email", "mail", "e-mail"},
	{"first", "given", "forename", "firstname"},
	{"last", "surname", "family", "lastname"},
	{"description", "details", "notes", "comment", "comments", "remarks", "summary", "text"},
	{"status", "condition"},
	{"type", "kind", "category", "class", "classification"},
	{"number", "no"},
	{"salary", "wage", "pay", "compensation", "income", "earnings"},
	{"department", "division", "unit", "team"},
	{"employee", "staff", "worker", "personnel"},
	{"manager", "supervisor", "boss", "lead"},
	{"hire", "hired", "start", "joined", "onboarding", "began"},
	{"end", "termination", "terminated", "finish", "stop", "left"},
	{"title", "position", "role", "job", "designation"},
	{"patient", "member", "subscriber"},
	{"doctor", "physician", "provider", "clinician", "practitioner"},
	{"medication", "drug", "medicine", "prescription"},
	{"diagnosis", "condition", "icd"},
	{"payment", "remittance"},
	{"transaction", "transfer"},
	{"merchant", "vendor", "seller", "supplier", "retailer", "payee"},
	{"currency", "ccy"},
	{"account", "acct"},
	{"device", "sensor", "meter", "gauge"},
	{"temperature", "temp"},
	{"reading", "measurement", "measure", "observation", "value"},
	{"product", "item", "article", "goods", "merchandise"},
	{"order", "purchase", "booking"},
	{"shipping", "delivery", "shipment", "dispatch"},
	{"billing", "invoice", "invoicing"},
	{"total", "grand", "overall"},
	{"tag", "tags", "keyword", "keywords", "label", "labels"},
	{"website", "homepage", "url"},
	{"latitude", "lat"},
	{"longitude", "lon", "lng"},
	{"zone", "area"},
	{"begin", "start", "from"},
	{"finish", "end", "to", "until"},
	{"approximate", "approximation", "estimated", "estimate"},
	{"note", "notes", "memo"},
	{"discount", "rebate", "markdown"},
	{"tax", "vat", "gst"},
	{"score", "rating", "grade"},
	{"size", "dimension", "dimensions"},
	{"length", "len"},
	{"weight", "mass"},
	{"picture", "image", "photo"},
	{"year", "yr"},
	{"revenue", "sales", "turnover"},
	{"school", "academy"},
	{"building", "bldg"},
}

// noise are words that name no concept (table or layer prefixes, suffixes
// left by joins and copies).
var noise = map[string]bool{
	"tbl": true, "table": true, "col": true, "fld": true, "field": true, "attr": true, "the": true,
	"of": true, "a": true, "an": true, "and": true, "for": true, "in": true, "is": true, "has": true,
	"src": true, "raw": true, "stg": true, "dim": true, "fact": true, "new": true, "old": true,
	"tmp": true, "val": true, "data": true,
}

// units are words naming a unit of measure; they say little about what a
// column holds (weight_kg, weight).
var units = map[string]bool{
	"cents": true, "cent": true, "kg": true, "kgs": true, "lb": true, "lbs": true, "cm": true, "mm": true,
	"km": true, "pct": true, "percent": true, "usd": true, "eur": true, "c": true, "f": true, "ms": true,
	"sec": true, "secs": true, "seconds": true, "hrs": true, "ft": true, "m": true, "g": true,
}

// Unit reports whether w names a unit of measure.
func Unit(w string) bool { return units[w] }

func init() {
	for _, g := range groups {
		for _, w := range g {
			if _, ok := synonyms[w]; !ok {
				synonyms[w] = g[0]
			}
		}
	}
}

// Expand returns the word an abbreviation stands for, or w.
func Expand(w string) string {
	if x, ok := abbrev[w]; ok {
		return x
	}
	return w
}

// Concept returns the concept of a word (the first word of its synonym
// group), or w.
func Concept(w string) string {
	if c, ok := synonyms[w]; ok {
		return c
	}
	return w
}

// Noise reports whether w names nothing by itself.
func Noise(w string) bool { return noise[w] }
