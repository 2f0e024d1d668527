/* test_application_flow.c: the application and route flows of workflow 3 (core/application_flow.h): every transition
 * allowed or forbidden per role, required fields, notifications, final states, chart steps and label keys. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "core/application_flow.h"
#include "util/i18n.h"

static const unsigned all_roles[] = {WF_ROLE_ADMIN, WF_ROLE_CHIEF,  WF_ROLE_SECRETARIAT, WF_ROLE_MAYOR,
				     WF_ROLE_DIRECTORATE, WF_ROLE_VIEWER, WF_ROLE_INTEGRATION};
#define N_ROLES (sizeof all_roles / sizeof all_roles[0])

/* The expected tables, written from the diagram in application_flow.h, independently of application_flow.c. */
struct expect {
	int from;
	const char *action;
	int to;
	unsigned roles;
	const char *required[3]; /* required fields in order, NULL-terminated */
	const char *notify;      /* outbox template, or NULL */
};
#define OFFICE (WF_ROLE_ADMIN | WF_ROLE_CHIEF | WF_ROLE_SECRETARIAT)
#define OFFICE_DIR (OFFICE | WF_ROLE_DIRECTORATE)

static const struct expect app_expected[] = {
	{APP_RECEIVED, "reject", APP_REJECTED, OFFICE, {"legal_reason"}, "application_rejected"},
	{APP_RECEIVED, "forward_external", APP_FORWARDED, OFFICE, {"legal_reason", "authority"},
	 "application_forwarded"},
	{APP_RECEIVED, "route", APP_ROUTED, OFFICE, {"directorates"}, "application_routed"},
	{APP_RECEIVED, "answer", APP_ANSWERED, OFFICE, {"answer"}, NULL},
	{APP_ROUTED, "request_info", APP_WAITING, OFFICE_DIR, {"question"}, "application_info_needed"},
	{APP_ROUTED, "answer", APP_ANSWERED, OFFICE, {"answer"}, NULL},
	{APP_ROUTED, "interim", APP_ROUTED, OFFICE, {"via", "text"}, "application_interim"},
	{APP_ROUTED, "reroute", APP_ROUTED, OFFICE, {"directorates"}, NULL},
	{APP_WAITING, "info_received", APP_ROUTED, OFFICE, {NULL}, NULL},
	{APP_WAITING, "interim", APP_WAITING, OFFICE, {"via", "text"}, "application_interim"},
	{APP_WAITING, "reroute", APP_ROUTED, OFFICE, {"directorates"}, NULL},
	{APP_ANSWERED, "interim", APP_ANSWERED, OFFICE, {"via", "text"}, "application_interim"},
	{APP_ANSWERED, "give_feedback", APP_FEEDBACK_GIVEN, OFFICE, {"via"}, "application_feedback"},
	{APP_REJECTED, "archive", APP_ARCHIVED, OFFICE, {"file_plan_code"}, NULL},
	{APP_FORWARDED, "archive", APP_ARCHIVED, OFFICE, {"file_plan_code"}, NULL},
	{APP_FEEDBACK_GIVEN, "archive", APP_ARCHIVED, OFFICE, {"file_plan_code"}, NULL},
};

static const struct expect route_expected[] = {
	{ROUTE_PENDING, "accept", ROUTE_ACCEPTED, OFFICE_DIR, {NULL}, NULL},
	{ROUTE_PENDING, "answer", ROUTE_ANSWERED, OFFICE_DIR, {"answer"}, NULL},
	{ROUTE_PENDING, "return", ROUTE_RETURNED, OFFICE_DIR, {"reason"}, NULL},
	{ROUTE_PENDING, "ask_info", ROUTE_INFO_REQUESTED, OFFICE_DIR, {"question"}, "application_info_needed"},
	{ROUTE_PENDING, "withdraw", ROUTE_WITHDRAWN, OFFICE, {NULL}, NULL},
	{ROUTE_ACCEPTED, "plan", ROUTE_PLANNED, OFFICE_DIR, {"work_date"}, NULL},
	{ROUTE_ACCEPTED, "answer", ROUTE_ANSWERED, OFFICE_DIR, {"answer"}, NULL},
	{ROUTE_ACCEPTED, "return", ROUTE_RETURNED, OFFICE_DIR, {"reason"}, NULL},
	{ROUTE_ACCEPTED, "ask_info", ROUTE_INFO_REQUESTED, OFFICE_DIR, {"question"}, "application_info_needed"},
	{ROUTE_ACCEPTED, "withdraw", ROUTE_WITHDRAWN, OFFICE, {NULL}, NULL},
	{ROUTE_PLANNED, "answer", ROUTE_ANSWERED, OFFICE_DIR, {"answer"}, NULL},
	{ROUTE_PLANNED, "ask_info", ROUTE_INFO_REQUESTED, OFFICE_DIR, {"question"}, "application_info_needed"},
	{ROUTE_PLANNED, "withdraw", ROUTE_WITHDRAWN, OFFICE, {NULL}, NULL},
	{ROUTE_INFO_REQUESTED, "info_received", ROUTE_ACCEPTED, OFFICE_DIR, {NULL}, NULL},
	{ROUTE_INFO_REQUESTED, "withdraw", ROUTE_WITHDRAWN, OFFICE, {NULL}, NULL},
};

/* Every action name of both flows, plus some that exist in neither. */
static const char *const actions[] = {"reject",	  "forward_external", "route",	"answer",   "request_info",
				      "info_received", "interim", "reroute", "give_feedback", "archive",
				      "accept",	  "plan",	      "return", "ask_info", "withdraw",
				      "forward",  "cancel",	      "Reject", "",	    "answer "};
#define N_ACTIONS (sizeof actions / sizeof actions[0])

static const struct expect *lookup(const struct expect *table, size_t n, int from, const char *action)
{
	for (size_t i = 0; i < n; i++)
		if (table[i].from == from && strcmp(table[i].action, action) == 0)
			return &table[i];
	return NULL;
}

/* Every (state, action, role) of flow answers as table says, with the right error key otherwise. */
static void check_every_transition(const struct wf_flow *f, const struct expect *table, size_t n, int n_states)
{
	assert_int_equal(f->n_transitions, n);
	assert_int_equal(f->n_states, n_states);
	for (int s = 0; s < n_states; s++)
		for (size_t a = 0; a < N_ACTIONS; a++)
			for (size_t r = 0; r < N_ROLES; r++) {
				const char *err = "unset";
				const struct wf_transition *t = wf_find(f, s, actions[a], all_roles[r], &err);
				const struct expect *e = lookup(table, n, s, actions[a]);
				if (e && (e->roles & all_roles[r])) {
					assert_non_null(t);
					assert_null(err);
					assert_int_equal(t->from, s);
					assert_int_equal(t->to, e->to);
					assert_string_equal(t->action, actions[a]);
				} else {
					assert_null(t);
					if (f->states[s].final)
						assert_string_equal(err, WF_ERR_FINAL);
					else if (e)
						assert_string_equal(err, WF_ERR_FORBIDDEN);
					else
						assert_string_equal(err, WF_ERR_ACTION);
				}
			}
}

static void test_application_transitions(void **state)
{
	(void)state;
	check_every_transition(&application_flow, app_expected, sizeof app_expected / sizeof app_expected[0],
			       APP_STATE__MAX);
}

static void test_route_transitions(void **state)
{
	(void)state;
	check_every_transition(&route_flow, route_expected, sizeof route_expected / sizeof route_expected[0],
			       ROUTE_STATE__MAX);
}

/* A field set for wf_missing_field: the names in a NULL-terminated list. */
static bool has_listed(const char *name, void *ctx)
{
	for (const char *const *p = ctx; *p; p++)
		if (strcmp(*p, name) == 0)
			return true;
	return false;
}

/* Each transition needs exactly its fields: none missing passes, any one left out is named. */
static void check_required(const struct wf_flow *f, const struct expect *table, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct expect *e = &table[i];
		const struct wf_transition *t = wf_find(f, e->from, e->action, e->roles, NULL);
		assert_non_null(t);
		const char *const none[] = {NULL};
		const char *missing = wf_missing_field(t, has_listed, (void *)none);
		if (!e->required[0]) {
			assert_null(missing);
			assert_true(t->required_fields == NULL || t->required_fields[0] == NULL);
			continue;
		}
		assert_non_null(missing);
		assert_string_equal(missing, e->required[0]);
		/* All given: nothing missing. */
		assert_null(wf_missing_field(t, has_listed, (void *)e->required));
		/* Leave each one out in turn: that one is named. */
		size_t n_req = 0;
		while (e->required[n_req])
			n_req++;
		for (size_t skip = 0; skip < n_req; skip++) {
			const char *some[3] = {NULL, NULL, NULL};
			size_t k = 0;
			for (size_t j = 0; j < n_req; j++)
				if (j != skip)
					some[k++] = e->required[j];
			missing = wf_missing_field(t, has_listed, (void *)some);
			assert_non_null(missing);
			assert_string_equal(missing, e->required[skip]);
		}
		/* No field beyond the expected ones is required. */
		size_t n_table = 0;
		while (t->required_fields[n_table])
			n_table++;
		assert_int_equal(n_table, n_req);
	}
}

static void test_required_fields(void **state)
{
	(void)state;
	check_required(&application_flow, app_expected, sizeof app_expected / sizeof app_expected[0]);
	check_required(&route_flow, route_expected, sizeof route_expected / sizeof route_expected[0]);
	/* A rejection needs its legal reason only: the answer may come from a response template. */
	const struct wf_transition *t = wf_find(&application_flow, APP_RECEIVED, "reject", WF_ROLE_SECRETARIAT, NULL);
	const char *const reason_only[] = {"legal_reason", NULL};
	assert_null(wf_missing_field(t, has_listed, (void *)reason_only));
	const char *const answer_only[] = {"answer", NULL};
	assert_string_equal(wf_missing_field(t, has_listed, (void *)answer_only), "legal_reason");
}

static void check_notify(const struct wf_flow *f, const struct expect *table, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct wf_transition *t = wf_find(f, table[i].from, table[i].action, table[i].roles, NULL);
		assert_non_null(t);
		if (table[i].notify)
			assert_string_equal(t->notify_template, table[i].notify);
		else
			assert_null(t->notify_template);
	}
}

static void test_notifications(void **state)
{
	(void)state;
	check_notify(&application_flow, app_expected, sizeof app_expected / sizeof app_expected[0]);
	check_notify(&route_flow, route_expected, sizeof route_expected / sizeof route_expected[0]);
}

static void check_finals(const struct wf_flow *f, const int *finals, size_t n_finals)
{
	int n_final = 0;
	for (size_t s = 0; s < f->n_states; s++)
		n_final += f->states[s].final;
	assert_int_equal(n_final, (int)n_finals);
	for (size_t i = 0; i < n_finals; i++) {
		assert_true(f->states[finals[i]].final);
		for (size_t t = 0; t < f->n_transitions; t++)
			assert_int_not_equal(f->transitions[t].from, finals[i]);
		const struct wf_transition *out[8];
		assert_int_equal(wf_actions_for(f, finals[i], ~0u, out, 8), 0);
	}
	/* Every state other than the finals has a way out, and every state but the first is reachable. */
	for (size_t s = 0; s < f->n_states; s++) {
		bool leaves = false, entered = s == 0;
		for (size_t t = 0; t < f->n_transitions; t++) {
			leaves |= f->transitions[t].from == (int)s;
			entered |= f->transitions[t].to == (int)s && f->transitions[t].from != (int)s;
		}
		assert_true(leaves != f->states[s].final);
		assert_true(entered);
	}
	const char *err = NULL;
	assert_null(wf_find(f, -1, "answer", ~0u, &err));
	assert_string_equal(err, WF_ERR_UNKNOWN_STATE);
	assert_null(wf_find(f, (int)f->n_states, "answer", ~0u, &err));
	assert_string_equal(err, WF_ERR_UNKNOWN_STATE);
	assert_null(wf_find(f, 0, NULL, ~0u, &err));
	assert_string_equal(err, WF_ERR_ACTION);
}

static void test_final_states(void **state)
{
	(void)state;
	const int app_finals[] = {APP_ARCHIVED};
	check_finals(&application_flow, app_finals, 1);
	const int route_finals[] = {ROUTE_ANSWERED, ROUTE_RETURNED, ROUTE_WITHDRAWN};
	check_finals(&route_flow, route_finals, 3);
	/* Rejected and forwarded applications are not final: they still go to the archive. */
	assert_false(application_flow.states[APP_REJECTED].final);
	assert_false(application_flow.states[APP_FORWARDED].final);
	assert_false(application_flow.states[APP_FEEDBACK_GIVEN].final);
}

static void test_states_tables(void **state)
{
	(void)state;
	const struct wf_flow *f = &application_flow;
	const char *names[] = {"received", "rejected", "forwarded",	"routed",
			       "waiting",  "answered", "feedback_given", "archived"};
	const char *steps[] = {"3", "3.1", "3.1", "3.1.1", "3.1.1", "3.2", "3.3", "3.1.2"};
	char key[64];
	assert_string_equal(f->name, "application");
	for (int s = 0; s < APP_STATE__MAX; s++) {
		assert_int_equal(f->states[s].id, s);
		assert_string_equal(f->states[s].name, names[s]);
		assert_string_equal(f->states[s].chart_step, steps[s]);
		snprintf(key, sizeof key, "app.state.%s", names[s]);
		assert_string_equal(f->states[s].label_key, key);
		assert_ptr_equal(wf_state_by_name(f, names[s]), &f->states[s]);
	}
	assert_null(wf_state_by_name(f, "pending"));
	assert_null(wf_state_by_name(f, "Received"));
	assert_null(wf_state(f, APP_STATE__MAX));

	f = &route_flow;
	const char *route_names[] = {"pending",  "accepted", "planned",  "info_requested",
				     "answered", "returned", "withdrawn"};
	for (int s = 0; s < ROUTE_STATE__MAX; s++) {
		assert_int_equal(f->states[s].id, s);
		assert_string_equal(f->states[s].name, route_names[s]);
		assert_non_null(f->states[s].chart_step);
		assert_true(strncmp(f->states[s].chart_step, "3.", 2) == 0);
		snprintf(key, sizeof key, "route.state.%s", route_names[s]);
		assert_string_equal(f->states[s].label_key, key);
		assert_ptr_equal(wf_state_by_name(f, route_names[s]), &f->states[s]);
	}
	assert_null(wf_state_by_name(f, "received"));

	/* Button labels: "app.action.<action>", "route.action.<action>". */
	for (size_t t = 0; t < application_flow.n_transitions; t++) {
		snprintf(key, sizeof key, "app.action.%s", application_flow.transitions[t].action);
		assert_string_equal(application_flow.transitions[t].label_key, key);
	}
	for (size_t t = 0; t < route_flow.n_transitions; t++) {
		snprintf(key, sizeof key, "route.action.%s", route_flow.transitions[t].action);
		assert_string_equal(route_flow.transitions[t].label_key, key);
	}
}

static void test_actions_for(void **state)
{
	(void)state;
	const struct wf_transition *out[8];
	/* A new application: the office decides; directorates, viewers and the Mayor see no buttons. */
	assert_int_equal(wf_actions_for(&application_flow, APP_RECEIVED, WF_ROLE_SECRETARIAT, out, 8), 4);
	assert_string_equal(out[0]->action, "reject");
	assert_string_equal(out[1]->action, "forward_external");
	assert_string_equal(out[2]->action, "route");
	assert_string_equal(out[3]->action, "answer");
	assert_int_equal(wf_actions_for(&application_flow, APP_RECEIVED, WF_ROLE_DIRECTORATE, out, 8), 0);
	/* Routed: a directorate may only ask the applicant for information. */
	assert_int_equal(wf_actions_for(&application_flow, APP_ROUTED, WF_ROLE_DIRECTORATE, out, 8), 1);
	assert_string_equal(out[0]->action, "request_info");
	assert_int_equal(wf_actions_for(&application_flow, APP_ROUTED, WF_ROLE_CHIEF, out, 8), 4);
	/* A directorate works its route but cannot withdraw it. */
	assert_int_equal(wf_actions_for(&route_flow, ROUTE_PENDING, WF_ROLE_DIRECTORATE, out, 8), 4);
	assert_int_equal(wf_actions_for(&route_flow, ROUTE_PENDING, WF_ROLE_ADMIN, out, 8), 5);
	assert_string_equal(out[4]->action, "withdraw");
	for (int s = 0; s < APP_STATE__MAX; s++) {
		assert_int_equal(wf_actions_for(&application_flow, s, WF_ROLE_VIEWER, out, 8), 0);
		assert_int_equal(wf_actions_for(&application_flow, s, WF_ROLE_MAYOR, out, 8), 0);
		assert_int_equal(wf_actions_for(&application_flow, s, WF_ROLE_INTEGRATION, out, 8), 0);
	}
	for (int s = 0; s < ROUTE_STATE__MAX; s++)
		assert_int_equal(wf_actions_for(&route_flow, s, WF_ROLE_VIEWER | WF_ROLE_MAYOR, out, 8), 0);
}

/* Every label key of both flows is in the catalogue (i18n/strings.tsv), in both languages. */
static void test_labels_in_catalogue(void **state)
{
	(void)state;
	assert_int_equal(i18n_load(), 0);
	const struct wf_flow *flows[] = {&application_flow, &route_flow};
	for (size_t f = 0; f < 2; f++) {
		for (size_t s = 0; s < flows[f]->n_states; s++)
			if (!i18n_has(flows[f]->states[s].label_key))
				fail_msg("'%s' is not in strings.tsv", flows[f]->states[s].label_key);
		for (size_t t = 0; t < flows[f]->n_transitions; t++)
			if (!i18n_has(flows[f]->transitions[t].label_key))
				fail_msg("'%s' is not in strings.tsv", flows[f]->transitions[t].label_key);
	}
	assert_false(i18n_has("app.state.no_such_state"));
	i18n_unload();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_application_transitions),
		cmocka_unit_test(test_route_transitions),
		cmocka_unit_test(test_required_fields),
		cmocka_unit_test(test_notifications),
		cmocka_unit_test(test_final_states),
		cmocka_unit_test(test_states_tables),
		cmocka_unit_test(test_actions_for),
		cmocka_unit_test(test_labels_in_catalogue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
