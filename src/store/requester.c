/* requester.c: requesters' contact details checked and messages to them queued (see requester.h). */
#include <string.h>
#include "core/validate.h"
#include "store/requester.h"
#include "util/buf.h"
#include "util/json_str.h"
#include "util/log.h"

/* The string member name of values, or the same member of party when values has none. */
static const char *given_or_party(const json_t *values, const json_t *party, const char *name,
				  const char *party_name)
{
	return *json_str(values, name) ? json_str(values, name) : json_str(party, party_name);
}

const char *requester_phone_email_check(const char *phone, const char *email, char phone_out[PHONE_E164_SIZE])
{
	phone_out[0] = '\0';
	if (*phone && phone_normalize(phone, phone_out) != 0)
		return "phone";
	if (*email && !email_valid(email))
		return "email";
	return NULL;
}

const char *requester_contact_check(const json_t *values, const char *name_key, size_t name_max,
				    const json_t *party, struct requester_contact *c)
{
	c->name = given_or_party(values, party, name_key, "name");
	c->email = given_or_party(values, party, "email", "email");
	c->phone[0] = '\0';
	if (!*c->name || (name_max && strlen(c->name) > name_max))
		return name_key;
	return requester_phone_email_check(given_or_party(values, party, "phone", "phone"), c->email, c->phone);
}

int64_t requester_message(struct db *db, const struct notification *n, const json_t *args)
{
	struct buf subject = BUF_INIT, body = BUF_INIT;
	int rc = n->channel == NOTIFY_SMS ? notify_render_sms(n->lang, n->template_key, args, &body)
					  : notify_render(n->lang, n->template_key, args, &subject, &body);
	int64_t id = -1;
	if (rc == 0) {
		struct notification rendered = *n;
		rendered.subject = n->channel == NOTIFY_SMS ? NULL : subject.data;
		rendered.body = body.data;
		id = outbox_enqueue(db, &rendered);
	} else {
		log_warn("message template '%s' is missing", n->template_key);
	}
	buf_free(&subject);
	buf_free(&body);
	return id;
}
