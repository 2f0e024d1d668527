/* test_workflow.c: the workflow engine (core/workflow.h) and the appointment flow table: every transition allowed
 * or forbidden per role, required fields, final states, the actions offered as buttons. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "core/workflow.h"

static const unsigned all_roles[] = {WF_ROLE_ADMIN,     WF_ROLE_CHIEF,  WF_ROLE_SECRETARIAT,
				     WF_ROLE_MAYOR,     WF_ROLE_DIRECTORATE, WF_ROLE_VIEWER,
				     WF_ROLE_INTEGRATION};

/* The expected table, written independently of appointment_flow.c: from, action, to, roles allowed. */
struct expect {
	int from;
	const char *action;
	int to;
	unsigned roles;
	const char *required; /* the one required field, or NULL */
};
#define OFFICE (WF_ROLE_ADMIN | WF_ROLE_CHIEF | WF_ROLE_SECRETARIAT)
static const struct expect expected[] = {
	{APPT_REQUESTED, "forward", APPT_FORWARDED, OFFICE, NULL},
	{APPT_REQUESTED, "cancel", APPT_CANCELLED, OFFICE, NULL},
	{APPT_FORWARDED, "accept", APPT_ACCEPTED, WF_ROLE_MAYOR | WF_ROLE_CHIEF, "priority"},
	{APPT_FORWARDED, "decline", APPT_DECLINED, WF_ROLE_MAYOR | WF_ROLE_CHIEF, "reason"},
	{APPT_FORWARDED, "delegate", APPT_DELEGATED, WF_ROLE_MAYOR | WF_ROLE_CHIEF, "deputy"},
	{APPT_FORWARDED, "cancel", APPT_CANCELLED, OFFICE, NULL},
	{APPT_ACCEPTED, "schedule", APPT_SCHEDULED, OFFICE, "starts_at"},
	{APPT_ACCEPTED, "cancel", APPT_CANCELLED, OFFICE, NULL},
	{APPT_DELEGATED, "schedule", APPT_SCHEDULED, OFFICE, "starts_at"},
	{APPT_DELEGATED, "cancel", APPT_CANCELLED, OFFICE, NULL},
	{APPT_SCHEDULED, "inform", APPT_INFORMED, OFFICE, NULL},
	{APPT_SCHEDULED, "reschedule", APPT_SCHEDULED, OFFICE, "starts_at"},
	{APPT_SCHEDULED, "cancel", APPT_CANCELLED, OFFICE, NULL},
	{APPT_INFORMED, "held", APPT_HELD, OFFICE | WF_ROLE_MAYOR, NULL},
	{APPT_INFORMED, "no_show", APPT_NO_SHOW, OFFICE, NULL},
	{APPT_INFORMED, "reschedule", APPT_SCHEDULED, OFFICE, "starts_at"},
	{APPT_INFORMED, "cancel", APPT_CANCELLED, OFFICE, NULL},
};
#define N_EXPECTED (sizeof expected / sizeof expected[0])

static const char *const actions[] = {"forward", "cancel", "accept", "decline", "delegate", "schedule",
				      "inform", "reschedule", "held", "no_show", "bogus", ""};

static const struct expect *lookup(int from, const char *action)
{
	for (size_t i = 0; i < N_EXPECTED; i++)
		if (expected[i].from == from && strcmp(expected[i].action, action) == 0)
			return &expected[i];
	return NULL;
}

/* Every (state, action, role) answers as the expected table says, with the right error key otherwise. */
static void test_every_transition_per_role(void **state)
{
	(void)state;
	const struct wf_flow *f = &appointment_flow;
	assert_int_equal(f->n_transitions, N_EXPECTED);
	for (int s = 0; s < APPT_STATE__MAX; s++)
		for (size_t a = 0; a < sizeof actions / sizeof actions[0]; a++)
			for (size_t r = 0; r < sizeof all_roles / sizeof all_roles[0]; r++) {
				const char *err = "unset";
				const struct wf_transition *t = wf_find(f, s, actions[a], all_roles[r], &err);
				const struct expect *e = lookup(s, actions[a]);
				if (e && (e->roles & all_roles[r])) {
					assert_non_null(t);
					assert_null(err);
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

static bool has_none(const char *name, void *ctx)
{
	(void)name;
	(void)ctx;
	return false;
}

static bool has_named(const char *name, void *ctx)
{
	return strcmp(name, (const char *)ctx) == 0;
}

static void test_required_fields(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_EXPECTED; i++) {
		const struct wf_transition *t = wf_find(&appointment_flow, expected[i].from, expected[i].action,
							expected[i].roles, NULL);
		assert_non_null(t);
		const char *missing = wf_missing_field(t, has_none, NULL);
		if (expected[i].required) {
			assert_non_null(missing);
			assert_string_equal(missing, expected[i].required);
			assert_null(wf_missing_field(t, has_named, (void *)expected[i].required));
			assert_non_null(wf_missing_field(t, has_named, (void *)"other"));
		} else {
			assert_null(missing);
		}
	}
}

static void test_final_states(void **state)
{
	(void)state;
	const struct wf_flow *f = &appointment_flow;
	const int finals[] = {APPT_DECLINED, APPT_HELD, APPT_NO_SHOW, APPT_CANCELLED};
	for (size_t i = 0; i < sizeof finals / sizeof finals[0]; i++) {
		assert_true(f->states[finals[i]].final);
		for (size_t t = 0; t < f->n_transitions; t++)
			assert_int_not_equal(f->transitions[t].from, finals[i]);
		const struct wf_transition *out[8];
		assert_int_equal(wf_actions_for(f, finals[i], ~0u, out, 8), 0);
	}
	int n_final = 0;
	for (int s = 0; s < APPT_STATE__MAX; s++)
		n_final += f->states[s].final;
	assert_int_equal(n_final, 4);
	/* Unknown states. */
	const char *err = NULL;
	assert_null(wf_find(f, -1, "forward", ~0u, &err));
	assert_string_equal(err, WF_ERR_UNKNOWN_STATE);
	assert_null(wf_find(f, APPT_STATE__MAX, "forward", ~0u, &err));
	assert_string_equal(err, WF_ERR_UNKNOWN_STATE);
	assert_null(wf_find(f, APPT_REQUESTED, NULL, ~0u, &err));
	assert_string_equal(err, WF_ERR_ACTION);
}

static void test_states_table(void **state)
{
	(void)state;
	const struct wf_flow *f = &appointment_flow;
	const char *names[] = {"requested", "forwarded", "accepted", "declined", "delegated",
			       "scheduled", "informed",  "held",     "no_show",  "cancelled"};
	for (int s = 0; s < APPT_STATE__MAX; s++) {
		assert_int_equal(f->states[s].id, s);
		assert_string_equal(f->states[s].name, names[s]);
		assert_non_null(f->states[s].chart_step);
		assert_true(strncmp(f->states[s].chart_step, "1.", 2) == 0);
		assert_ptr_equal(wf_state_by_name(f, names[s]), &f->states[s]);
	}
	assert_string_equal(f->states[APPT_REQUESTED].chart_step, "1.1");
	assert_string_equal(f->states[APPT_FORWARDED].chart_step, "1.2");
	assert_string_equal(f->states[APPT_SCHEDULED].chart_step, "1.3");
	assert_string_equal(f->states[APPT_INFORMED].chart_step, "1.4");
	assert_string_equal(f->states[APPT_HELD].chart_step, "1.5");
	assert_null(wf_state_by_name(f, "Requested"));
	assert_null(wf_state_by_name(f, NULL));
	assert_null(wf_state(f, APPT_STATE__MAX));
	/* Notifications: declining, informing and cancelling a booked time tell the requester. */
	assert_string_equal(wf_find(f, APPT_FORWARDED, "decline", WF_ROLE_MAYOR, NULL)->notify_template,
			    "appointment_declined");
	assert_string_equal(wf_find(f, APPT_SCHEDULED, "inform", WF_ROLE_SECRETARIAT, NULL)->notify_template,
			    "appointment_scheduled");
	assert_null(wf_find(f, APPT_REQUESTED, "forward", WF_ROLE_SECRETARIAT, NULL)->notify_template);
}

static void test_actions_for(void **state)
{
	(void)state;
	const struct wf_flow *f = &appointment_flow;
	const struct wf_transition *out[8];
	/* The Mayor's queue: accept, decline, delegate; the secretariat may only cancel there. */
	assert_int_equal(wf_actions_for(f, APPT_FORWARDED, WF_ROLE_MAYOR, out, 8), 3);
	assert_string_equal(out[0]->action, "accept");
	assert_string_equal(out[1]->action, "decline");
	assert_string_equal(out[2]->action, "delegate");
	assert_int_equal(wf_actions_for(f, APPT_FORWARDED, WF_ROLE_SECRETARIAT, out, 8), 1);
	assert_string_equal(out[0]->action, "cancel");
	assert_int_equal(wf_actions_for(f, APPT_FORWARDED, WF_ROLE_CHIEF, out, 8), 4);
	/* Viewers and directorates get no buttons anywhere. */
	for (int s = 0; s < APPT_STATE__MAX; s++) {
		assert_int_equal(wf_actions_for(f, s, WF_ROLE_VIEWER, out, 8), 0);
		assert_int_equal(wf_actions_for(f, s, WF_ROLE_DIRECTORATE, out, 8), 0);
	}
	/* max bounds what is written, the count is the whole. */
	assert_int_equal(wf_actions_for(f, APPT_INFORMED, WF_ROLE_SECRETARIAT, out, 2), 4);
	assert_string_equal(out[0]->action, "held");
	assert_string_equal(out[1]->action, "no_show");
	assert_int_equal(wf_actions_for(f, APPT_INFORMED, WF_ROLE_MAYOR, out, 8), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_transition_per_role),
		cmocka_unit_test(test_required_fields),
		cmocka_unit_test(test_final_states),
		cmocka_unit_test(test_states_table),
		cmocka_unit_test(test_actions_for),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
