/* smtp.h: sending one e-mail through an SMTP server with libcurl (plain, STARTTLS or SMTPS; AUTH when a user name
 * is set), and the header encodings the message needs. */
#ifndef KALEM_NOTIFY_SMTP_H
#define KALEM_NOTIFY_SMTP_H
#include <stddef.h>
#include <stdint.h>
#include "store/db.h"
#include "store/outbox.h"
#include "util/buf.h"

struct smtp_config {
	char host[256];         /* "" = e-mail is not configured */
	int port;               /* 0: the default of the security mode (25, 587 for STARTTLS, 465 for SMTPS) */
	char security[16];      /* "none", "starttls" (required: no fallback to plain text) or "tls" (SMTPS) */
	char username[256];     /* "" = no AUTH */
	char password[512];
	char from_address[256];
	char from_name[256];
	char ca_file[512];      /* a CA bundle for a server with a private CA (env KALEM_TLS_CA_FILE), "" = system's */
	long timeout_s;         /* the longest a send may take, connection included */
};

/* Reads the smtp.* settings (store/settings.h) and KALEM_TLS_CA_FILE; timeout_s is left to the caller (60).
 * Returns 0, or -1 on a database error. */
int smtp_config_load(struct db *db, struct smtp_config *cfg /* OUT */);

/* One message. Texts are UTF-8; body lines end in '\n'. */
struct mail {
	const char *to;
	const char *subject;
	const char *body;
	const char *attachment_name; /* NULL or "" = no attachment */
	const char *attachment_type; /* e.g. "text/calendar; charset=UTF-8; method=REQUEST" */
	const char *attachment_body;
	const char *message_id;      /* "<...>", see smtp_message_id */
	int64_t date;                /* unix time */
};

/* Sends m as a multipart/mixed message: a text/plain; charset=UTF-8 part (quoted-printable) and the attachment
 * (base64), with Date, From, To, Subject, Message-ID, MIME-Version and Auto-Submitted headers. Fills *rep (OUT):
 * DELIVERY_ACCEPTED once the server answered 250 to the message (provider_id = the Message-ID);
 * DELIVERY_REFUSED for a permanent (5xx) reply; DELIVERY_RETRY for anything else (no answer, 4xx, not
 * configured). Never takes longer than cfg->timeout_s. Thread-safe (after curl_global_init). */
void smtp_send(const struct smtp_config *cfg, const struct mail *m, struct delivery_report *rep);

/* Appends text as the value of an unstructured header (Subject) that starts after used characters of its first
 * line (9 for "Subject: "): as is when it is printable ASCII (folded at spaces), else as RFC 2047 encoded-words
 * "=?UTF-8?B?...?=" each holding whole characters, folded with CRLF SP so that no line exceeds 76 characters. */
void smtp_encode_text(struct buf *out, const char *text, size_t used);
/* Appends a mailbox: "\"Name\" <addr>" for an ASCII name, encoded-words and "<addr>" for any other, "<addr>"
 * alone for an empty name. used as above. */
void smtp_format_mailbox(struct buf *out, const char *name, const char *address, size_t used);
/* The RFC 5322 date of t in Turkey's time (UTC+3 all year): "Tue, 02 Dec 2025 10:30:00 +0300". */
void smtp_format_date(char out[40] /* OUT */, int64_t t);
/* A Message-ID that is the same for every attempt of one notification, so that a copy delivered twice can be
 * recognised as one: "<kalem.ID.CREATED@DOMAIN>", DOMAIN from the sender's address. */
void smtp_message_id(char *out /* OUT */, size_t outsz, int64_t id, int64_t created_at, const char *from_address);

#endif
