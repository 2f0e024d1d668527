/* smtp.c: e-mail through SMTP with libcurl: the MIME message (curl_mime), RFC 2047 headers, TLS and AUTH. */
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "notify/smtp.h"
#include "store/settings.h"
#include "store/setup.h"
#include "util/log.h"
#include "util/xalloc.h"

#define LINE_MAX_CHARS 76       /* RFC 2047: lines holding encoded-words stay within 76 characters */
#define WORD_OVERHEAD 12        /* "=?UTF-8?B?" and "?=" */

/* ---- header encodings ---- */

/* Printable ASCII with no "=?" (which a reader could take for the start of an encoded-word). */
static bool plain_ascii(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p > 0x7e || (p[0] == '=' && p[1] == '?'))
			return false;
	return true;
}

/* Characters on the last line of out. */
static size_t line_length(const struct buf *out)
{
	size_t n = 0;
	while (n < out->len && out->data[out->len - 1 - n] != '\n')
		n++;
	return n;
}

/* Plain ASCII, folded before a space when a line would pass the limit. */
static void add_folded_ascii(struct buf *out, const char *text, size_t used)
{
	size_t line = used;
	const char *p = text;
	while (*p) {
		const char *end = strchr(p + 1, ' ');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (*p == ' ' && line > 1 && line + n > LINE_MAX_CHARS) {
			buf_adds(out, "\r\n");
			line = 0;
		}
		buf_add(out, p, n);
		line += n;
		p += n;
	}
}

/* Bytes of the UTF-8 character starting at p (1 for a stray byte, so bad input still moves on). */
static size_t char_bytes(const unsigned char *p)
{
	size_t n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 1;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

static void add_encoded_word(struct buf *out, const unsigned char *bytes, size_t n)
{
	char b64[128];
	sodium_bin2base64(b64, sizeof b64, bytes, n, sodium_base64_VARIANT_ORIGINAL);
	buf_adds(out, "=?UTF-8?B?");
	buf_adds(out, b64);
	buf_adds(out, "?=");
}

/* The largest whole number of raw bytes whose encoded-word fits in room characters. */
static size_t word_capacity(size_t room)
{
	return room > WORD_OVERHEAD ? (room - WORD_OVERHEAD) / 4 * 3 : 0;
}

/* Encoded-words of whole characters: the first on the current line when it has room, each further one on a line
 * of its own (CRLF SP): readers join adjacent encoded-words without the space between them. */
static void add_encoded_words(struct buf *out, const char *text, size_t used)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t line = used;
	bool first = true;
	while (*p) {
		size_t cap = word_capacity(LINE_MAX_CHARS > line ? LINE_MAX_CHARS - line : 0);
		if (!first || cap < 6) {
			buf_adds(out, "\r\n ");
			line = 1;
			cap = word_capacity(LINE_MAX_CHARS - line);
		}
		size_t n = 0;
		while (p[n]) {
			size_t c = char_bytes(p + n);
			if (n + c > cap)
				break;
			n += c;
		}
		add_encoded_word(out, p, n);
		line += WORD_OVERHEAD + (n + 2) / 3 * 4;
		p += n;
		first = false;
	}
}

void smtp_encode_text(struct buf *out, const char *text, size_t used)
{
	const char *t = text ? text : "";
	if (plain_ascii(t))
		add_folded_ascii(out, t, used);
	else
		add_encoded_words(out, t, used);
}

void smtp_format_mailbox(struct buf *out, const char *name, const char *address, size_t used)
{
	size_t start = out->len;
	if (name && *name) {
		if (plain_ascii(name)) {
			buf_addc(out, '"');
			for (const char *p = name; *p; p++) {
				if (*p == '"' || *p == '\\')
					buf_addc(out, '\\');
				buf_addc(out, *p);
			}
			buf_addc(out, '"');
		} else {
			add_encoded_words(out, name, used);
		}
		bool folded = memchr(out->data + start, '\n', out->len - start) != NULL;
		size_t line = folded ? line_length(out) : used + (out->len - start);
		buf_adds(out, line + strlen(address) + 3 > LINE_MAX_CHARS ? "\r\n " : " ");
	}
	buf_addf(out, "<%s>", address);
}

void smtp_format_date(char out[40], int64_t t)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t local = (time_t)(t + 3 * 3600);
	struct tm tm;
	gmtime_r(&local, &tm);
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0300", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void smtp_message_id(char *out, size_t outsz, int64_t id, int64_t created_at, const char *from_address)
{
	const char *at = from_address ? strrchr(from_address, '@') : NULL;
	const char *domain = at && at[1] ? at + 1 : "kalem.invalid";
	snprintf(out, outsz, "<kalem.%lld.%lld@%s>", (long long)id, (long long)created_at, domain);
}

/* ---- settings ---- */

static int get(struct db *db, const char *key, char *out, size_t outsz, const char *dflt)
{
	int rc = setting_get(db, key, out, outsz);
	if (rc == 0)
		snprintf(out, outsz, "%s", dflt);
	return rc < 0 ? -1 : 0;
}

int smtp_config_load(struct db *db, struct smtp_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	char port[16];
	if (get(db, SETTING_SMTP_HOST, cfg->host, sizeof cfg->host, "") != 0 ||
	    get(db, SETTING_SMTP_PORT, port, sizeof port, "") != 0 ||
	    get(db, SETTING_SMTP_SECURITY, cfg->security, sizeof cfg->security, "starttls") != 0 ||
	    get(db, SETTING_SMTP_USERNAME, cfg->username, sizeof cfg->username, "") != 0 ||
	    get(db, SETTING_SMTP_PASSWORD, cfg->password, sizeof cfg->password, "") != 0 ||
	    get(db, SETTING_SMTP_FROM_ADDRESS, cfg->from_address, sizeof cfg->from_address, "") != 0 ||
	    get(db, SETTING_SMTP_FROM_NAME, cfg->from_name, sizeof cfg->from_name, "") != 0)
		return -1;
	cfg->port = atoi(port);
	const char *ca = getenv("KALEM_TLS_CA_FILE");
	snprintf(cfg->ca_file, sizeof cfg->ca_file, "%s", ca ? ca : "");
	cfg->timeout_s = 60;
	return 0;
}

/* ---- sending ---- */

/* The body with every line ending in CRLF, as a mail body must (a bare LF would be escaped by the encoder). */
static char *crlf_lines(const char *s)
{
	struct buf b = BUF_INIT;
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == '\n' && (p == s || p[-1] != '\r'))
			buf_addc(&b, '\r');
		buf_addc(&b, *p);
	}
	return buf_detach(&b, NULL);
}

static struct curl_slist *add_header(struct curl_slist *list, struct buf *line)
{
	struct curl_slist *l = curl_slist_append(list, line->data);
	if (!l)
		abort(); /* out of memory: the xmalloc policy */
	buf_reset(line);
	return l;
}

static struct curl_slist *mail_headers(const struct smtp_config *cfg, const struct mail *m)
{
	struct curl_slist *h = NULL;
	struct buf line = BUF_INIT;
	char date[40];
	smtp_format_date(date, m->date);
	buf_addf(&line, "Date: %s", date);
	h = add_header(h, &line);
	buf_adds(&line, "From: ");
	smtp_format_mailbox(&line, cfg->from_name, cfg->from_address, 6);
	h = add_header(h, &line);
	buf_addf(&line, "To: <%s>", m->to);
	h = add_header(h, &line);
	buf_adds(&line, "Subject: ");
	smtp_encode_text(&line, m->subject, 9);
	h = add_header(h, &line);
	buf_addf(&line, "Message-ID: %s", m->message_id);
	h = add_header(h, &line);
	buf_adds(&line, "MIME-Version: 1.0");
	h = add_header(h, &line);
	/* RFC 3834: out-of-office robots must not answer a machine. */
	buf_adds(&line, "Auto-Submitted: auto-generated");
	h = add_header(h, &line);
	buf_free(&line);
	return h;
}

void smtp_send(const struct smtp_config *cfg, const struct mail *m, struct delivery_report *rep)
{
	memset(rep, 0, sizeof *rep);
	rep->result = DELIVERY_RETRY;
	if (!cfg->host[0] || !cfg->from_address[0]) {
		snprintf(rep->error, sizeof rep->error,
			 "e-mail is not configured: set the SMTP server and the sender address in the settings");
		return;
	}
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(rep->error, sizeof rep->error, "cannot start libcurl");
		return;
	}
	bool smtps = strcmp(cfg->security, "tls") == 0, plain = strcmp(cfg->security, "none") == 0;
	int port = cfg->port > 0 ? cfg->port : smtps ? 465 : plain ? 25 : 587;
	bool v6 = strchr(cfg->host, ':') && cfg->host[0] != '[';
	char url[320], from[280], to[280], errbuf[CURL_ERROR_SIZE] = "";
	snprintf(url, sizeof url, "%s://%s%s%s:%d", smtps ? "smtps" : "smtp", v6 ? "[" : "", cfg->host, v6 ? "]" : "",
		 port);
	snprintf(from, sizeof from, "<%s>", cfg->from_address);
	snprintf(to, sizeof to, "<%s>", m->to);
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	struct curl_slist *headers = mail_headers(cfg, m);
	char *body = crlf_lines(m->body);

	curl_mime *mime = curl_mime_init(c);
	curl_mimepart *part = curl_mime_addpart(mime);
	curl_mime_data(part, body, CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/plain; charset=UTF-8");
	curl_mime_encoder(part, "quoted-printable");
	if (m->attachment_name && *m->attachment_name) {
		part = curl_mime_addpart(mime);
		curl_mime_data(part, m->attachment_body ? m->attachment_body : "", CURL_ZERO_TERMINATED);
		curl_mime_type(part, m->attachment_type && *m->attachment_type ? m->attachment_type
									      : "application/octet-stream");
		curl_mime_filename(part, m->attachment_name);
		curl_mime_encoder(part, "base64");
	}

	long timeout = cfg->timeout_s > 0 ? cfg->timeout_s : 60;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout < 15 ? timeout : 15L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_USE_SSL, plain ? (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
	if (cfg->ca_file[0])
		curl_easy_setopt(c, CURLOPT_CAINFO, cfg->ca_file);
	if (cfg->username[0]) {
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->username);
		curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->password);
	}
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);

	CURLcode res = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (res == CURLE_OK) {
		rep->result = DELIVERY_ACCEPTED;
		snprintf(rep->provider_id, sizeof rep->provider_id, "%s", m->message_id);
	} else {
		/* RFC 5321: a 5yz reply is permanent; repeating the same transaction would fail the same way. */
		rep->result = code >= 500 && code <= 599 ? DELIVERY_REFUSED : DELIVERY_RETRY;
		int n = snprintf(rep->error, sizeof rep->error, "SMTP %s:%d: %s", cfg->host, port,
				 errbuf[0] ? errbuf : curl_easy_strerror(res));
		if (code && n > 0 && (size_t)n < sizeof rep->error)
			snprintf(rep->error + n, sizeof rep->error - (size_t)n, " (reply %ld)", code);
	}
	curl_mime_free(mime);
	curl_slist_free_all(rcpt);
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	free(body);
}
