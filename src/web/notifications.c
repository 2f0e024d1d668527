/* notifications.c: the notification outbox for staff (list, retry, cancel, JSON API), test messages from the
 * settings area, and the notifications shown on a record's page. */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "store/db.h"
#include "store/outbox.h"
#include "store/settings.h"
#include "store/setup.h"
#include "util/i18n.h"
#include "util/json_str.h"
#include "util/xalloc.h"
#include "web/form.h"
#include "web/notifications.h"
#include "web/page.h"

/* Where the record a notification belongs to is shown. A module whose records send notifications adds its line. */
static const struct record_page {
	const char *type;
	const char *href; /* the id follows */
	const char *label_key;
} record_pages[] = {
	{"party", "/parties/", "notifications.record.party"},
	{"directorate", "/directorates/", "notifications.record.directorate"},
	{"neighbourhood", "/neighbourhoods/", "notifications.record.neighbourhood"},
	{"appointment", "/appointments/", "notifications.record.appointment"},
	{"application", "/applications/", "notifications.record.application"},
	{"visit", "/visits/", "notifications.record.visit"},
};

/* Each status as a word and a colour (.tag classes of kalem.css). */
static const struct status_look {
	const char *status;
	const char *tag_class;
} status_looks[] = {
	{"queued", "tag"}, {"sending", "tag warn"}, {"sent", "tag ok"}, {"failed", "tag error"},
	{"cancelled", "tag muted"},
};

static const char *tag_class(const char *status)
{
	for (size_t i = 0; i < sizeof status_looks / sizeof status_looks[0]; i++)
		if (strcmp(status_looks[i].status, status) == 0)
			return status_looks[i].tag_class;
	return "tag";
}

static int64_t num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* Adds the words, times, links and buttons the partial shows to one item of outbox_list/outbox_for_record. */
static void decorate(struct req *r, json_t *n, const char *back)
{
	const char *status = json_str(n, "status");
	char key[64], when[96];
	snprintf(key, sizeof key, "notifications.status.%s", status);
	json_object_set_new(n, "status_label", json_string(i18n_get(r->lang, key)));
	json_object_set_new(n, "status_class", json_string(tag_class(status)));
	snprintf(key, sizeof key, "notifications.channel.%s", json_str(n, "channel"));
	json_object_set_new(n, "channel_label", json_string(i18n_get(r->lang, key)));
	page_format_time(r, num(n, "created_at"), when, sizeof when);
	json_object_set_new(n, "created_display", json_string(when));
	if (strcmp(status, "sent") == 0 && num(n, "sent_at")) {
		page_format_time(r, num(n, "sent_at"), when, sizeof when);
		json_object_set_new(n, "sent_display", json_string(when));
	}
	if (strcmp(status, "queued") == 0 && num(n, "next_attempt_at") > (int64_t)time(NULL)) {
		page_format_time(r, num(n, "next_attempt_at"), when, sizeof when);
		json_object_set_new(n, "next_display", json_string(when));
	}
	/* An error after which the message went out anyway is history, not news. */
	if (strcmp(status, "sent") == 0 || strcmp(status, "cancelled") == 0)
		json_object_set_new(n, "last_error", json_string(""));
	const char *type = json_str(n, "record_type");
	if (*type) {
		char href[96], label[160];
		const char *type_label = type;
		href[0] = '\0';
		for (size_t i = 0; i < sizeof record_pages / sizeof record_pages[0]; i++)
			if (strcmp(record_pages[i].type, type) == 0) {
				snprintf(href, sizeof href, "%s%lld", record_pages[i].href, (long long)num(n, "record_id"));
				type_label = i18n_get(r->lang, record_pages[i].label_key);
			}
		snprintf(label, sizeof label, "%s #%lld", type_label, (long long)num(n, "record_id"));
		json_object_set_new(n, "record_label", json_string(label));
		if (href[0])
			json_object_set_new(n, "record_href", json_string(href));
	}
	bool may_act = (r->actor.role & NOTIFICATIONS_STAFF) != 0;
	json_object_set_new(n, "can_retry", json_boolean(may_act && strcmp(status, "failed") == 0));
	json_object_set_new(n, "can_cancel",
			    json_boolean(may_act && (strcmp(status, "queued") == 0 || strcmp(status, "failed") == 0)));
	json_object_set_new(n, "back", json_string(back));
}

json_t *notifications_for_page(struct req *r, const char *record_type, int64_t record_id)
{
	json_t *items = outbox_for_record(r->db, record_type, record_id);
	size_t i;
	json_t *n;
	json_array_foreach(items, i, n)
	{
		decorate(r, n, r->path);
	}
	return items;
}

static int page_limit(struct req *r)
{
	const char *l = params_get(&r->query, "limit");
	int n = l ? atoi(l) : 50;
	return n < 1 ? 50 : n > 200 ? 200 : n;
}

/* ?status=, or "" when absent or unknown. */
static const char *status_param(struct req *r)
{
	const char *s = params_get(&r->query, "status");
	return outbox_status_valid(s) ? s : "";
}

void h_admin_notifications(struct req *r)
{
	const char *status = status_param(r);
	json_t *page = outbox_list(r->db, status, params_get(&r->query, "after"), page_limit(r));
	char back[80];
	snprintf(back, sizeof back, "/admin/notifications%s%s", *status ? "?status=" : "", status);
	json_t *items = json_object_get(page, "items");
	size_t i;
	json_t *n;
	json_array_foreach(items, i, n)
	{
		decorate(r, n, back);
	}
	json_t *choices = json_array();
	static const char *const statuses[] = {"failed", "queued", "sending", "sent", "cancelled"};
	for (size_t k = 0; k < sizeof statuses / sizeof statuses[0]; k++) {
		char key[64];
		snprintf(key, sizeof key, "notifications.status.%s", statuses[k]);
		json_array_append_new(choices, json_pack("{s:s,s:s,s:b}", "value", statuses[k], "label",
							 i18n_get(r->lang, key), "selected",
							 strcmp(status, statuses[k]) == 0));
	}
	json_t *ctx = json_pack("{s:O,s:O,s:s,s:o,s:b,s:b}", "notifications", items, "next",
				json_object_get(page, "next"), "status", status, "statuses", choices,
				"notifications_show_record", 1, "can_test", (r->actor.role & ROLE_ADMIN) != 0);
	json_decref(page);
	page_render(r, 200, "admin_notifications", "notifications.title", ctx);
}

/* A local path to return to after an action: "/..." but not "//..." (another site), no backslash or control
 * characters; else the list. */
static const char *back_param(struct req *r)
{
	const char *b = req_param(r, "back");
	if (!b || b[0] != '/' || b[1] == '/' || strlen(b) > 300)
		return "/admin/notifications";
	for (const unsigned char *p = (const unsigned char *)b; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			return "/admin/notifications";
	return b;
}

static void change(struct req *r, enum outbox_change (*action)(struct db *, const char *, int64_t),
		   const char *flash_key)
{
	int64_t id = req_arg_id(r, 0);
	if (!id) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	if (db_begin_write(r->db) != 0) {
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	enum outbox_change rc = action(r->db, r->actor.username, id);
	if (rc == OUTBOX_CHANGED && db_commit(r->db) == 0) {
		page_flash(r, flash_key);
		resp_redirect(r, back_param(r));
		return;
	}
	db_rollback(r->db);
	switch (rc) {
	case OUTBOX_ABSENT:
		resp_error(r, 404, "not_found", "error.not_found");
		break;
	case OUTBOX_WRONG_STATE:
		resp_error(r, 409, "conflict", "notifications.error.state");
		break;
	case OUTBOX_CHANGED:
	case OUTBOX_ERROR:
		resp_error(r, 500, "internal", "error.internal");
		break;
	}
}

void h_admin_notification_retry(struct req *r)
{
	change(r, outbox_retry, "notifications.flash.retried");
}

void h_admin_notification_cancel(struct req *r)
{
	change(r, outbox_cancel, "notifications.flash.cancelled");
}

/* ---- test messages ---- */

static const struct field test_email_fields[] = {
	{"email_to", F_EMAIL, true, 254, NULL, "notifications.test.email_to", 0, 0},
	{"email_name", F_TEXT, false, 150, NULL, "notifications.test.name", 0, 0},
};
static const struct field test_sms_fields[] = {
	{"sms_to", F_PHONE, true, 30, NULL, "notifications.test.sms_to", 0, 0},
	{"sms_name", F_TEXT, false, 150, NULL, "notifications.test.name", 0, 0},
};

static bool setting_present(struct req *r, const char *key)
{
	char v[1100];
	return setting_get(r->db, key, v, sizeof v) == 1 && v[0];
}

static json_t *test_context(struct req *r)
{
	return json_pack("{s:b,s:b}", "smtp_configured", setting_present(r, SETTING_SMTP_HOST), "sms_configured",
			 setting_present(r, SETTING_SMS_URL));
}

void h_admin_settings_test(struct req *r)
{
	json_t *ctx = test_context(r);
	json_object_set_new(ctx, "values", json_object());
	page_render(r, 200, "admin_settings_test", "notifications.test.title", ctx);
}

/* A sample invitation for tomorrow 10:00-10:30, Turkey's time, written by libical. xmalloc'd, or NULL. */
static char *sample_ics(struct req *r, const char *attendee, const char *organizer, int64_t id_hint)
{
	icaltimezone *utc = icaltimezone_get_utc_timezone();
	time_t now = time(NULL);
	time_t day = (now + 3 * 3600) / 86400 * 86400 - 3 * 3600; /* today's midnight in Turkey */
	time_t start = day + 86400 + 10 * 3600;
	char *uid = xasprintf("kalem-test-%lld-%lld@kalem", (long long)now, (long long)id_hint);
	char *to = xasprintf("mailto:%s", attendee);
	icalcomponent *event = icalcomponent_vanew(
		ICAL_VEVENT_COMPONENT, icalproperty_new_uid(uid),
		icalproperty_new_dtstamp(icaltime_from_timet_with_zone(now, 0, utc)),
		icalproperty_new_dtstart(icaltime_from_timet_with_zone(start, 0, utc)),
		icalproperty_new_dtend(icaltime_from_timet_with_zone(start + 1800, 0, utc)),
		icalproperty_new_summary(i18n_get(r->lang, "msg.test.event")), icalproperty_new_attendee(to), (void *)0);
	if (organizer && *organizer) {
		char *from = xasprintf("mailto:%s", organizer);
		icalcomponent_add_property(event, icalproperty_new_organizer(from));
		free(from);
	}
	icalcomponent *cal = icalcomponent_vanew(ICAL_VCALENDAR_COMPONENT, icalproperty_new_version("2.0"),
						 icalproperty_new_prodid("-//Kalem//Kalem//TR"),
						 icalproperty_new_method(ICAL_METHOD_REQUEST), event, (void *)0);
	char *text = cal ? icalcomponent_as_ical_string_r(cal) : NULL;
	char *copy = text ? xstrdup(text) : NULL;
	free(text);
	if (cal)
		icalcomponent_free(cal);
	free(uid);
	free(to);
	return copy;
}

static void send_test(struct req *r, enum notify_channel channel)
{
	bool email = channel == NOTIFY_EMAIL;
	const struct field *fields = email ? test_email_fields : test_sms_fields;
	json_t *values = json_object(), *errors = json_object();
	if (form_check(r, fields, 2, values, errors)) {
		form_fail(r, "admin_settings_test", "notifications.test.title", test_context(r), values, errors);
		return;
	}
	json_decref(errors);
	const char *to = json_str(values, fields[0].name);
	const char *name = json_str(values, fields[1].name);
	if (!*name)
		name = r->actor.display_name[0] ? r->actor.display_name : r->actor.username;
	char office[600], from[300] = "";
	if (setting_get(r->db, SETTING_OFFICE_NAME, office, sizeof office) != 1)
		snprintf(office, sizeof office, "%s", SETTING_OFFICE_NAME_DEFAULT);
	setting_get(r->db, SETTING_SMTP_FROM_ADDRESS, from, sizeof from);
	json_t *args = json_pack("{s:s,s:s,s:s}", "name", name, "office", office, "sender",
				 r->actor.display_name[0] ? r->actor.display_name : r->actor.username);
	struct buf subject = BUF_INIT, body = BUF_INIT;
	int rc = email ? notify_render(r->lang, "test", args, &subject, &body)
		       : notify_render_sms(r->lang, "test", args, &body);
	json_decref(args);
	char *ics = email && rc == 0 ? sample_ics(r, to, from, r->actor.user_id) : NULL;
	struct notification n = {
		.channel = channel,
		.recipient = to,
		.subject = subject.data,
		.body = body.data,
		.attachment_name = ics ? "kalem-deneme.ics" : NULL,
		.attachment_type = ics ? "text/calendar; charset=UTF-8; method=REQUEST" : NULL,
		.attachment_body = ics,
		.template_key = "test",
		.lang = r->lang,
		.created_by = r->actor.username,
	};
	int64_t id = -1;
	if (rc == 0 && db_begin_write(r->db) == 0) {
		id = outbox_enqueue(r->db, &n);
		if (id <= 0 || db_commit(r->db) != 0) {
			db_rollback(r->db);
			id = -1;
		}
	}
	json_decref(values);
	buf_free(&subject);
	buf_free(&body);
	free(ics);
	if (id <= 0) {
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	char location[80];
	snprintf(location, sizeof location, "/admin/notifications#n-%lld", (long long)id);
	page_flash(r, "notifications.flash.test_queued");
	resp_redirect(r, location);
}

void h_admin_settings_test_email(struct req *r)
{
	send_test(r, NOTIFY_EMAIL);
}

void h_admin_settings_test_sms(struct req *r)
{
	send_test(r, NOTIFY_SMS);
}

/* ---- JSON API ---- */

void h_api_notifications(struct req *r)
{
	const char *type = params_get(&r->query, "record_type");
	if (type && *type) {
		const char *id = params_get(&r->query, "record_id");
		char *end = NULL;
		long long rid = id ? strtoll(id, &end, 10) : 0;
		if (!id || *end || rid <= 0) {
			resp_error(r, 400, "bad_request", "error.bad_request");
			return;
		}
		resp_json(r, 200, json_pack("{s:o}", "items", outbox_for_record(r->db, type, rid)));
		return;
	}
	resp_json(r, 200, outbox_list(r->db, status_param(r), params_get(&r->query, "after"), page_limit(r)));
}

void h_api_notification(struct req *r)
{
	json_t *n = outbox_get(r->db, req_arg_id(r, 0));
	if (!n)
		resp_error(r, 404, "not_found", "error.not_found");
	else
		resp_json(r, 200, n);
}
