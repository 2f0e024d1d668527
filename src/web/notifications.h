/* notifications.h: the staff's view of the notification outbox (list, retry, cancel, JSON API), the test messages
 * of the settings area, and the helper that record pages use to show their own notifications; the table is
 * routes.c. */
#ifndef KALEM_WEB_NOTIFICATIONS_H
#define KALEM_WEB_NOTIFICATIONS_H
#include <jansson.h>
#include <stdint.h>
#include "http/req.h"

/* Who may see notifications and act on them (retry, cancel). */
#define NOTIFICATIONS_STAFF (ROLE_ADMIN | ROLE_CHIEF | ROLE_SECRETARIAT)

/* The notifications of one record, ready for templates/notifications_partial.html: put the result in the page's
 * context as "notifications" and write {{> notifications_partial}} where they should appear. Each item carries
 * its status as a word and a colour (status_label, status_class), the times in r's language, and, for staff
 * allowed to act, the retry and cancel buttons, which come back to this page. Never NULL. */
json_t *notifications_for_page(struct req *r, const char *record_type, int64_t record_id);

/* GET /admin/notifications?status=&after=: every notification, failed first. */
void h_admin_notifications(struct req *r);
/* POST /admin/notifications/{id}/retry (a failed one is queued again) and /cancel (a queued or failed one);
 * optional field "back": a local path to return to. */
void h_admin_notification_retry(struct req *r);
void h_admin_notification_cancel(struct req *r);
/* GET /admin/settings/test: the forms that send a test e-mail (with a sample .ics) or SMS. */
void h_admin_settings_test(struct req *r);
/* POST /admin/settings/test-email {email_to, email_name} and /admin/settings/test-sms {sms_to, sms_name}: queue
 * the "test" message, then show it on /admin/notifications. */
void h_admin_settings_test_email(struct req *r);
void h_admin_settings_test_sms(struct req *r);
/* GET /api/v1/notifications?status=&after=&limit= (as outbox_list), or ?record_type=&record_id= (as
 * outbox_for_record, {"items":[...]}); GET /api/v1/notifications/{id} (outbox_get). */
void h_api_notifications(struct req *r);
void h_api_notification(struct req *r);

#endif
