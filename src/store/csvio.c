/* csvio.c: CSV import and export of directorates, neighbourhoods and parties (see csvio.h).
 *
 * The header names and enumerated values below are the file format (what a spreadsheet holds), not page text,
 * so they live here rather than in the string catalogue: a change of wording there must not make old files
 * unreadable. Messages about a file are catalogue keys.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucnv.h>
#include "core/phone.h"
#include "core/tckn.h"
#include "core/validate.h"
#include "store/audit.h"
#include "store/csvio.h"
#include "store/directorates.h"
#include "store/neighbourhoods.h"
#include "store/parties.h"
#include "util/csv.h"
#include "util/json_str.h"
#include "util/log.h"
#include "util/turkish.h"
#include "util/xalloc.h"

enum column_type {
	COL_TEXT,          /* one line of text */
	COL_LONGTEXT,      /* text that may hold line breaks (addresses) */
	COL_EMAIL,         /* "" or a valid address */
	COL_PHONE,         /* "" or a number phone_normalize accepts; stored as E.164 */
	COL_TCKN,          /* "" or a valid TCKN */
	COL_COUNT,         /* "" (null) or a whole number within [min, max] */
	COL_DEGREES,       /* "" (null) or decimal degrees within [min, max], stored in millionths */
	COL_BOOL,          /* yes/no; "" leaves the default (new rows) or the stored value (updates) */
	COL_CHOICE,        /* one of choices, by value or by either label */
	COL_NEIGHBOURHOOD, /* "" (null) or the name of a neighbourhood, stored as its id */
};

struct choice {
	const char *value; /* stored value */
	const char *tr;    /* written in Turkish files */
	const char *en;    /* written in English files */
	const char *also;  /* more accepted spellings, '|'-separated */
};

struct column {
	const char *key;  /* member of the values given to the store's save function */
	const char *en;   /* English header */
	const char *tr;   /* Turkish header */
	const char *also; /* more accepted headers, '|'-separated */
	enum column_type type;
	bool required;    /* the column must be there and hold a value */
	size_t max_len;   /* code points, text columns */
	const struct choice *choices;
	int64_t min, max; /* COL_COUNT; COL_DEGREES in whole degrees */
};

static const struct column directorate_columns[] = {
	{"code", "code", "kod", "müdürlük kodu|birim kodu", COL_TEXT, true, 20, NULL, 0, 0},
	{"name", "name", "ad", "adı|müdürlük|müdürlük adı|birim|birim adı|isim", COL_TEXT, true, 150, NULL, 0, 0},
	{"email", "email", "e-posta", "e-mail|eposta adresi|mail|e-posta adresi", COL_EMAIL, false, 254, NULL, 0, 0},
	{"phone", "phone", "telefon", "tel|telefon no|telefon numarası", COL_PHONE, false, 30, NULL, 0, 0},
	{"manager", "manager", "müdür", "müdür adı|yönetici|sorumlu", COL_TEXT, false, 150, NULL, 0, 0},
	{"active", "active", "etkin", "aktif|durum", COL_BOOL, false, 0, NULL, 0, 0},
};
static const char *const directorate_keys[] = {"code", "name", "email", "phone", "manager", "active", NULL};

static const struct column neighbourhood_columns[] = {
	{"name", "name", "ad", "mahalle|mahalle adı|adı|isim|neighbourhood|neighborhood", COL_TEXT, true, 100, NULL, 0,
	 0},
	{"muhtar_name", "muhtar", "muhtar", "muhtar adı|muhtar adı soyadı|muhtar ad soyad|muhtar name", COL_TEXT, false,
	 150, NULL, 0, 0},
	{"muhtar_phone", "muhtar phone", "muhtar telefonu", "muhtar telefon|muhtar tel|muhtar gsm", COL_PHONE, false,
	 30, NULL, 0, 0},
	{"muhtar_email", "muhtar email", "muhtar e-postası", "muhtar e-posta|muhtar eposta|muhtar mail|muhtar e-mail",
	 COL_EMAIL, false, 254, NULL, 0, 0},
	{"population", "population", "nüfus", "nufus sayısı", COL_COUNT, false, 0, NULL, 0, 10000000},
	{"lat_e6", "latitude", "enlem", "lat|lat_e6", COL_DEGREES, false, 0, NULL, -90, 90},
	{"lon_e6", "longitude", "boylam", "lon|lng|lon_e6", COL_DEGREES, false, 0, NULL, -180, 180},
	{"active", "active", "etkin", "aktif|durum", COL_BOOL, false, 0, NULL, 0, 0},
};
static const char *const neighbourhood_keys[] = {"name",       "muhtar_name", "muhtar_phone", "muhtar_email",
						  "population", "lat_e6",      "lon_e6",       "active",
						  NULL};

static const struct choice party_kinds[] = {
	{"citizen", "vatandaş", "citizen", "kişi|gerçek kişi|şahıs|person|individual"},
	{"institution", "kurum", "institution", "kuruluş|tüzel kişi|organisation|organization"},
	{NULL, NULL, NULL, NULL},
};
static const struct choice institution_kinds[] = {
	{"public", "kamu", "public", "resmi|kamu kurumu"},
	{"private", "özel", "private", "özel sektör|şirket|firma|company"},
	{"ngo", "STK", "NGO", "sivil toplum|sivil toplum kuruluşu|dernek|vakıf"},
	{NULL, NULL, NULL, NULL},
};
static const struct choice channels[] = {
	{"phone", "telefon", "phone", "tel|arama"},
	{"sms", "SMS", "SMS", "kısa mesaj|mesaj|text"},
	{"email", "e-posta", "email", "eposta|mail|e-mail"},
	{"letter", "mektup", "letter", "posta|yazı|mail letter"},
	{NULL, NULL, NULL, NULL},
};

static const struct column party_columns[] = {
	{"kind", "kind", "tür", "tip|kişi türü|kayıt türü|type", COL_CHOICE, false, 0, party_kinds, 0, 0},
	{"institution_kind", "institution kind", "kurum türü", "kurum tipi|institution type", COL_CHOICE, false, 0,
	 institution_kinds, 0, 0},
	{"name", "name", "ad", "ad soyad|adı soyadı|ad soyadı|adı|isim|unvan|kurum adı|full name", COL_TEXT, true, 200,
	 NULL, 0, 0},
	{"tckn", "tckn", "tc kimlik no", "tc|tc no|tc kimlik|tc kimlik numarası|kimlik no|national id", COL_TCKN, false,
	 0, NULL, 0, 0},
	{"phone", "phone", "telefon", "tel|cep telefonu|cep|gsm|telefon no|mobile", COL_PHONE, false, 30, NULL, 0, 0},
	{"email", "email", "e-posta", "e-mail|mail|e-posta adresi", COL_EMAIL, false, 254, NULL, 0, 0},
	{"address", "address", "adres", "açık adres", COL_LONGTEXT, false, 500, NULL, 0, 0},
	{"neighbourhood_id", "neighbourhood", "mahalle", "mahalle adı|neighborhood", COL_NEIGHBOURHOOD, false, 0, NULL,
	 0, 0},
	{"preferred_channel", "preferred channel", "tercih edilen kanal", "iletişim kanalı|kanal|channel", COL_CHOICE,
	 false, 0, channels, 0, 0},
	{"contact_person", "contact person", "yetkili kişi", "ilgili kişi|irtibat kişisi|yetkili|contact", COL_TEXT,
	 false, 150, NULL, 0, 0},
	{"kvkk_consent", "kvkk consent", "kvkk onayı", "açık rıza|rıza|kvkk|kvkk izni|consent", COL_BOOL, false, 0,
	 NULL, 0, 0},
};
/* kvkk_consent is passed only when the file has it: party_save keeps the recorded consent otherwise. */
static const char *const party_keys[] = {"kind",    "institution_kind", "name",          "tckn",
					 "phone",   "email",            "address",       "neighbourhood_id",
					 "preferred_channel", "contact_person", NULL};

struct kind_spec {
	const char *name;
	const char *tr_name; /* folded Turkish name accepted by csvio_kind_from_name */
	const struct column *columns;
	size_t n_columns;
	const char *const *keys;
};

#define SPEC(name, tr, cols, keys) {name, tr, cols, sizeof cols / sizeof cols[0], keys}
static const struct kind_spec kinds[] = {
	SPEC("directorates", "mudurlukler", directorate_columns, directorate_keys),
	SPEC("neighbourhoods", "mahalleler", neighbourhood_columns, neighbourhood_keys),
	SPEC("parties", "kisiler", party_columns, party_keys),
};

int csvio_kind_from_name(const char *name, enum csvio_kind *out)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcmp(name, kinds[i].name) == 0 || strcmp(name, kinds[i].tr_name) == 0) {
			*out = (enum csvio_kind)i;
			return 0;
		}
	}
	return -1;
}

const char *csvio_kind_name(enum csvio_kind kind)
{
	return kinds[kind].name;
}

/* ---- Text helpers ---- */

/* A header or choice as compared: folded (case, accents, dotless i), only letters and digits kept. */
static char *squash(const char *s)
{
	char *f = tr_fold(s);
	size_t o = 0;
	for (size_t i = 0; f[i]; i++)
		if (isalnum((unsigned char)f[i]) || (unsigned char)f[i] >= 0x80)
			f[o++] = f[i];
	f[o] = '\0';
	return f;
}

/* Whether squashed text t equals the squashed form of one of the '|'-separated names in list (or of a or b). */
static bool names_match(const char *t, const char *a, const char *b, const char *list)
{
	const char *single[2] = {a, b};
	for (int i = 0; i < 2; i++) {
		if (!single[i])
			continue;
		char *s = squash(single[i]);
		bool eq = strcmp(s, t) == 0;
		free(s);
		if (eq)
			return true;
	}
	while (list && *list) {
		const char *bar = strchr(list, '|');
		size_t n = bar ? (size_t)(bar - list) : strlen(list);
		char *one = xstrndup(list, n), *s = squash(one);
		bool eq = strcmp(s, t) == 0;
		free(one);
		free(s);
		if (eq)
			return true;
		list = bar ? bar + 1 : NULL;
	}
	return false;
}

/* Trims ASCII white space in place. */
static char *trim(char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static bool has_control(const char *s, bool allow_breaks)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && !(allow_breaks && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f)
			return true;
	return false;
}

/* Whole number, digits only (an optional sign). */
static bool parse_count(const char *s, int64_t *out)
{
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	if (!*p || strlen(p) > 15)
		return false;
	for (const char *q = p; *q; q++)
		if (*q < '0' || *q > '9')
			return false;
	*out = strtoll(s, NULL, 10);
	return true;
}

/* "37.874612" or "37,8746" (Turkish decimal comma) -> millionths; digits beyond the sixth are dropped, like the
 * form does. */
static bool parse_degrees(const char *s, int64_t *out)
{
	bool neg = *s == '-';
	if (neg || *s == '+')
		s++;
	int64_t whole = 0, frac = 0;
	int digits = 0, fd = 0;
	for (; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
		whole = whole * 10 + (*s - '0');
	if (*s == '.' || *s == ',') {
		for (s++; *s >= '0' && *s <= '9'; s++)
			if (fd < 6) {
				frac = frac * 10 + (*s - '0');
				fd++;
			}
	}
	if (*s || !digits)
		return false;
	while (fd++ < 6)
		frac *= 10;
	*out = (whole * 1000000 + frac) * (neg ? -1 : 1);
	return true;
}

static const char *const bool_true[] = {"1", "evet", "e", "yes", "y", "true", "dogru", "var", "x", "aktif", "etkin",
					"on", NULL};
static const char *const bool_false[] = {"0", "hayir", "h", "no", "n", "false", "yanlis", "yok", "pasif", "off", NULL};

/* 1 true, 0 false, -1 not a yes/no word. */
static int parse_bool(const char *s)
{
	char *f = squash(s);
	int v = -1;
	for (size_t i = 0; v < 0 && bool_true[i]; i++)
		if (strcmp(f, bool_true[i]) == 0)
			v = 1;
	for (size_t i = 0; v < 0 && bool_false[i]; i++)
		if (strcmp(f, bool_false[i]) == 0)
			v = 0;
	free(f);
	return v;
}

static const struct choice *find_choice(const struct choice *choices, const char *s)
{
	char *f = squash(s);
	const struct choice *found = NULL;
	for (const struct choice *c = choices; c->value && !found; c++)
		if (names_match(f, c->value, c->tr, c->also) || names_match(f, c->en, NULL, NULL))
			found = c;
	free(f);
	return found;
}

static const char *choice_label(const struct choice *choices, const char *value, enum lang lang)
{
	for (const struct choice *c = choices; c->value; c++)
		if (strcmp(c->value, value) == 0)
			return lang == LANG_TR ? c->tr : c->en;
	return value;
}

static const char *header_of(const struct column *c, enum lang lang)
{
	return lang == LANG_TR ? c->tr : c->en;
}

json_t *csvio_columns(enum csvio_kind kind, enum lang lang)
{
	const struct kind_spec *spec = &kinds[kind];
	json_t *list = json_array();
	for (size_t i = 0; i < spec->n_columns; i++) {
		const struct column *c = &spec->columns[i];
		struct buf also = BUF_INIT;
		buf_init(&also);
		for (const char *p = c->also; *p; p++) {
			if (*p == '|')
				buf_adds(&also, ", ");
			else
				buf_addc(&also, *p);
		}
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:b}", "header", header_of(c, lang), "other",
						      header_of(c, lang == LANG_TR ? LANG_EN : LANG_TR), "also",
						      also.data, "required", c->required));
		buf_free(&also);
	}
	return list;
}

/* ---- Import ---- */

static const char SQL_DIRECTORATE_BY_CODE[] = "SELECT id FROM directorates WHERE code = ?";
static const char SQL_NEIGHBOURHOOD_BY_FOLD[] = "SELECT id FROM neighbourhoods WHERE name_fold = ? ORDER BY id LIMIT 1";
static const char SQL_PARTY_BY_TCKN[] = "SELECT id FROM parties WHERE tckn = ?";
static const char SQL_INSTITUTION_BY_NAME[] = "SELECT id FROM parties WHERE kind = 'institution' AND tckn IS NULL "
					      "AND name = ? ORDER BY id LIMIT 1";
static const char SQL_CITIZEN_BY_NAME_PHONE[] = "SELECT id FROM parties WHERE kind = 'citizen' AND tckn IS NULL "
						"AND name = ? AND phone = ? ORDER BY id LIMIT 1";

struct import {
	struct db *db;
	const char *actor;
	const struct kind_spec *spec;
	enum lang lang;
	struct csvio_result *res;
	bool header_seen;
	size_t n_file_columns;
	int file_to_column[CSV_MAX_COLUMNS]; /* -1: ignored column */
	char *header_text[CSV_MAX_COLUMNS];  /* the file's own header texts, for messages */
	int column_in_file[CSV_MAX_COLUMNS]; /* by column index: the file column, or -1 when absent */
	json_t *seen;                        /* natural key -> line it was first seen on */
	bool db_failed;
};

/* Records a problem. column: the column's name as shown to the user ("" for the whole row). args (stolen, may be
 * NULL) fill the message's placeholders; {field} defaults to column. */
static void problem(struct import *im, size_t line, const char *column, const char *key, json_t *args)
{
	struct csvio_result *res = im->res;
	res->problems_total++;
	if (res->problems_total > CSVIO_MAX_PROBLEMS) {
		json_decref(args);
		return;
	}
	if (!args)
		args = json_object();
	if (!json_object_get(args, "field"))
		json_object_set_new(args, "field", json_string(column));
	struct buf msg = BUF_INIT;
	i18n_format(&msg, im->lang, key, args);
	json_array_append_new(res->problems, json_pack("{s:I,s:s,s:s,s:s}", "line", (json_int_t)line, "column",
						       column, "message", msg.data, "key", key));
	buf_free(&msg);
	json_decref(args);
}

/* Comma-separated headers of the kind, in lang, for "unknown column" messages. */
static char *known_headers(const struct kind_spec *spec, enum lang lang)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < spec->n_columns; i++) {
		if (i)
			buf_adds(&b, ", ");
		buf_adds(&b, header_of(&spec->columns[i], lang));
	}
	return buf_detach(&b, NULL);
}

static void read_header(struct import *im, size_t line, char **fields, size_t n)
{
	const struct kind_spec *spec = im->spec;
	im->n_file_columns = n;
	for (size_t c = 0; c < spec->n_columns; c++)
		im->column_in_file[c] = -1;
	for (size_t i = 0; i < n; i++) {
		char *text = trim(csv_unguard(fields[i]));
		im->header_text[i] = xstrdup(text);
		im->file_to_column[i] = -1;
		if (!*text)
			continue; /* spreadsheets leave empty columns at the right */
		char *s = squash(text);
		int found = -1;
		for (size_t c = 0; c < spec->n_columns && found < 0; c++) {
			const struct column *col = &spec->columns[c];
			if (names_match(s, col->en, col->tr, col->also) || names_match(s, col->key, NULL, NULL))
				found = (int)c;
		}
		free(s);
		if (found < 0) {
			char *known = known_headers(spec, im->lang);
			problem(im, line, text, "csv.error.unknown_column",
				json_pack("{s:s,s:s}", "column", text, "known", known));
			free(known);
		} else if (im->column_in_file[found] >= 0) {
			problem(im, line, text, "csv.error.duplicate_column", json_pack("{s:s}", "column", text));
		} else {
			im->column_in_file[found] = (int)i;
			im->file_to_column[i] = found;
		}
	}
	for (size_t c = 0; c < spec->n_columns; c++) {
		const struct column *col = &spec->columns[c];
		if (col->required && im->column_in_file[c] < 0)
			problem(im, line, header_of(col, im->lang), "csv.error.missing_column",
				json_pack("{s:s}", "column", header_of(col, im->lang)));
	}
}

static int64_t lookup_id(struct db *db, const char *sql, const char *a, const char *b)
{
	struct db_stmt *st = db_prep(db, sql);
	if (!st)
		return -1;
	db_bind_text(st, 1, a);
	if (b)
		db_bind_text(st, 2, b);
	enum db_rc rc = db_step(st);
	int64_t id = rc == DB_ROW ? db_col_int(st, 0) : rc == DB_OK ? 0 : -1;
	db_reset(st);
	return id;
}

static int64_t neighbourhood_by_name(struct db *db, const char *name)
{
	char *fold = tr_fold(name);
	int64_t id = lookup_id(db, SQL_NEIGHBOURHOOD_BY_FOLD, fold, NULL);
	free(fold);
	return id;
}

/* Checks one cell and stores its typed value in given[col->key]. Returns false after recording a problem. */
static bool check_cell(struct import *im, size_t line, const struct column *col, const char *label, char *raw,
		       json_t *given)
{
	char *v = trim(csv_unguard(raw));
	if (!*v) {
		if (col->required) {
			problem(im, line, label, "error.required", NULL);
			return false;
		}
		switch (col->type) {
		case COL_BOOL:
			break; /* the default, or what is stored */
		case COL_COUNT:
		case COL_DEGREES:
		case COL_NEIGHBOURHOOD:
			json_object_set_new(given, col->key, json_null());
			break;
		default:
			json_object_set_new(given, col->key, json_string(""));
			break;
		}
		return true;
	}
	if (has_control(v, col->type == COL_LONGTEXT)) {
		problem(im, line, label, "error.invalid", NULL);
		return false;
	}
	int64_t n;
	switch (col->type) {
	case COL_TEXT:
	case COL_LONGTEXT:
		if (utf8_length(v) > col->max_len) {
			problem(im, line, label, "error.too_long", NULL);
			return false;
		}
		json_object_set_new(given, col->key, json_string(v));
		return true;
	case COL_EMAIL:
		if (!email_valid(v)) {
			problem(im, line, label, "error.email", NULL);
			return false;
		}
		json_object_set_new(given, col->key, json_string(v));
		return true;
	case COL_PHONE: {
		char e164[PHONE_E164_SIZE];
		if (phone_normalize(v, e164) != 0) {
			problem(im, line, label, "error.phone", NULL);
			return false;
		}
		json_object_set_new(given, col->key, json_string(e164));
		return true;
	}
	case COL_TCKN:
		if (strchr(v, '*')) {
			problem(im, line, label, "csv.error.tckn_masked", NULL);
			return false;
		}
		if (!tckn_valid(v)) {
			problem(im, line, label, "error.tckn", NULL);
			return false;
		}
		json_object_set_new(given, col->key, json_string(v));
		return true;
	case COL_COUNT:
		if (!parse_count(v, &n) || n < col->min || n > col->max) {
			problem(im, line, label, "error.number", NULL);
			return false;
		}
		json_object_set_new(given, col->key, json_integer(n));
		return true;
	case COL_DEGREES:
		if (!parse_degrees(v, &n) || n < col->min * 1000000 || n > col->max * 1000000) {
			problem(im, line, label, "csv.error.degrees", NULL);
			return false;
		}
		json_object_set_new(given, col->key, json_integer(n));
		return true;
	case COL_BOOL: {
		int b = parse_bool(v);
		if (b < 0) {
			problem(im, line, label, "csv.error.boolean", NULL);
			return false;
		}
		json_object_set_new(given, col->key, json_boolean(b));
		return true;
	}
	case COL_CHOICE: {
		const struct choice *c = find_choice(col->choices, v);
		if (!c) {
			struct buf list = BUF_INIT;
			for (const struct choice *k = col->choices; k->value; k++)
				buf_addf(&list, "%s%s", k == col->choices ? "" : ", ", im->lang == LANG_TR ? k->tr : k->en);
			problem(im, line, label, "csv.error.choice", json_pack("{s:s}", "choices", list.data));
			buf_free(&list);
			return false;
		}
		json_object_set_new(given, col->key, json_string(c->value));
		return true;
	}
	case COL_NEIGHBOURHOOD: {
		int64_t id = neighbourhood_by_name(im->db, v);
		if (id < 0) {
			im->db_failed = true;
			return false;
		}
		if (id == 0) {
			problem(im, line, label, "csv.error.unknown_neighbourhood", json_pack("{s:s}", "name", v));
			return false;
		}
		json_object_set_new(given, col->key, json_integer(id));
		return true;
	}
	}
	return false;
}

/* The label of the column with key, as the file names it (or in the caller's language when absent). */
static const char *label_of(struct import *im, const char *key)
{
	for (size_t c = 0; c < im->spec->n_columns; c++) {
		if (strcmp(im->spec->columns[c].key, key) != 0)
			continue;
		int f = im->column_in_file[c];
		return f >= 0 ? im->header_text[f] : header_of(&im->spec->columns[c], im->lang);
	}
	return key;
}

/* Notes the row's natural key; false (problem recorded) when an earlier row of the file had it. */
static bool first_in_file(struct import *im, size_t line, const char *column, const char *key)
{
	json_t *earlier = json_object_get(im->seen, key);
	if (earlier) {
		problem(im, line, column, "csv.error.duplicate_row",
			json_pack("{s:I}", "line", (json_int_t)json_integer_value(earlier)));
		return false;
	}
	json_object_set_new(im->seen, key, json_integer((json_int_t)line));
	return true;
}

/* The natural key of a directorate row: its code. Returns the existing id, 0 for new, -1 for a database error,
 * -2 when the row is refused. */
static int64_t directorate_match(struct import *im, size_t line, json_t *given)
{
	const char *code = json_str(given, "code");
	if (!first_in_file(im, line, label_of(im, "code"), code))
		return -2;
	return lookup_id(im->db, SQL_DIRECTORATE_BY_CODE, code, NULL);
}

static int64_t neighbourhood_match(struct import *im, size_t line, json_t *given)
{
	char *fold = tr_fold(json_str(given, "name"));
	bool first = first_in_file(im, line, label_of(im, "name"), fold);
	free(fold);
	return first ? neighbourhood_by_name(im->db, json_str(given, "name")) : -2;
}

static int64_t party_match(struct import *im, size_t line, json_t *given)
{
	const char *tckn = json_str(given, "tckn"), *name = json_str(given, "name"), *phone = json_str(given, "phone");
	const char *kind = json_str(given, "kind");
	char *key;
	int64_t id;
	if (*tckn) {
		key = xasprintf("t:%s", tckn);
		id = first_in_file(im, line, label_of(im, "tckn"), key) ? lookup_id(im->db, SQL_PARTY_BY_TCKN, tckn, NULL)
									 : -2;
	} else if (!strcmp(kind, "institution")) {
		key = xasprintf("i:%s", name);
		id = first_in_file(im, line, label_of(im, "name"), key)
			     ? lookup_id(im->db, SQL_INSTITUTION_BY_NAME, name, NULL)
			     : -2;
	} else if (*phone) {
		key = xasprintf("c:%s|%s", name, phone);
		id = first_in_file(im, line, label_of(im, "name"), key)
			     ? lookup_id(im->db, SQL_CITIZEN_BY_NAME_PHONE, name, phone)
			     : -2;
	} else {
		return 0;
	}
	free(key);
	return id;
}

/* The rules between columns of a party; values is the merged record. Returns false after recording problems. */
static bool party_rules(struct import *im, size_t line, json_t *given, json_t *values)
{
	bool ok = true;
	const char *kind = json_str(values, "kind");
	if (!strcmp(kind, "institution")) {
		if (!*json_str(values, "institution_kind")) {
			problem(im, line, label_of(im, "institution_kind"), "csv.error.institution_kind_missing", NULL);
			ok = false;
		}
		if (*json_str(values, "tckn")) {
			problem(im, line, label_of(im, "tckn"), "csv.error.tckn_institution", NULL);
			ok = false;
		}
	} else if (*json_str(given, "institution_kind")) {
		problem(im, line, label_of(im, "institution_kind"), "csv.error.institution_kind_citizen", NULL);
		ok = false;
	} else {
		json_object_set_new(values, "institution_kind", json_string(""));
	}
	const char *channel = json_str(given, "preferred_channel");
	if (!strcmp(channel, "email") && !*json_str(values, "email")) {
		problem(im, line, label_of(im, "preferred_channel"), "csv.error.channel_email", NULL);
		ok = false;
	} else if ((!strcmp(channel, "sms") || !strcmp(channel, "phone")) && !*json_str(values, "phone")) {
		problem(im, line, label_of(im, "preferred_channel"), "csv.error.channel_phone", NULL);
		ok = false;
	} else if (!*json_str(values, "preferred_channel")) {
		/* Not in the file, new record: the first way of reaching them that the row gives. */
		json_object_set_new(values, "preferred_channel",
				    json_string(*json_str(values, "phone")   ? "phone"
						: *json_str(values, "email") ? "email"
									: "letter"));
	}
	return ok;
}

/* Defaults of a new record of the kind. */
static json_t *defaults(const struct kind_spec *spec)
{
	if (spec->columns == directorate_columns)
		return json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "code", "", "name", "", "email", "", "phone", "", "manager",
				 "", "active", 1);
	if (spec->columns == neighbourhood_columns)
		return json_pack("{s:s,s:s,s:s,s:s,s:n,s:n,s:n,s:b}", "name", "", "muhtar_name", "", "muhtar_phone", "",
				 "muhtar_email", "", "population", "lat_e6", "lon_e6", "active", 1);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:n,s:s,s:s}", "kind", "citizen", "institution_kind", "",
			 "name", "", "tckn", "", "phone", "", "email", "", "address", "", "neighbourhood_id",
			 "preferred_channel", "", "contact_person", "");
}

/* The stored values of record id, limited to the members the save function takes. NULL if absent. */
static json_t *stored(struct import *im, int64_t id)
{
	json_t *rec;
	if (im->spec->columns == directorate_columns)
		rec = directorate_get(im->db, id);
	else if (im->spec->columns == neighbourhood_columns)
		rec = neighbourhood_get(im->db, id);
	else
		rec = party_get(im->db, id, true);
	if (!rec)
		return NULL;
	json_t *values = json_object();
	for (const char *const *k = im->spec->keys; *k; k++) {
		json_t *v = json_object_get(rec, *k);
		json_object_set(values, *k, v ? v : json_null());
	}
	/* Passing the consent as it stands keeps it (and its time) unchanged. */
	if (im->spec->columns == party_columns)
		json_object_set_new(values, "kvkk_consent",
				    json_boolean(json_is_integer(json_object_get(rec, "kvkk_consent_at"))));
	json_decref(rec);
	return values;
}

static int64_t save(struct import *im, int64_t id, const json_t *values)
{
	if (im->spec->columns == directorate_columns)
		return directorate_save(im->db, im->actor, id, values);
	if (im->spec->columns == neighbourhood_columns)
		return neighbourhood_save(im->db, im->actor, id, values);
	return party_save(im->db, im->actor, id, values);
}

/* The natural-key column, for duplicate messages. */
static const char *key_column(struct import *im, const json_t *values)
{
	if (im->spec->columns == directorate_columns)
		return "code";
	if (im->spec->columns == party_columns && *json_str(values, "tckn"))
		return "tckn";
	return "name";
}

static void data_row(struct import *im, size_t line, char **fields, size_t n)
{
	const struct kind_spec *spec = im->spec;
	for (size_t i = im->n_file_columns; i < n; i++) {
		if (*trim(fields[i])) {
			problem(im, line, "", "csv.error.extra_fields",
				json_pack("{s:I,s:I}", "count", (json_int_t)n, "columns", (json_int_t)im->n_file_columns));
			return;
		}
	}
	json_t *given = json_object();
	bool ok = true;
	for (size_t i = 0; i < n && i < im->n_file_columns; i++) {
		int c = im->file_to_column[i];
		if (c >= 0 && !check_cell(im, line, &spec->columns[c], im->header_text[i], fields[i], given))
			ok = false;
	}
	/* Short rows: the missing cells are empty. */
	for (size_t c = 0; c < spec->n_columns; c++) {
		int f = im->column_in_file[c];
		if (f >= (int)n && !check_cell(im, line, &spec->columns[c], im->header_text[f], (char[]){""}, given))
			ok = false;
	}
	if (!ok || im->db_failed)
		goto out;
	/* A party without a kind is an institution if it has an institution kind, else a citizen (new rows) or
	 * what it was (updates). */
	if (spec->columns == party_columns && !*json_str(given, "kind")) {
		json_object_del(given, "kind");
		if (*json_str(given, "institution_kind"))
			json_object_set_new(given, "kind", json_string("institution"));
	}

	int64_t id = spec->columns == directorate_columns     ? directorate_match(im, line, given)
		     : spec->columns == neighbourhood_columns ? neighbourhood_match(im, line, given)
							      : party_match(im, line, given);
	if (id == -1) {
		im->db_failed = true;
		goto out;
	}
	if (id == -2)
		goto out;
	json_t *values = id ? stored(im, id) : defaults(spec);
	if (!values) {
		im->db_failed = true;
		goto out;
	}
	json_t *before = id ? json_deep_copy(values) : NULL;
	/* A neighbourhood is found by its folded name; keep the stored spelling, so that a list in capitals
	 * ("ALAVARDI") does not rename "Alavardı". */
	if (id && spec->columns == neighbourhood_columns)
		json_object_set(given, "name", json_object_get(values, "name"));
	json_object_update(values, given);
	bool rules = true;
	if (spec->columns == neighbourhood_columns &&
	    json_is_null(json_object_get(values, "lat_e6")) != json_is_null(json_object_get(values, "lon_e6"))) {
		problem(im, line, label_of(im, json_is_null(json_object_get(values, "lat_e6")) ? "lat_e6" : "lon_e6"),
			"csv.error.coordinates_pair", NULL);
		rules = false;
	}
	if (spec->columns == party_columns)
		rules = party_rules(im, line, given, values) && rules;
	/* Once any row is refused nothing will be kept, so stop writing but go on checking. A row that changes
	 * nothing is not written (no audit event for it). */
	if (rules && before && json_equal(before, values)) {
		im->res->unchanged++;
	} else if (rules && im->res->problems_total == 0) {
		int64_t rid = save(im, id, values);
		if (rid > 0) {
			if (id)
				im->res->updated++;
			else
				im->res->inserted++;
		} else if (rid == DB_CONSTRAINT) {
			const char *k = key_column(im, values);
			problem(im, line, label_of(im, k), "error.duplicate", NULL);
		} else {
			im->db_failed = true;
		}
	}
	json_decref(values);
	json_decref(before);
out:
	json_decref(given);
}

static bool blank_row(char **fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (const char *p = fields[i]; *p; p++)
			if (!isspace((unsigned char)*p))
				return false;
	return true;
}

enum { STOP_DB_ERROR = 1 };

static int on_row(void *ctx, size_t line, char **fields, size_t n)
{
	struct import *im = ctx;
	if (blank_row(fields, n))
		return 0;
	if (!im->header_seen) {
		im->header_seen = true;
		read_header(im, line, fields, n);
		return 0;
	}
	im->res->rows++;
	data_row(im, line, fields, n);
	return im->db_failed ? STOP_DB_ERROR : 0;
}

/* data as Windows-1254 converted to UTF-8 (xmalloc'd, *out_len set), or NULL. */
static char *from_windows_1254(const char *data, size_t len, size_t *out_len)
{
	if (len > INT32_MAX / 3 - 1)
		return NULL;
	UErrorCode status = U_ZERO_ERROR;
	char *out = xmalloc(len * 3 + 1);
	int32_t n = ucnv_convert("UTF-8", "windows-1254", out, (int32_t)(len * 3 + 1), data, (int32_t)len, &status);
	if (U_FAILURE(status)) {
		free(out);
		return NULL;
	}
	*out_len = (size_t)n;
	return out;
}

static const char *const parse_error_keys[] = {
	[CSV_OK] = "csv.error.quote",
	[CSV_ERR_QUOTE] = "csv.error.quote",
	[CSV_ERR_AFTER_QUOTE] = "csv.error.after_quote",
	[CSV_ERR_COLUMNS] = "csv.error.columns",
	[CSV_ERR_FIELD_LENGTH] = "csv.error.field_length",
	[CSV_ERR_NUL] = "csv.error.nul",
};

void csvio_result_free(struct csvio_result *result)
{
	json_decref(result->problems);
	result->problems = NULL;
}

int csvio_import(struct db *db, const char *actor, enum csvio_kind kind, const char *data, size_t len,
		 enum lang lang, struct csvio_result *result)
{
	memset(result, 0, sizeof *result);
	result->problems = json_array();
	struct import im = {.db = db, .actor = actor, .spec = &kinds[kind], .lang = lang, .res = result};
	im.seen = json_object();
	char *converted = NULL;
	int rc = -1;
	if (!utf8_valid(data, len)) {
		size_t n;
		converted = from_windows_1254(data, len, &n);
		if (!converted) {
			problem(&im, 0, "", "csv.error.encoding", NULL);
			rc = 1;
			goto out;
		}
		data = converted;
		len = n;
		result->converted = true;
	}
	if (db_begin_write(db) != 0)
		goto out;
	struct csv_failure failure;
	int prc = csv_parse_ex(data, len, on_row, &im, &failure);
	if (prc == -1) {
		problem(&im, failure.line, "", parse_error_keys[failure.code],
			json_pack("{s:i,s:i}", "max_columns", CSV_MAX_COLUMNS, "max_bytes", CSV_MAX_FIELD));
	} else if (!im.header_seen) {
		problem(&im, 0, "", "csv.error.empty", NULL);
	} else if (result->rows == 0 && result->problems_total == 0) {
		problem(&im, 0, "", "csv.error.no_rows", NULL);
	}
	if (im.db_failed || result->problems_total > 0) {
		db_rollback(db);
		result->inserted = result->updated = result->unchanged = 0;
		rc = im.db_failed ? -1 : 1;
		goto out;
	}
	json_t *summary = json_pack("{s:i,s:i,s:i,s:i}", "rows", result->rows, "inserted", result->inserted,
				    "updated", result->updated, "unchanged", result->unchanged);
	int arc = audit_append_key(db, actor, "import", "csv", im.spec->name, NULL, summary);
	json_decref(summary);
	if (arc != 0 || db_commit(db) != 0) {
		if (arc != 0)
			db_rollback(db);
		result->inserted = result->updated = result->unchanged = 0;
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < im.n_file_columns; i++)
		free(im.header_text[i]);
	json_decref(im.seen);
	free(converted);
	return rc;
}

/* ---- Export ---- */

static const char SQL_EXPORT_DIRECTORATES[] =
	"SELECT code, name, email, phone, manager, active FROM directorates ORDER BY sort_key, id";
static const char SQL_EXPORT_NEIGHBOURHOODS[] = "SELECT name, muhtar_name, muhtar_phone, muhtar_email, population, "
						"lat_e6, lon_e6, active FROM neighbourhoods ORDER BY sort_key, id";
static const char SQL_EXPORT_PARTIES[] =
	"SELECT p.kind, p.institution_kind, p.name, p.tckn, p.phone, p.email, p.address, n.name, "
	"p.preferred_channel, p.contact_person, p.kvkk_consent_at FROM parties p "
	"LEFT JOIN neighbourhoods n ON n.id = p.neighbourhood_id ORDER BY p.sort_key, p.id";

/* One cell of an export row from column i of st, as text in cell (which may point into st or into space). */
static const char *export_cell(struct db_stmt *st, int i, const struct column *col,
			       const struct csvio_export_options *opt, char space[64])
{
	const char *text = db_col_text(st, i);
	switch (col->type) {
	case COL_TCKN:
		if (!*text || opt->full_tckn)
			return text;
		tckn_mask(text, space);
		return space;
	case COL_COUNT:
		if (db_col_is_null(st, i) || db_col_int(st, i) <= 0)
			return "";
		snprintf(space, 64, "%lld", (long long)db_col_int(st, i));
		return space;
	case COL_DEGREES: {
		if (db_col_is_null(st, i))
			return "";
		int64_t v = db_col_int(st, i);
		unsigned long long a = v < 0 ? (unsigned long long)-v : (unsigned long long)v;
		snprintf(space, 64, "%s%llu.%06llu", v < 0 ? "-" : "", a / 1000000, a % 1000000);
		return space;
	}
	case COL_BOOL: {
		/* active is 0/1; kvkk_consent_at is a time or NULL. */
		bool on = !db_col_is_null(st, i) && db_col_int(st, i) != 0;
		return opt->lang == LANG_TR ? (on ? "evet" : "hayır") : (on ? "yes" : "no");
	}
	case COL_CHOICE:
		return *text ? choice_label(col->choices, text, opt->lang) : "";
	default:
		return text;
	}
}

int csvio_export(struct db *db, const char *actor, enum csvio_kind kind, const struct csvio_export_options *opt,
		 struct buf *out)
{
	const struct kind_spec *spec = &kinds[kind];
	const char *sql = kind == CSVIO_DIRECTORATES	 ? SQL_EXPORT_DIRECTORATES
			  : kind == CSVIO_NEIGHBOURHOODS ? SQL_EXPORT_NEIGHBOURHOODS
							 : SQL_EXPORT_PARTIES;
	char sep = opt->sep == ';' ? ';' : ',';
	const char *cells[CSV_MAX_COLUMNS];
	char space[CSV_MAX_COLUMNS][64];
	if (opt->bom)
		buf_adds(out, "\xEF\xBB\xBF");
	for (size_t c = 0; c < spec->n_columns; c++)
		cells[c] = header_of(&spec->columns[c], opt->lang);
	csv_add_row(out, cells, spec->n_columns, sep);

	if (db_begin_read(db) != 0)
		return -1;
	struct db_stmt *st = db_prep(db, sql);
	if (!st) {
		db_rollback(db);
		return -1;
	}
	int rows = 0;
	enum db_rc rc;
	while ((rc = db_step(st)) == DB_ROW) {
		for (size_t c = 0; c < spec->n_columns; c++)
			cells[c] = export_cell(st, (int)c, &spec->columns[c], opt, space[c]);
		csv_add_row(out, cells, spec->n_columns, sep);
		rows++;
	}
	db_rollback(db);
	if (rc != DB_OK)
		return error("cannot export %s", spec->name);

	if (db_begin_write(db) != 0)
		return -1;
	json_t *after = json_pack("{s:i,s:b}", "rows", rows, "full_tckn", opt->full_tckn && kind == CSVIO_PARTIES);
	int arc = audit_append_key(db, actor, "export", "csv", spec->name, NULL, after);
	json_decref(after);
	if (arc != 0) {
		db_rollback(db);
		return -1;
	}
	if (db_commit(db) != 0)
		return -1;
	return rows;
}
