/* routes.c: every URL Kalem serves, its handler and the roles allowed, in one table. */
#include "http/router.h"
#include "web/handlers.h"
/* Reference data and administration (neighbourhoods, holidays, settings, users, audit, directorate detail) */
#include "web/admin_audit.h"
#include "web/admin_settings.h"
#include "web/admin_users.h"
#include "web/directorates.h"
#include "web/holidays.h"
#include "web/neighbourhoods.h"
/* People and institutions */
#include "web/parties.h"
/* CSV import and export */
#include "web/csv_pages.h"
/* Notifications: the outbox for staff and the test messages */
#include "web/notifications.h"
/* The Mayor's programme (ajanda) */
#include "web/agenda.h"
/* Appointment requests (workflows 1 and 2A): the JSON API and the public tracking lookup */
#include "api/appointments.h"
#include "web/appointments.h"
/* The citizens' public appointment-request form (web/public_form.c) */
#include "web/public_form.h"

#define PUBLIC ROLE_PUBLIC
#define STAFF ROLES_STAFF
#define OFFICE ROLES_OFFICE
#define APPT_READ (ROLES_OFFICE | ROLE_MAYOR | ROLE_VIEWER)

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

	/* CSV import and export (csv_pages.c): the downloads before the {id} routes of their lists */
	{HTTP_GET, "/directorates.csv", h_directorates_csv, STAFF, 0, "directorates_csv"},
	{HTTP_GET, "/neighbourhoods.csv", h_neighbourhoods_csv, STAFF, 0, "neighbourhoods_csv"},
	{HTTP_GET, "/parties.csv", h_parties_csv, CSV_PARTIES_EXPORT, 0, "parties_csv"},
	{HTTP_GET, "/admin/import", h_admin_import_form, CSV_IMPORT, 0, "admin_import_form"},
	{HTTP_POST, "/admin/import", h_admin_import, CSV_IMPORT, ROUTE_UPLOAD, "admin_import"},

	/* Reference data */
	{HTTP_GET, "/directorates", h_directorates, STAFF, 0, "directorates"},
	{HTTP_GET, "/directorates/new", h_directorate_new, ROLE_ADMIN | ROLE_CHIEF, 0, "directorate_new"},
	{HTTP_POST, "/directorates", h_directorate_create, ROLE_ADMIN | ROLE_CHIEF, 0, "directorate_create"},
	{HTTP_GET, "/directorates/{id}/edit", h_directorate_edit, ROLE_ADMIN | ROLE_CHIEF, 0, "directorate_edit"},
	{HTTP_POST, "/directorates/{id}", h_directorate_update, ROLE_ADMIN | ROLE_CHIEF, 0, "directorate_update"},

	/* Reference data and administration: directorate detail, neighbourhoods, holidays, settings, users, audit */
	{HTTP_GET, "/directorates/{id}", h_directorate, STAFF, 0, "directorate"},
	{HTTP_GET, "/neighbourhoods", h_neighbourhoods, STAFF, 0, "neighbourhoods"},
	{HTTP_GET, "/neighbourhoods/new", h_neighbourhood_new, OFFICE, 0, "neighbourhood_new"},
	{HTTP_POST, "/neighbourhoods", h_neighbourhood_create, OFFICE, 0, "neighbourhood_create"},
	{HTTP_GET, "/neighbourhoods/{id}", h_neighbourhood, STAFF, 0, "neighbourhood"},
	{HTTP_GET, "/neighbourhoods/{id}/edit", h_neighbourhood_edit, OFFICE, 0, "neighbourhood_edit"},
	{HTTP_POST, "/neighbourhoods/{id}", h_neighbourhood_update, OFFICE, 0, "neighbourhood_update"},
	{HTTP_GET, "/holidays", h_holidays, STAFF, 0, "holidays"},
	{HTTP_GET, "/holidays/new", h_holiday_new, ROLE_ADMIN, 0, "holiday_new"},
	{HTTP_POST, "/holidays", h_holiday_create, ROLE_ADMIN, 0, "holiday_create"},
	{HTTP_GET, "/holidays/{id}/edit", h_holiday_edit, ROLE_ADMIN, 0, "holiday_edit"},
	{HTTP_POST, "/holidays/{id}/delete", h_holiday_delete, ROLE_ADMIN, 0, "holiday_delete"},
	{HTTP_POST, "/holidays/{id}", h_holiday_update, ROLE_ADMIN, 0, "holiday_update"},
	{HTTP_GET, "/admin/settings", h_admin_settings, ROLE_ADMIN, 0, "admin_settings"},
	{HTTP_POST, "/admin/settings", h_admin_settings_save, ROLE_ADMIN, 0, "admin_settings_save"},
	{HTTP_GET, "/admin/users", h_admin_users, ROLE_ADMIN, 0, "admin_users"},
	{HTTP_GET, "/admin/users/new", h_admin_user_new, ROLE_ADMIN, 0, "admin_user_new"},
	{HTTP_POST, "/admin/users", h_admin_user_create, ROLE_ADMIN, 0, "admin_user_create"},
	{HTTP_GET, "/admin/users/{id}/edit", h_admin_user_edit, ROLE_ADMIN, 0, "admin_user_edit"},
	{HTTP_POST, "/admin/users/{id}/disable", h_admin_user_disable, ROLE_ADMIN, 0, "admin_user_disable"},
	{HTTP_POST, "/admin/users/{id}/enable", h_admin_user_enable, ROLE_ADMIN, 0, "admin_user_enable"},
	{HTTP_POST, "/admin/users/{id}/password", h_admin_user_password, ROLE_ADMIN, 0, "admin_user_password"},
	{HTTP_POST, "/admin/users/{id}", h_admin_user_update, ROLE_ADMIN, 0, "admin_user_update"},
	{HTTP_GET, "/admin/audit", h_admin_audit, ROLE_ADMIN | ROLE_CHIEF, 0, "admin_audit"},

	/* People and institutions (parties.c): no access for directorate staff */
	{HTTP_GET, "/parties", h_parties, PARTIES_READ, 0, "parties"},
	{HTTP_GET, "/parties/new", h_party_new, PARTIES_WRITE, 0, "party_new"},
	{HTTP_POST, "/parties", h_party_create, PARTIES_WRITE, 0, "party_create"},
	{HTTP_GET, "/parties/{id}", h_party, PARTIES_READ, 0, "party"},
	{HTTP_GET, "/parties/{id}/edit", h_party_edit, PARTIES_WRITE, 0, "party_edit"},
	{HTTP_POST, "/parties/{id}", h_party_update, PARTIES_WRITE, 0, "party_update"},
	{HTTP_GET, "/api/v1/parties", h_api_parties, PARTIES_READ | ROLE_INTEGRATION, 0, "api_parties"},
	{HTTP_POST, "/api/v1/parties", h_api_party_create, PARTIES_WRITE, 0, "api_party_create"},
	{HTTP_GET, "/api/v1/parties/{id}", h_api_party, PARTIES_READ | ROLE_INTEGRATION, 0, "api_party"},
	{HTTP_PUT, "/api/v1/parties/{id}", h_api_party_update, PARTIES_WRITE, 0, "api_party_update"},

	/* Notifications (notifications.c): the outbox for staff, test messages from the settings area */
	{HTTP_GET, "/admin/notifications", h_admin_notifications, NOTIFICATIONS_STAFF, 0, "admin_notifications"},
	{HTTP_POST, "/admin/notifications/{id}/retry", h_admin_notification_retry, NOTIFICATIONS_STAFF, 0,
	 "admin_notification_retry"},
	{HTTP_POST, "/admin/notifications/{id}/cancel", h_admin_notification_cancel, NOTIFICATIONS_STAFF, 0,
	 "admin_notification_cancel"},
	{HTTP_GET, "/admin/settings/test", h_admin_settings_test, ROLE_ADMIN, 0, "admin_settings_test"},
	{HTTP_POST, "/admin/settings/test-email", h_admin_settings_test_email, ROLE_ADMIN, 0, "admin_settings_test_email"},
	{HTTP_POST, "/admin/settings/test-sms", h_admin_settings_test_sms, ROLE_ADMIN, 0, "admin_settings_test_sms"},
	{HTTP_GET, "/api/v1/notifications", h_api_notifications, NOTIFICATIONS_STAFF, 0, "api_notifications"},
	{HTTP_GET, "/api/v1/notifications/{id}", h_api_notification, NOTIFICATIONS_STAFF, 0, "api_notification"},

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

	/* JSON API of the reference data and administration */
	{HTTP_GET, "/api/v1/neighbourhoods", h_api_neighbourhoods, STAFF | ROLE_INTEGRATION, 0, "api_neighbourhoods"},
	{HTTP_POST, "/api/v1/neighbourhoods", h_api_neighbourhood_create, OFFICE, 0, "api_neighbourhood_create"},
	{HTTP_GET, "/api/v1/neighbourhoods/{id}", h_api_neighbourhood, STAFF | ROLE_INTEGRATION, 0, "api_neighbourhood"},
	{HTTP_PUT, "/api/v1/neighbourhoods/{id}", h_api_neighbourhood_update, OFFICE, 0, "api_neighbourhood_update"},
	{HTTP_GET, "/api/v1/holidays", h_api_holidays, STAFF | ROLE_INTEGRATION, 0, "api_holidays"},
	{HTTP_GET, "/api/v1/calendar/working-days", h_api_working_days, STAFF | ROLE_INTEGRATION, 0,
	 "api_working_days"},
	{HTTP_GET, "/api/v1/audit", h_api_audit, ROLE_ADMIN, 0, "api_audit"},

	/* The Mayor's programme (agenda.c): pages, engagements, plan, feeds; the iCalendar feed is public (its token is
	 * the secret); the slots and agenda JSON API */
	{HTTP_GET, "/agenda", h_agenda_today, AGENDA_READ, 0, "agenda_today"},
	{HTTP_GET, "/agenda/day", h_agenda_day, AGENDA_READ, 0, "agenda_day"},
	{HTTP_GET, "/agenda/week", h_agenda_week, AGENDA_READ, 0, "agenda_week"},
	{HTTP_GET, "/agenda/mobile", h_agenda_mobile, AGENDA_READ, 0, "agenda_mobile"},
	{HTTP_GET, "/agenda/items/{id}", h_agenda_item, AGENDA_READ, 0, "agenda_item"},
	{HTTP_GET, "/agenda/engagements/new", h_engagement_new, AGENDA_WRITE, 0, "engagement_new"},
	{HTTP_POST, "/agenda/engagements", h_engagement_create, AGENDA_WRITE, 0, "engagement_create"},
	{HTTP_GET, "/agenda/engagements/{id}/edit", h_engagement_edit, AGENDA_WRITE, 0, "engagement_edit"},
	{HTTP_POST, "/agenda/engagements/{id}/cancel", h_engagement_cancel, AGENDA_WRITE, 0, "engagement_cancel"},
	{HTTP_POST, "/agenda/engagements/{id}", h_engagement_update, AGENDA_WRITE, 0, "engagement_update"},
	{HTTP_GET, "/agenda/plan", h_agenda_plan, AGENDA_MANAGE, 0, "agenda_plan"},
	{HTTP_POST, "/agenda/plan/periods", h_agenda_plan_add, AGENDA_MANAGE, 0, "agenda_plan_add"},
	{HTTP_POST, "/agenda/plan/periods/{id}/delete", h_agenda_plan_delete, AGENDA_MANAGE, 0, "agenda_plan_delete"},
	{HTTP_POST, "/agenda/plan/settings", h_agenda_settings_save, AGENDA_MANAGE, 0, "agenda_settings_save"},
	{HTTP_POST, "/agenda/exceptions", h_agenda_exception_save, AGENDA_MANAGE, 0, "agenda_exception_save"},
	{HTTP_POST, "/agenda/exceptions/{id}/delete", h_agenda_exception_delete, AGENDA_MANAGE, 0,
	 "agenda_exception_delete"},
	{HTTP_GET, "/agenda/feeds", h_agenda_feeds, AGENDA_MANAGE, 0, "agenda_feeds"},
	{HTTP_POST, "/agenda/feeds", h_agenda_feed_create, AGENDA_MANAGE, 0, "agenda_feed_create"},
	{HTTP_POST, "/agenda/feeds/{id}/revoke", h_agenda_feed_revoke, AGENDA_MANAGE, 0, "agenda_feed_revoke"},
	{HTTP_GET, "/ical/{token}", h_ical_feed, PUBLIC, ROUTE_NO_SESSION, "ical_feed"},
	{HTTP_GET, "/api/v1/slots", h_api_slots, AGENDA_READ | ROLE_INTEGRATION, 0, "api_slots"},
	{HTTP_GET, "/api/v1/agenda", h_api_agenda, AGENDA_READ | ROLE_INTEGRATION, 0, "api_agenda"},
	{HTTP_GET, "/api/v1/engagements/{id}", h_api_engagement, AGENDA_READ | ROLE_INTEGRATION, 0, "api_engagement"},
	{HTTP_POST, "/api/v1/engagements", h_api_engagement_create, AGENDA_WRITE | ROLE_INTEGRATION, 0,
	 "api_engagement_create"},
	{HTTP_PUT, "/api/v1/engagements/{id}", h_api_engagement_update, AGENDA_WRITE | ROLE_INTEGRATION, 0,
	 "api_engagement_update"},
	{HTTP_DELETE, "/api/v1/engagements/{id}", h_api_engagement_cancel, AGENDA_WRITE | ROLE_INTEGRATION, 0,
	 "api_engagement_cancel"},

	/* Appointment requests (api/appointments.c, web/appointments.c): the JSON API and the pages; the tracking
	 * lookup is public (no personal data) */
	{HTTP_GET, "/api/v1/appointment-requests", h_api_appointments, APPT_READ | ROLE_INTEGRATION, 0,
	 "api_appointments"},
	{HTTP_POST, "/api/v1/appointment-requests", h_api_appointment_create, OFFICE | ROLE_INTEGRATION, 0,
	 "api_appointment_create"},
	{HTTP_GET, "/api/v1/appointment-requests/{id}", h_api_appointment, APPT_READ | ROLE_INTEGRATION, 0,
	 "api_appointment"},
	{HTTP_POST, "/api/v1/appointment-requests/{id}/transitions", h_api_appointment_transition,
	 OFFICE | ROLE_MAYOR, 0, "api_appointment_transition"},
	{HTTP_GET, "/api/v1/track/{code}", h_api_track, PUBLIC, ROUTE_NO_SESSION, "api_track"},
	{HTTP_GET, "/track", h_track_page, PUBLIC, 0, "track"},
	/* The public appointment-request form (web/public_form.c): no account; form token, honeypot, throttling */
	{HTTP_GET, "/randevu-talebi", h_public_request_form, PUBLIC, 0, "public_request_form"},
	{HTTP_POST, "/randevu-talebi", h_public_request_create, PUBLIC, 0, "public_request_create"},
	{HTTP_GET, "/appointments", h_appointments, APPT_READ, 0, "appointments"},
	{HTTP_GET, "/appointments/new", h_appointment_new, OFFICE, 0, "appointment_new"},
	{HTTP_POST, "/appointments", h_appointment_create, OFFICE, 0, "appointment_create"},
	{HTTP_GET, "/appointments/{id}", h_appointment, APPT_READ, 0, "appointment"},
	{HTTP_POST, "/appointments/{id}/transitions", h_appointment_transition_form, OFFICE | ROLE_MAYOR, 0,
	 "appointment_transition"},
};

const size_t routes_count = sizeof routes / sizeof routes[0];
