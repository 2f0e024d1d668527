/* public_form.h: the citizens' public appointment-request form (no account; Turkish by default), abuse throttled. */
#ifndef KALEM_WEB_PUBLIC_FORM_H
#define KALEM_WEB_PUBLIC_FORM_H
#include "http/req.h"

/* GET /randevu-talebi: the form; sets the anonymous form token cookie kalem_form (HttpOnly, SameSite=Strict)
 * that the hidden field _form must repeat. */
void h_public_request_form(struct req *r);
/* POST /randevu-talebi: 400 with the form again (what was typed, a valid token and a message) when the form
 * token is missing or differs from the cookie; 400 (an error page) when the honeypot field "website" is filled; 429 after 5 accepted submissions from the address in an hour or 20 in a day;
 * 422 with errors beside the fields; else finds the party by phone (or creates a citizen with the KVKK consent),
 * creates the request (channel "web", kind "citizen") and shows the receipt with its tracking code.
 * Nothing is written on any error. */
void h_public_request_create(struct req *r);

#endif
