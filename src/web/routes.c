/* routes.c: every URL Kalem serves, its handler and the roles allowed, in one table. */
#include "http/router.h"
#include "web/handlers.h"

#define PUBLIC ROLE_PUBLIC
#define STAFF ROLES_STAFF
#define OFFICE ROLES_OFFICE

const struct route routes[] = {
	/* System */
	{HTTP_GET, "/healthz", h_healthz, PUBLIC, ROUTE_NO_DB | ROUTE_NO_SESSION, "healthz"},
	{HTTP_GET, "/metrics", h_metrics, PUBLIC, ROUTE_NO_DB | ROUTE_NO_SESSION, "metrics"},
	{HTTP_GET, "/static/{file}", h_static, PUBLIC, ROUTE_NO_DB | ROUTE_NO_SESSION, "static"},

	/* Sign-in */
	{HTTP_GET, "/login", h_login_form, PUBLIC, 0, "login_form"},
	{HTTP_POST, "/login", h_login, PUBLIC, ROUTE_NO_CSRF, "login"},
	{HTTP_POST, "/logout", h_logout, STAFF, 0, "logout"},
	{HTTP_GET, "/account/password", h_password_form, STAFF, 0, "password_form"},
	{HTTP_POST, "/account/password", h_password, STAFF, 0, "password"},

	/* Home */
	{HTTP_GET, "/", h_home, STAFF, 0, "home"},

	/* Reference data */
	{HTTP_GET, "/directorates", h_directorates, STAFF, 0, "directorates"},
	{HTTP_GET, "/directorates/new", h_directorate_new, ROLE_ADMIN | ROLE_CHIEF, 0, "directorate_new"},
	{HTTP_POST, "/directorates", h_directorate_create, ROLE_ADMIN | ROLE_CHIEF, 0, "directorate_create"},
	{HTTP_GET, "/directorates/{id}/edit", h_directorate_edit, ROLE_ADMIN | ROLE_CHIEF, 0, "directorate_edit"},
	{HTTP_POST, "/directorates/{id}", h_directorate_update, ROLE_ADMIN | ROLE_CHIEF, 0, "directorate_update"},

	/* JSON API */
	{HTTP_POST, "/api/v1/session", h_api_session_create, PUBLIC, ROUTE_NO_CSRF, "api_session_create"},
	{HTTP_DELETE, "/api/v1/session", h_api_session_delete, STAFF, 0, "api_session_delete"},
	{HTTP_GET, "/api/v1/me", h_api_me, STAFF | ROLE_INTEGRATION, 0, "api_me"},
	{HTTP_GET, "/api/v1/directorates", h_api_directorates, STAFF | ROLE_INTEGRATION, 0, "api_directorates"},
	{HTTP_POST, "/api/v1/directorates", h_api_directorate_create, ROLE_ADMIN | ROLE_CHIEF, 0,
	 "api_directorate_create"},
	{HTTP_GET, "/api/v1/directorates/{id}", h_api_directorate, STAFF | ROLE_INTEGRATION, 0, "api_directorate"},
	{HTTP_PUT, "/api/v1/directorates/{id}", h_api_directorate_update, ROLE_ADMIN | ROLE_CHIEF, 0,
	 "api_directorate_update"},
};

const size_t routes_count = sizeof routes / sizeof routes[0];
