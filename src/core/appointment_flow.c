/* appointment_flow.c: the appointment request flow of workflows 1 (institutions) and 2A (citizens) as a table. */
#include "core/workflow.h"

#define OFFICE WF_ROLES_OFFICE
#define MAKAM (WF_ROLE_MAYOR | WF_ROLE_CHIEF) /* the Mayor decides; the head of the secretariat on their word */

static const char *const need_priority[] = {"priority", NULL};
static const char *const need_reason[] = {"reason", NULL};
static const char *const need_deputy[] = {"deputy", NULL};
static const char *const need_time[] = {"starts_at", NULL};

static const struct wf_state states[APPT_STATE__MAX] = {
	[APPT_REQUESTED] = {APPT_REQUESTED, "requested", "1.1", "appt.state.requested", false},
	[APPT_FORWARDED] = {APPT_FORWARDED, "forwarded", "1.2", "appt.state.forwarded", false},
	[APPT_ACCEPTED] = {APPT_ACCEPTED, "accepted", "1.2", "appt.state.accepted", false},
	[APPT_DECLINED] = {APPT_DECLINED, "declined", "1.2", "appt.state.declined", true},
	[APPT_DELEGATED] = {APPT_DELEGATED, "delegated", "1.2", "appt.state.delegated", false},
	[APPT_SCHEDULED] = {APPT_SCHEDULED, "scheduled", "1.3", "appt.state.scheduled", false},
	[APPT_INFORMED] = {APPT_INFORMED, "informed", "1.4", "appt.state.informed", false},
	[APPT_HELD] = {APPT_HELD, "held", "1.5", "appt.state.held", true},
	[APPT_NO_SHOW] = {APPT_NO_SHOW, "no_show", "1.5", "appt.state.no_show", true},
	[APPT_CANCELLED] = {APPT_CANCELLED, "cancelled", "1.6", "appt.state.cancelled", true},
};

static const struct wf_transition transitions[] = {
	{APPT_REQUESTED, APPT_FORWARDED, "forward", OFFICE, NULL, NULL, "appt.action.forward"},
	{APPT_REQUESTED, APPT_CANCELLED, "cancel", OFFICE, NULL, NULL, "appt.action.cancel"},
	{APPT_FORWARDED, APPT_ACCEPTED, "accept", MAKAM, need_priority, NULL, "appt.action.accept"},
	{APPT_FORWARDED, APPT_DECLINED, "decline", MAKAM, need_reason, "appointment_declined",
	 "appt.action.decline"},
	{APPT_FORWARDED, APPT_DELEGATED, "delegate", MAKAM, need_deputy, NULL, "appt.action.delegate"},
	{APPT_FORWARDED, APPT_CANCELLED, "cancel", OFFICE, NULL, NULL, "appt.action.cancel"},
	{APPT_ACCEPTED, APPT_SCHEDULED, "schedule", OFFICE, need_time, NULL, "appt.action.schedule"},
	{APPT_ACCEPTED, APPT_CANCELLED, "cancel", OFFICE, NULL, NULL, "appt.action.cancel"},
	{APPT_DELEGATED, APPT_SCHEDULED, "schedule", OFFICE, need_time, NULL, "appt.action.schedule"},
	{APPT_DELEGATED, APPT_CANCELLED, "cancel", OFFICE, NULL, NULL, "appt.action.cancel"},
	{APPT_SCHEDULED, APPT_INFORMED, "inform", OFFICE, NULL, "appointment_scheduled", "appt.action.inform"},
	{APPT_SCHEDULED, APPT_SCHEDULED, "reschedule", OFFICE, need_time, NULL, "appt.action.reschedule"},
	{APPT_SCHEDULED, APPT_CANCELLED, "cancel", OFFICE, NULL, NULL, "appt.action.cancel"},
	{APPT_INFORMED, APPT_HELD, "held", OFFICE | WF_ROLE_MAYOR, NULL, NULL, "appt.action.held"},
	{APPT_INFORMED, APPT_NO_SHOW, "no_show", OFFICE, NULL, NULL, "appt.action.no_show"},
	{APPT_INFORMED, APPT_SCHEDULED, "reschedule", OFFICE, need_time, NULL, "appt.action.reschedule"},
	{APPT_INFORMED, APPT_CANCELLED, "cancel", OFFICE, NULL, "appointment_cancelled", "appt.action.cancel"},
};

const struct wf_flow appointment_flow = {
	.name = "appointment",
	.states = states,
	.n_states = APPT_STATE__MAX,
	.transitions = transitions,
	.n_transitions = sizeof transitions / sizeof transitions[0],
};
