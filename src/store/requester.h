/* requester.h: what appointment requests, walk-ins and applications share about the person who asked: their
 * contact details checked (filled from their party record), and the messages rendered and queued to them. */
#ifndef KALEM_STORE_REQUESTER_H
#define KALEM_STORE_REQUESTER_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "core/phone.h"
#include "store/db.h"
#include "store/outbox.h"

/* The checked contact details of a requester. */
struct requester_contact {
	const char *name;            /* borrowed from the values or the party; never NULL */
	const char *email;           /* borrowed; "" when none */
	char phone[PHONE_E164_SIZE]; /* E.164; "" when none */
};

/* Checks a phone number as typed and an e-mail address, each only when not "": the number into phone (OUT,
 * E.164, "" when none). Returns NULL when both are acceptable, else the bad field: "phone" or "email". */
const char *requester_phone_email_check(const char *phone, const char *email,
					char phone_out[PHONE_E164_SIZE] /* OUT */);

/* Fills c (OUT) from values: the name from member name_key, the phone and e-mail from "phone" and "email", each
 * from party (may be NULL: its "name", "phone", "email") when values leaves it empty. Returns NULL when the name
 * is there and at most name_max bytes (0: any length), and the phone and e-mail are acceptable when given (see
 * requester_phone_email_check); else the bad field: name_key, "phone" or "email". c borrows from values and
 * party: use it while they live. */
const char *requester_contact_check(const json_t *values, const char *name_key, size_t name_max,
				    const json_t *party, struct requester_contact *c /* OUT */);

/* Renders template n->template_key in n->lang with args for n->channel (notify_render: subject and body of an
 * e-mail; notify_render_sms: the text of an SMS), and queues n with that text (outbox_enqueue) inside the
 * caller's open write transaction; n's own subject and body are ignored. Returns the notification's id, or -1
 * (logged) when the template is missing or the message cannot be queued. */
int64_t requester_message(struct db *db, const struct notification *n, const json_t *args);

#endif
