/* application_flow.c: the flows of workflow 3 (complaints and requests) as tables: the application and its routes. */
#include "core/application_flow.h"

#define OFFICE WF_ROLES_OFFICE
#define OFFICE_OR_DIRECTORATE (WF_ROLES_OFFICE | WF_ROLE_DIRECTORATE)

/* The answer of a rejection may come from a response template (the store fills it), so only the reason is a must. */
static const char *const need_legal_reason[] = {"legal_reason", NULL};
static const char *const need_authority[] = {"legal_reason", "authority", NULL};
static const char *const need_directorates[] = {"directorates", NULL};
static const char *const need_answer[] = {"answer", NULL};
static const char *const need_question[] = {"question", NULL};
static const char *const need_interim[] = {"via", "text", NULL};
static const char *const need_via[] = {"via", NULL};
static const char *const need_file_plan_code[] = {"file_plan_code", NULL};
static const char *const need_work_date[] = {"work_date", NULL};
static const char *const need_reason[] = {"reason", NULL};

static const struct wf_state app_states[APP_STATE__MAX] = {
	[APP_RECEIVED] = {APP_RECEIVED, "received", "3", "app.state.received", false},
	[APP_REJECTED] = {APP_REJECTED, "rejected", "3.1", "app.state.rejected", false},
	[APP_FORWARDED] = {APP_FORWARDED, "forwarded", "3.1", "app.state.forwarded", false},
	[APP_ROUTED] = {APP_ROUTED, "routed", "3.1.1", "app.state.routed", false},
	[APP_WAITING] = {APP_WAITING, "waiting", "3.1.1", "app.state.waiting", false},
	[APP_ANSWERED] = {APP_ANSWERED, "answered", "3.2", "app.state.answered", false},
	[APP_FEEDBACK_GIVEN] = {APP_FEEDBACK_GIVEN, "feedback_given", "3.3", "app.state.feedback_given", false},
	[APP_ARCHIVED] = {APP_ARCHIVED, "archived", "3.1.2", "app.state.archived", true},
};

static const struct wf_transition app_transitions[] = {
	{APP_RECEIVED, APP_REJECTED, "reject", OFFICE, need_legal_reason, "application_rejected",
	 "app.action.reject"},
	{APP_RECEIVED, APP_FORWARDED, "forward_external", OFFICE, need_authority, "application_forwarded",
	 "app.action.forward_external"},
	{APP_RECEIVED, APP_ROUTED, "route", OFFICE, need_directorates, "application_routed", "app.action.route"},
	{APP_RECEIVED, APP_ANSWERED, "answer", OFFICE, need_answer, NULL, "app.action.answer"},

	{APP_ROUTED, APP_WAITING, "request_info", OFFICE_OR_DIRECTORATE, need_question, "application_info_needed",
	 "app.action.request_info"},
	{APP_ROUTED, APP_ANSWERED, "answer", OFFICE, need_answer, NULL, "app.action.answer"},
	{APP_ROUTED, APP_ROUTED, "interim", OFFICE, need_interim, "application_interim", "app.action.interim"},
	{APP_ROUTED, APP_ROUTED, "reroute", OFFICE, need_directorates, NULL, "app.action.reroute"},

	{APP_WAITING, APP_ROUTED, "info_received", OFFICE, NULL, NULL, "app.action.info_received"},
	{APP_WAITING, APP_WAITING, "interim", OFFICE, need_interim, "application_interim", "app.action.interim"},
	{APP_WAITING, APP_ROUTED, "reroute", OFFICE, need_directorates, NULL, "app.action.reroute"},

	{APP_ANSWERED, APP_ANSWERED, "interim", OFFICE, need_interim, "application_interim", "app.action.interim"},
	{APP_ANSWERED, APP_FEEDBACK_GIVEN, "give_feedback", OFFICE, need_via, "application_feedback",
	 "app.action.give_feedback"},

	{APP_REJECTED, APP_ARCHIVED, "archive", OFFICE, need_file_plan_code, NULL, "app.action.archive"},
	{APP_FORWARDED, APP_ARCHIVED, "archive", OFFICE, need_file_plan_code, NULL, "app.action.archive"},
	{APP_FEEDBACK_GIVEN, APP_ARCHIVED, "archive", OFFICE, need_file_plan_code, NULL, "app.action.archive"},
};

const struct wf_flow application_flow = {
	.name = "application",
	.states = app_states,
	.n_states = APP_STATE__MAX,
	.transitions = app_transitions,
	.n_transitions = sizeof app_transitions / sizeof app_transitions[0],
};

static const struct wf_state route_states[ROUTE_STATE__MAX] = {
	[ROUTE_PENDING] = {ROUTE_PENDING, "pending", "3.1.1", "route.state.pending", false},
	[ROUTE_ACCEPTED] = {ROUTE_ACCEPTED, "accepted", "3.1.1", "route.state.accepted", false},
	[ROUTE_PLANNED] = {ROUTE_PLANNED, "planned", "3.1.1", "route.state.planned", false},
	[ROUTE_INFO_REQUESTED] = {ROUTE_INFO_REQUESTED, "info_requested", "3.1.1", "route.state.info_requested",
				  false},
	[ROUTE_ANSWERED] = {ROUTE_ANSWERED, "answered", "3.2", "route.state.answered", true},
	[ROUTE_RETURNED] = {ROUTE_RETURNED, "returned", "3.1", "route.state.returned", true},
	[ROUTE_WITHDRAWN] = {ROUTE_WITHDRAWN, "withdrawn", "3.1", "route.state.withdrawn", true},
};

/* The applicant is told when a directorate asks them something (the application goes to waiting). */
static const struct wf_transition route_transitions[] = {
	{ROUTE_PENDING, ROUTE_ACCEPTED, "accept", OFFICE_OR_DIRECTORATE, NULL, NULL, "route.action.accept"},
	{ROUTE_PENDING, ROUTE_ANSWERED, "answer", OFFICE_OR_DIRECTORATE, need_answer, NULL, "route.action.answer"},
	{ROUTE_PENDING, ROUTE_RETURNED, "return", OFFICE_OR_DIRECTORATE, need_reason, NULL, "route.action.return"},
	{ROUTE_PENDING, ROUTE_INFO_REQUESTED, "ask_info", OFFICE_OR_DIRECTORATE, need_question,
	 "application_info_needed", "route.action.ask_info"},
	{ROUTE_PENDING, ROUTE_WITHDRAWN, "withdraw", OFFICE, NULL, NULL, "route.action.withdraw"},

	{ROUTE_ACCEPTED, ROUTE_PLANNED, "plan", OFFICE_OR_DIRECTORATE, need_work_date, NULL, "route.action.plan"},
	{ROUTE_ACCEPTED, ROUTE_ANSWERED, "answer", OFFICE_OR_DIRECTORATE, need_answer, NULL, "route.action.answer"},
	{ROUTE_ACCEPTED, ROUTE_RETURNED, "return", OFFICE_OR_DIRECTORATE, need_reason, NULL, "route.action.return"},
	{ROUTE_ACCEPTED, ROUTE_INFO_REQUESTED, "ask_info", OFFICE_OR_DIRECTORATE, need_question,
	 "application_info_needed", "route.action.ask_info"},
	{ROUTE_ACCEPTED, ROUTE_WITHDRAWN, "withdraw", OFFICE, NULL, NULL, "route.action.withdraw"},

	{ROUTE_PLANNED, ROUTE_ANSWERED, "answer", OFFICE_OR_DIRECTORATE, need_answer, NULL, "route.action.answer"},
	{ROUTE_PLANNED, ROUTE_INFO_REQUESTED, "ask_info", OFFICE_OR_DIRECTORATE, need_question,
	 "application_info_needed", "route.action.ask_info"},
	{ROUTE_PLANNED, ROUTE_WITHDRAWN, "withdraw", OFFICE, NULL, NULL, "route.action.withdraw"},

	{ROUTE_INFO_REQUESTED, ROUTE_ACCEPTED, "info_received", OFFICE_OR_DIRECTORATE, NULL, NULL,
	 "route.action.info_received"},
	{ROUTE_INFO_REQUESTED, ROUTE_WITHDRAWN, "withdraw", OFFICE, NULL, NULL, "route.action.withdraw"},
};

const struct wf_flow route_flow = {
	.name = "application_route",
	.states = route_states,
	.n_states = ROUTE_STATE__MAX,
	.transitions = route_transitions,
	.n_transitions = sizeof route_transitions / sizeof route_transitions[0],
};
