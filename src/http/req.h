/* req.h: the per-request context passed from the server through the router to every handler. */
#ifndef KALEM_HTTP_REQ_H
#define KALEM_HTTP_REQ_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "http/params.h"
#include "util/buf.h"
#include "util/i18n.h"

struct MHD_Connection;
struct db;
struct app;

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE, HTTP_OTHER };

/* Roles as bits, so a route can allow several. ROLE_PUBLIC marks routes open to everyone. */
enum role {
	ROLE_ADMIN = 1 << 0,
	ROLE_CHIEF = 1 << 1,
	ROLE_SECRETARIAT = 1 << 2,
	ROLE_MAYOR = 1 << 3,
	ROLE_DIRECTORATE = 1 << 4,
	ROLE_VIEWER = 1 << 5,
	ROLE_INTEGRATION = 1 << 6, /* an API key */
	ROLE_PUBLIC = 1 << 7,
};
#define ROLES_STAFF (ROLE_ADMIN | ROLE_CHIEF | ROLE_SECRETARIAT | ROLE_MAYOR | ROLE_DIRECTORATE | ROLE_VIEWER)
#define ROLES_OFFICE (ROLE_ADMIN | ROLE_CHIEF | ROLE_SECRETARIAT)

/* Maps "admin", "chief", ... to its bit; 0 when unknown. */
enum role role_from_name(const char *name);
const char *role_name(enum role role);
/* Catalogue key of the role's label, e.g. "role.admin". */
const char *role_label_key(enum role role);

/* Who is acting. For an API key, username is "apikey:<name>" and scope is set. */
struct actor {
	int64_t user_id;
	char username[64];
	char display_name[128];
	enum role role;
	int64_t directorate_id; /* only for ROLE_DIRECTORATE */
	char scope[64];         /* API key scope */
	char session_hash[65];  /* hash of the session token, "" for API keys */
	char csrf[64];          /* the token forms must carry */
};

#define REQ_MAX_PATH_ARGS 4

struct req {
	struct app *app;
	struct MHD_Connection *conn;
	enum http_method method;
	const char *method_name;
	char *path;                 /* decoded path, without the query */
	struct params query;
	struct params form;         /* url-encoded or multipart text fields */
	struct buf body;            /* raw request body */
	bool body_too_large;
	json_t *json;               /* parsed JSON body, for application/json */
	char content_type[128];
	char address[64];           /* peer address */
	const char *path_args[REQ_MAX_PATH_ARGS]; /* {id}-style segments from the route pattern */
	int n_path_args;
	bool is_api;                /* under /api/ or /open311/: errors as JSON */
	bool tls;

	struct db *db;              /* from the pool for the length of the request */
	bool authenticated;
	struct actor actor;
	enum lang lang;

	/* Response being built. */
	unsigned status;
	const char *resp_type;      /* Content-Type */
	struct buf resp;
	struct params resp_headers; /* extra headers, e.g. Set-Cookie, Location */
	const char *route_name;     /* for metrics and logs */
	int64_t started_ns;
	int64_t db_ns;
};

/* Header of the request, or NULL. */
const char *req_header(struct req *r, const char *name);
/* The path argument at index i (0-based) as a positive id; 0 if absent or not a positive integer. */
int64_t req_arg_id(struct req *r, int i);
/* A parameter from the form (POST) or, failing that, the query string. */
const char *req_param(struct req *r, const char *name);

struct multipart;
/* The parsed multipart body (files and fields) of an upload route; n == 0 otherwise. */
const struct multipart *req_multipart(struct req *r);

void resp_header(struct req *r, const char *name, const char *value);
/* Sets a redirect (303 See Other for POST-redirect-GET, else 302). */
void resp_redirect(struct req *r, const char *location);
/* Writes a JSON body with status. Steals the reference to body. */
void resp_json(struct req *r, unsigned status, json_t *body);
/* An error response: JSON {"error":{"code","message"[,"field"]}} for API requests, an HTML page otherwise.
 * message_key is a catalogue key, rendered in the request's language. */
void resp_error(struct req *r, unsigned status, const char *code, const char *message_key);

#endif
