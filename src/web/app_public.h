/* app_public.h: the citizens' pages of applications (workflow 3): submit an application without an account
 * (/basvuru, Turkish first), its receipt, and tracking by code plus the last four digits of the phone given
 * (/basvuru-takip and its JSON twin). Abuse is held off as on /randevu-talebi: a form token cookie, a honeypot and
 * per-address throttling in the database (store/public_forms.h). */
#ifndef KALEM_WEB_APP_PUBLIC_H
#define KALEM_WEB_APP_PUBLIC_H
#include "http/req.h"

/* Accepted submissions per address before 429 (store/public_forms.h form "application"). */
#define APP_PUBLIC_LIMIT_HOUR 10
#define APP_PUBLIC_LIMIT_DAY 30
/* Tracking lookups per address (form "application_track"), page and API together, in any window of
 * APP_TRACK_WINDOW_S seconds; the next one is answered 429 with Retry-After. */
#define APP_TRACK_LIMIT 30
#define APP_TRACK_WINDOW_S 600
/* How long the receipt link of the done page works (seconds). */
#define APP_RECEIPT_TTL_S 3600

/* GET /basvuru: the form (kind, grouped category, subject, description, neighbourhood, address, name, phone
 * and/or e-mail, preferred channel, one optional petition file, the KVKK notice with its acknowledgement); sets
 * the anonymous form token cookie kalem_basvuru (Path=/basvuru, HttpOnly, SameSite=Strict) that the hidden field
 * _form must repeat. */
void h_app_public_form(struct req *r);
/* POST /basvuru (url-encoded or multipart, file part "file": PDF, JPEG or PNG up to 10 MiB, judged by its bytes):
 * 400 with the form again when the form token is missing or differs from the cookie; 400 when the honeypot
 * "website" is filled; 429 past APP_PUBLIC_LIMIT_HOUR / _DAY accepted submissions from the address; 422 with
 * errors beside the fields (named in the page's language); when the category has extra questions and they were
 * not asked yet (_step is not 2), 200 with the questions (the answers so far carried in hidden fields; a file
 * must be chosen again on that step). Else creates the application (channel "web"; the KVKK acknowledgement is
 * recorded as the audit event "application.kvkk_notice" of the application) and shows its tracking code big, a
 * QR code of the tracking address as inline SVG and a link to the receipt that works for an hour in this browser
 * only. A repeated identical submission from the same form shows the same application again. Nothing is written
 * on any error. */
void h_app_public_create(struct req *r);
/* GET /basvuru/makbuz/{id}?code=&exp=&sig=: the receipt PDF of the application just submitted; the signature
 * binds id, code and expiry to the form token cookie of the submitting browser (keyed with the server's CSRF
 * key). Anything else is 404: never the receipt by code alone. */
void h_app_public_receipt(struct req *r);
/* GET /basvuru-takip?code=: the tracking form (code, last four digits of the phone or the e-mail's part before
 * '@'). POST /basvuru-takip (code, last4): the stages with their dates and, once feedback was given, the answer;
 * nothing personal; a wrong combination or unknown code gives one neutral message (404); 429 past
 * APP_TRACK_LIMIT lookups. */
void h_app_track_page(struct req *r);
void h_app_track_lookup(struct req *r);
/* GET /api/v1/public/applications/{code}?last4=: public, no session: {code, kind, kind_label, category_name,
 * state, state_label, chart_step, received_at (ISO), stages [{state, state_label, at (ISO)}], answer}; 404
 * {"error":{"code":"not_found"}} for any wrong combination; 429 with Retry-After past APP_TRACK_LIMIT. */
void h_api_public_application(struct req *r);

#endif
