/* sms.h: sending one SMS through the HTTP gateway of an SMS provider (libcurl), configured by URL, method, body
 * template and an authentication header, the way Turkish providers' APIs work. */
#ifndef KALEM_NOTIFY_SMS_H
#define KALEM_NOTIFY_SMS_H
#include "store/db.h"
#include "store/outbox.h"
#include "util/buf.h"

struct sms_config {
	char url[1100];           /* "" = SMS is not configured */
	char method[8];           /* "GET" or "POST" */
	char body_template[4200]; /* POST body */
	char auth_header[128];    /* e.g. "Authorization"; "" = none */
	char auth_value[1100];
	char sender[64];          /* the sender id (başlık) the provider registered */
	char ca_file[512];        /* env KALEM_TLS_CA_FILE, "" = the system's CAs */
	long timeout_s;
};

/* Reads the sms.* settings (store/settings.h) and KALEM_TLS_CA_FILE; timeout_s = 30. Returns 0, or -1 on a
 * database error. */
int sms_config_load(struct db *db, struct sms_config *cfg /* OUT */);

/* How placeholder values are escaped: in a URL or a form body (percent-encoding), a JSON body (string escapes),
 * an XML body (entities). */
enum sms_format { SMS_FORM, SMS_JSON, SMS_XML };
/* The format of a POST body template, judged by its first non-blank character: '{' or '[' JSON, '<' XML, anything
 * else a form (application/x-www-form-urlencoded). */
enum sms_format sms_body_format(const char *body_template);
/* The Content-Type sent with a body of that format. */
const char *sms_content_type(enum sms_format format);

/* The values of the placeholders. */
struct sms_fields {
	const char *to;     /* {to}: E.164, "+905321234567"; {to_digits}: the same without "+" */
	const char *text;   /* {text}: the message, UTF-8 */
	const char *sender; /* {sender}: the sender id */
	const char *ref;    /* {ref}: our unique reference of the message ("kalem-ID"), for gateways that take one */
};
/* Appends tmpl to out with each of {to} {to_digits} {text} {sender} {ref} replaced by its value escaped for
 * format; any other text, braces included, is copied as is. */
void sms_fill(struct buf *out, const char *tmpl, enum sms_format format, const struct sms_fields *f);

/* Sends one message: cfg->method to cfg->url (placeholders filled, percent-encoded) with, for POST, the filled
 * body template, and the auth header. Redirects are not followed. Fills *rep (OUT): DELIVERY_ACCEPTED on a 2xx
 * answer (provider_id: the gateway's message id when the answer holds one, see sms_provider_id);
 * DELIVERY_REFUSED on a 4xx answer other than 408 and 429 (the same request would be refused again);
 * DELIVERY_RETRY otherwise, with the status and the start of the answer in rep->error. Thread-safe (after
 * curl_global_init). */
void sms_send(const struct sms_config *cfg, const struct sms_fields *f, struct delivery_report *rep);

/* The gateway's id for an accepted message, from its answer: a JSON object's "id", "message_id", "messageId",
 * "msgid", "jobid", "job_id" or "reference" (at the top or inside "data"), or else the answer's first line when it
 * is short; "" when neither. out (OUT) is always terminated. */
void sms_provider_id(const char *answer, char *out, size_t outsz);

#endif
