/* sms.c: one SMS through an HTTP gateway with libcurl: filling the URL and body templates, reading the answer. */
#include <ctype.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "notify/sms.h"
#include "store/settings.h"
#include "store/setup.h"
#include "util/xalloc.h"

#define ANSWER_MAX 8192 /* bytes of the gateway's answer kept */

static int get(struct db *db, const char *key, char *out, size_t outsz, const char *dflt)
{
	int rc = setting_get(db, key, out, outsz);
	if (rc == 0)
		snprintf(out, outsz, "%s", dflt);
	return rc < 0 ? -1 : 0;
}

int sms_config_load(struct db *db, struct sms_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	if (get(db, SETTING_SMS_URL, cfg->url, sizeof cfg->url, "") != 0 ||
	    get(db, SETTING_SMS_METHOD, cfg->method, sizeof cfg->method, "POST") != 0 ||
	    get(db, SETTING_SMS_BODY_TEMPLATE, cfg->body_template, sizeof cfg->body_template, "") != 0 ||
	    get(db, SETTING_SMS_AUTH_HEADER, cfg->auth_header, sizeof cfg->auth_header, "") != 0 ||
	    get(db, SETTING_SMS_AUTH_VALUE, cfg->auth_value, sizeof cfg->auth_value, "") != 0 ||
	    get(db, SETTING_SMS_SENDER_ID, cfg->sender, sizeof cfg->sender, "") != 0)
		return -1;
	const char *ca = getenv("KALEM_TLS_CA_FILE");
	snprintf(cfg->ca_file, sizeof cfg->ca_file, "%s", ca ? ca : "");
	cfg->timeout_s = 30;
	return 0;
}

enum sms_format sms_body_format(const char *body_template)
{
	const char *p = body_template ? body_template : "";
	while (isspace((unsigned char)*p))
		p++;
	return *p == '{' || *p == '[' ? SMS_JSON : *p == '<' ? SMS_XML : SMS_FORM;
}

const char *sms_content_type(enum sms_format format)
{
	switch (format) {
	case SMS_JSON:
		return "application/json; charset=utf-8";
	case SMS_XML:
		return "application/xml; charset=utf-8";
	case SMS_FORM:
		break;
	}
	return "application/x-www-form-urlencoded; charset=utf-8";
}

static void add_xml(struct buf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_adds(out, "&amp;"); break;
		case '<': buf_adds(out, "&lt;"); break;
		case '>': buf_adds(out, "&gt;"); break;
		case '"': buf_adds(out, "&quot;"); break;
		case '\'': buf_adds(out, "&apos;"); break;
		default: buf_addc(out, *s);
		}
	}
}

static void add_value(struct buf *out, const char *value, enum sms_format format)
{
	const char *v = value ? value : "";
	if (format == SMS_JSON)
		buf_add_json_str(out, v);
	else if (format == SMS_XML)
		add_xml(out, v);
	else
		buf_add_urlenc(out, v);
}

void sms_fill(struct buf *out, const char *tmpl, enum sms_format format, const struct sms_fields *f)
{
	const char *digits = f->to && f->to[0] == '+' ? f->to + 1 : f->to;
	const struct {
		const char *name;
		const char *value;
	} names[] = {{"{to}", f->to}, {"{to_digits}", digits}, {"{text}", f->text}, {"{sender}", f->sender},
		     {"{ref}", f->ref}};
	for (const char *p = tmpl ? tmpl : ""; *p;) {
		bool matched = false;
		if (*p == '{') {
			for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
				size_t n = strlen(names[i].name);
				if (strncmp(p, names[i].name, n) == 0) {
					add_value(out, names[i].value, format);
					p += n;
					matched = true;
					break;
				}
			}
		}
		if (!matched)
			buf_addc(out, *p++);
	}
}

/* A JSON member that may hold an id: a non-empty string, or an integer. */
static bool id_member(const json_t *o, char *out, size_t outsz)
{
	static const char *const keys[] = {"id", "message_id", "messageId", "msgid", "jobid", "job_id", "reference"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const json_t *v = json_object_get(o, keys[i]);
		if (json_is_string(v) && json_string_length(v) > 0) {
			snprintf(out, outsz, "%s", json_string_value(v));
			return true;
		}
		if (json_is_integer(v)) {
			snprintf(out, outsz, "%lld", (long long)json_integer_value(v));
			return true;
		}
	}
	return false;
}

void sms_provider_id(const char *answer, char *out, size_t outsz)
{
	out[0] = '\0';
	const char *a = answer ? answer : "";
	json_t *j = json_loads(a, JSON_DECODE_ANY, NULL);
	if (j) {
		if (json_is_object(j) && !id_member(j, out, outsz))
			id_member(json_object_get(j, "data"), out, outsz);
		json_decref(j);
		return;
	}
	while (isspace((unsigned char)*a))
		a++;
	size_t n = strcspn(a, "\r\n");
	while (n > 0 && isspace((unsigned char)a[n - 1]))
		n--;
	if (n > 0 && n < 100 && n < outsz)
		snprintf(out, outsz, "%.*s", (int)n, a);
}

static size_t keep_answer(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct buf *b = userdata;
	size_t n = size * nmemb;
	if (b->len < ANSWER_MAX)
		buf_add(b, data, n < ANSWER_MAX - b->len ? n : ANSWER_MAX - b->len);
	return n;
}

/* The first characters of an answer, on one line, for last_error. */
static void excerpt(char *out, size_t outsz, const char *answer, size_t max)
{
	size_t o = 0;
	for (const char *p = answer; *p && o + 1 < outsz && o < max; p++)
		out[o++] = (*p == '\r' || *p == '\n' || *p == '\t') ? ' ' : *p;
	out[o] = '\0';
}

void sms_send(const struct sms_config *cfg, const struct sms_fields *f, struct delivery_report *rep)
{
	memset(rep, 0, sizeof *rep);
	rep->result = DELIVERY_RETRY;
	if (!cfg->url[0]) {
		snprintf(rep->error, sizeof rep->error, "SMS is not configured: set the gateway address in the settings");
		return;
	}
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(rep->error, sizeof rep->error, "cannot start libcurl");
		return;
	}
	bool post = strcmp(cfg->method, "GET") != 0;
	enum sms_format format = sms_body_format(cfg->body_template);
	struct buf url = BUF_INIT, body = BUF_INIT, line = BUF_INIT, answer = BUF_INIT;
	sms_fill(&url, cfg->url, SMS_FORM, f);
	struct curl_slist *headers = NULL;
	if (cfg->auth_header[0]) {
		buf_addf(&line, "%s: %s", cfg->auth_header, cfg->auth_value);
		headers = curl_slist_append(headers, line.data);
		buf_reset(&line);
	}
	if (post) {
		sms_fill(&body, cfg->body_template, format, f);
		buf_addf(&line, "Content-Type: %s", sms_content_type(format));
		headers = curl_slist_append(headers, line.data);
		/* No "Expect: 100-continue" round trip: some gateways answer it wrongly. */
		headers = curl_slist_append(headers, "Expect:");
	}
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, url.data);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	long timeout = cfg->timeout_s > 0 ? cfg->timeout_s : 30;
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout < 10 ? timeout : 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "Kalem");
	if (cfg->ca_file[0])
		curl_easy_setopt(c, CURLOPT_CAINFO, cfg->ca_file);
	if (headers)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	if (post) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body.len);
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_answer);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);

	CURLcode res = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	char host[128] = "";
	const char *h = strstr(cfg->url, "://");
	if (h)
		snprintf(host, sizeof host, "%.*s", (int)strcspn(h + 3, "/?#"), h + 3);
	if (res != CURLE_OK) {
		snprintf(rep->error, sizeof rep->error, "SMS gateway %s: %s", host,
			 errbuf[0] ? errbuf : curl_easy_strerror(res));
	} else if (status >= 200 && status <= 299) {
		rep->result = DELIVERY_ACCEPTED;
		sms_provider_id(answer.data, rep->provider_id, sizeof rep->provider_id);
	} else {
		char text[240];
		excerpt(text, sizeof text, answer.data, 200);
		snprintf(rep->error, sizeof rep->error, "SMS gateway %s: HTTP %ld%s%s", host, status, text[0] ? ": " : "",
			 text);
		if (status >= 400 && status <= 499 && status != 408 && status != 429)
			rep->result = DELIVERY_REFUSED;
	}
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	buf_free(&url);
	buf_free(&body);
	buf_free(&line);
	buf_free(&answer);
}
