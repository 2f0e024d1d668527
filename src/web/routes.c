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
/* Walk-ins (workflow 2B): the pages and the JSON API */
#include "api/walkins.h"
#include "web/walkins.h"

/* Open311 GeoReport v2, the Bizim Meram channel (api/open311.c) */
#include "api/open311.h"

/* Applications: reference data (categories, legal reasons, response templates): pages and JSON API */
#include "api/app_reference.h"
#include "web/app_reference.h"

/* Applications: the staff pages, the case page, file downloads and the JSON API */
#include "api/applications.h"
#include "web/applications.h"
#include "web/files.h"

/* Applications: public and inbox (the citizens' form, receipt and tracking; the directorate inbox) */
#include "web/app_inbox.h"
#include "web/app_public.h"

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
	/* Appointment extras (api/appointments.c, web/appointments.c): CSV of the filtered list, held details, the
	 * Mayor's queue; before the {id} routes */
	{HTTP_GET, "/api/v1/appointment-requests.csv", h_api_appointments_csv, APPT_READ | ROLE_INTEGRATION, 0,
	 "api_appointments_csv"},
	{HTTP_POST, "/api/v1/appointment-requests/{id}/details", h_api_appointment_details, OFFICE, 0,
	 "api_appointment_details"},
	{HTTP_GET, "/appointments.csv", h_appointments_csv, APPT_READ, 0, "appointments_csv"},
	{HTTP_GET, "/appointments/queue", h_appointment_queue, OFFICE | ROLE_MAYOR, 0, "appointment_queue"},
	{HTTP_POST, "/appointments/{id}/details", h_appointment_details_form, OFFICE, 0, "appointment_details"},
	{HTTP_GET, "/appointments", h_appointments, APPT_READ, 0, "appointments"},
	{HTTP_GET, "/appointments/new", h_appointment_new, OFFICE, 0, "appointment_new"},
	{HTTP_POST, "/appointments", h_appointment_create, OFFICE, 0, "appointment_create"},
	{HTTP_GET, "/appointments/{id}", h_appointment, APPT_READ, 0, "appointment"},
	{HTTP_POST, "/appointments/{id}/transitions", h_appointment_transition_form, OFFICE | ROLE_MAYOR, 0,
	 "appointment_transition"},

	/* Walk-ins (web/walkins.c, api/walkins.c): the office acts, the Mayor and viewers read; /new and
	 * /availability before the {id} routes */
	{HTTP_GET, "/walk-ins", h_walkins, WALKINS_READ, 0, "walkins"},
	{HTTP_GET, "/walk-ins/new", h_walkin_new, WALKINS_WRITE, 0, "walkin_new"},
	{HTTP_POST, "/walk-ins", h_walkin_create, WALKINS_WRITE, 0, "walkin_create"},
	{HTTP_GET, "/walk-ins/{id}", h_walkin, WALKINS_READ, 0, "walkin"},
	{HTTP_POST, "/walk-ins/{id}/{action}", h_walkin_action, WALKINS_WRITE, 0, "walkin_action"},
	{HTTP_GET, "/api/v1/walk-ins", h_api_walkins, WALKINS_READ, 0, "api_walkins"},
	{HTTP_POST, "/api/v1/walk-ins", h_api_walkin_create, WALKINS_WRITE, 0, "api_walkin_create"},
	{HTTP_GET, "/api/v1/walk-ins/availability", h_api_walkin_availability, WALKINS_READ, 0,
	 "api_walkin_availability"},
	{HTTP_GET, "/api/v1/walk-ins/{id}", h_api_walkin, WALKINS_READ, 0, "api_walkin"},
	{HTTP_POST, "/api/v1/walk-ins/{id}/{action}", h_api_walkin_action, WALKINS_WRITE, 0, "api_walkin_action"},

	/* Open311: GeoReport v2 (api/open311.c), the Bizim Meram channel. Every GET is public (nothing personal);
	 * POST requests needs an API key of scope "open311" (the api_key form field or a Bearer header). Paths end in
	 * ".xml" or ".json": the suffix is the last {argument} (the router matches "requests.{fmt}"). */
	{HTTP_GET, "/open311/discovery.{fmt}", h_open311_discovery, PUBLIC, ROUTE_NO_SESSION, "open311_discovery"},
	{HTTP_GET, "/open311/v2/services.{fmt}", h_open311_services, PUBLIC, ROUTE_NO_SESSION, "open311_services"},
	{HTTP_GET, "/open311/v2/services/{code}", h_open311_service, PUBLIC, ROUTE_NO_SESSION, "open311_service"},
	{HTTP_POST, "/open311/v2/requests.{fmt}", h_open311_request_create, ROLE_INTEGRATION, 0,
	 "open311_request_create"},
	{HTTP_GET, "/open311/v2/requests.{fmt}", h_open311_requests, PUBLIC, ROUTE_NO_SESSION, "open311_requests"},
	{HTTP_GET, "/open311/v2/requests/{id}", h_open311_request, PUBLIC, ROUTE_NO_SESSION, "open311_request"},
	{HTTP_GET, "/open311/v2/tokens/{token}", h_open311_token, PUBLIC, ROUTE_NO_SESSION, "open311_token"},

	/* Applications: reference data (web/app_reference.c, api/app_reference.c): lists for the office, new and edit
	 * for admin and chief; /new before the {id} routes */
	{HTTP_GET, "/admin/categories", h_admin_categories, APPREF_READ, 0, "admin_categories"},
	{HTTP_GET, "/admin/categories/new", h_admin_category_new, APPREF_WRITE, 0, "admin_category_new"},
	{HTTP_POST, "/admin/categories", h_admin_category_create, APPREF_WRITE, 0, "admin_category_create"},
	{HTTP_GET, "/admin/categories/{id}/edit", h_admin_category_edit, APPREF_WRITE, 0, "admin_category_edit"},
	{HTTP_POST, "/admin/categories/{id}", h_admin_category_update, APPREF_WRITE, 0, "admin_category_update"},
	{HTTP_GET, "/admin/legal-reasons", h_admin_legal_reasons, APPREF_READ, 0, "admin_legal_reasons"},
	{HTTP_GET, "/admin/legal-reasons/new", h_admin_legal_reason_new, APPREF_WRITE, 0, "admin_legal_reason_new"},
	{HTTP_POST, "/admin/legal-reasons", h_admin_legal_reason_create, APPREF_WRITE, 0, "admin_legal_reason_create"},
	{HTTP_GET, "/admin/legal-reasons/{id}/edit", h_admin_legal_reason_edit, APPREF_WRITE, 0,
	 "admin_legal_reason_edit"},
	{HTTP_POST, "/admin/legal-reasons/{id}", h_admin_legal_reason_update, APPREF_WRITE, 0,
	 "admin_legal_reason_update"},
	{HTTP_GET, "/admin/templates", h_admin_templates, APPREF_READ, 0, "admin_templates"},
	{HTTP_GET, "/admin/templates/new", h_admin_template_new, APPREF_WRITE, 0, "admin_template_new"},
	{HTTP_POST, "/admin/templates", h_admin_template_create, APPREF_WRITE, 0, "admin_template_create"},
	{HTTP_GET, "/admin/templates/{id}/edit", h_admin_template_edit, APPREF_WRITE, 0, "admin_template_edit"},
	{HTTP_POST, "/admin/templates/{id}", h_admin_template_update, APPREF_WRITE, 0, "admin_template_update"},
	{HTTP_GET, "/api/v1/categories", h_api_categories, STAFF | ROLE_INTEGRATION, 0, "api_categories"},
	{HTTP_POST, "/api/v1/categories", h_api_category_create, APPREF_WRITE, 0, "api_category_create"},
	{HTTP_GET, "/api/v1/categories/{id}", h_api_category, STAFF | ROLE_INTEGRATION, 0, "api_category"},
	{HTTP_PUT, "/api/v1/categories/{id}", h_api_category_update, APPREF_WRITE, 0, "api_category_update"},
	{HTTP_GET, "/api/v1/legal-reasons", h_api_legal_reasons, STAFF, 0, "api_legal_reasons"},
	{HTTP_GET, "/api/v1/response-templates", h_api_response_templates, STAFF, 0, "api_response_templates"},

	/* Applications (web/applications.c, web/applications_case.c, web/files.c, api/applications.c): read by the
	 * office, the Mayor, viewers and directorates (a directorate only its own, in the SQL); the office takes in
	 * and assesses, directorates act on their routes; .csv, /new and the longer paths before the {id} routes */
	{HTTP_GET, "/applications.csv", h_applications_csv, APPS_READ, 0, "applications_csv"},
	{HTTP_GET, "/applications", h_applications, APPS_READ, 0, "applications"},
	{HTTP_GET, "/applications/new", h_application_new, APPS_OFFICE, 0, "application_new"},
	{HTTP_POST, "/applications", h_application_create, APPS_OFFICE, ROUTE_UPLOAD, "application_create"},
	{HTTP_GET, "/applications/{id}/receipt.pdf", h_application_receipt, APPS_OFFICE, 0, "application_receipt"},
	{HTTP_POST, "/applications/{id}/transitions", h_application_transition_form, APPS_ACT, ROUTE_UPLOAD,
	 "application_transition"},
	{HTTP_POST, "/applications/{id}/routes/{rid}/transitions", h_application_route_form, APPS_ACT, ROUTE_UPLOAD,
	 "application_route_transition"},
	{HTTP_POST, "/applications/{id}/contacts", h_application_contact_form, APPS_OFFICE, 0, "application_contact"},
	{HTTP_POST, "/applications/{id}/files", h_application_attach_form, APPS_ACT, ROUTE_UPLOAD,
	 "application_attach"},
	{HTTP_GET, "/applications/{id}", h_application, APPS_READ, 0, "application"},
	{HTTP_GET, "/files/{id}", h_file_download, APPS_READ, 0, "file_download"},
	{HTTP_GET, "/api/v1/applications.csv", h_api_applications_csv, APPS_READ | ROLE_INTEGRATION, 0,
	 "api_applications_csv"},
	{HTTP_GET, "/api/v1/applications", h_api_applications, APPS_READ | ROLE_INTEGRATION, 0, "api_applications"},
	{HTTP_POST, "/api/v1/applications", h_api_application_create, APPS_OFFICE | ROLE_INTEGRATION, 0,
	 "api_application_create"},
	{HTTP_GET, "/api/v1/applications/{id}/events", h_api_application_events, APPS_READ | ROLE_INTEGRATION, 0,
	 "api_application_events"},
	{HTTP_POST, "/api/v1/applications/{id}/transitions", h_api_application_transition, APPS_ACT, 0,
	 "api_application_transition"},
	{HTTP_POST, "/api/v1/applications/{id}/routes/{rid}/transitions", h_api_application_route_transition,
	 APPS_ACT, 0, "api_application_route_transition"},
	{HTTP_POST, "/api/v1/applications/{id}/contacts", h_api_application_contact, APPS_OFFICE, 0,
	 "api_application_contact"},
	{HTTP_GET, "/api/v1/applications/{id}", h_api_application, APPS_READ | ROLE_INTEGRATION, 0, "api_application"},

	/* Applications: public and inbox (web/app_public.c, web/app_inbox.c): the citizens' form (no account; form
	 * token, honeypot, throttling), the receipt for the submitting browser, tracking by code and last four digits
	 * (page and JSON, throttled); the directorate inbox */
	{HTTP_GET, "/basvuru", h_app_public_form, PUBLIC, 0, "app_public_form"},
	{HTTP_POST, "/basvuru", h_app_public_create, PUBLIC, ROUTE_UPLOAD, "app_public_create"},
	{HTTP_GET, "/basvuru/makbuz/{id}", h_app_public_receipt, PUBLIC, 0, "app_public_receipt"},
	{HTTP_GET, "/basvuru-takip", h_app_track_page, PUBLIC, 0, "app_track"},
	{HTTP_POST, "/basvuru-takip", h_app_track_lookup, PUBLIC, 0, "app_track_lookup"},
	{HTTP_GET, "/api/v1/public/applications/{code}", h_api_public_application, PUBLIC, ROUTE_NO_SESSION,
	 "api_public_application"},
	{HTTP_GET, "/inbox", h_inbox, INBOX_ROLES, 0, "inbox"},
};

const size_t routes_count = sizeof routes / sizeof routes[0];
