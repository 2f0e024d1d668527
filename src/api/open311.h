/* open311.h: the Open311 GeoReport v2 interface (the "Bizim Meram" channel) under /open311/: service discovery,
 * services and their definitions (the categories of store/app_reference.h), POST requests (applications of
 * store/applications.h with channel "bizim_meram"), tokens, and the public read side of requests. Every path
 * ends in ".xml" or ".json"; every error, the dispatcher's included, is the spec's error list in that format.
 *
 * What is public: every GET (no key). A request shows only service_request_id (the application id, as a string),
 * status ("open"/"closed"), status_notes, service_name/code, agency_responsible, the dates and expected_datetime;
 * description, address, lat/long and media_url only for applications that came in through this interface itself
 * (from the front desk they are private: KVKK), the neighbourhood otherwise. Never names, phones, e-mails.
 * POST needs an API key of scope "open311" (the api_key form field, or "Authorization: Bearer"). */
#ifndef KALEM_API_OPEN311_H
#define KALEM_API_OPEN311_H
#include "http/req.h"

/* GET /open311/discovery.{xml|json}: {changeset, contact, key_service, endpoints [{specification, url, changeset,
 * type "production", formats}]}; url is this server's /open311/v2 (scheme and Host of the request). */
void h_open311_discovery(struct req *r);
/* GET /open311/v2/services.{fmt}: the active categories [{service_code, service_name, description, metadata, type
 * "realtime", keywords, group}], Turkish unless the request's language is English. */
void h_open311_services(struct req *r);
/* GET /open311/v2/services/{service_code}.{fmt}: {service_code, attributes [{variable, code, datatype, required,
 * datatype_description, order, description, values [{key, name}]}]}; 404 for an unknown or inactive service. */
void h_open311_service(struct req *r);
/* POST /open311/v2/requests.{fmt} (form fields of the spec; attribute[code]=value; Idempotency-Key header or
 * idempotency_key, external_id): creates the application, [{service_request_id, service_notice, account_id}];
 * a repeated idempotency key or external_id gives the same id. 400 missing/bad field, 403 key. */
void h_open311_request_create(struct req *r);
/* GET /open311/v2/requests.{fmt}?service_request_id=&service_code=&start_date=&end_date=&status=: at most 1000
 * requests, newest first, received in the last 90 days unless the dates say otherwise (a range of at most 90). */
void h_open311_requests(struct req *r);
/* GET /open311/v2/requests/{service_request_id}.{fmt}: a list of the one request; 404 when absent. */
void h_open311_request(struct req *r);
/* GET /open311/v2/tokens/{token}.{fmt}: the token is the tracking code: [{service_request_id, token}]; 404. */
void h_open311_token(struct req *r);

/* Writes an error for a request under /open311/ in the format of its path's suffix (XML unless ".json"):
 * the spec's list [{code, description}] with description the catalogue text of message_key. A 401 (no key)
 * becomes 403, as the spec says for a missing or invalid api_key. Used by resp_error for /open311/ paths. */
void open311_error(struct req *r, unsigned status, const char *message_key);

#endif
