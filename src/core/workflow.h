/* workflow.h: a generic state machine for the office's workflows: states that name their chart step, and
 * transitions guarded by roles and required fields. Pure: no I/O; the stores apply a transition in their own
 * write transaction (check, update, audit, notify).
 */
#ifndef KALEM_CORE_WORKFLOW_H
#define KALEM_CORE_WORKFLOW_H
#include <stdbool.h>
#include <stddef.h>

/* Role bits as a plain mask, so core need not include http/req.h. They have the values of enum role there
 * (ROLE_ADMIN = 1 << 0 ...); src/api/appointments.c checks that with static assertions. */
#define WF_ROLE_ADMIN (1u << 0)
#define WF_ROLE_CHIEF (1u << 1)
#define WF_ROLE_SECRETARIAT (1u << 2)
#define WF_ROLE_MAYOR (1u << 3)
#define WF_ROLE_DIRECTORATE (1u << 4)
#define WF_ROLE_VIEWER (1u << 5)
#define WF_ROLE_INTEGRATION (1u << 6)
#define WF_ROLES_OFFICE (WF_ROLE_ADMIN | WF_ROLE_CHIEF | WF_ROLE_SECRETARIAT)

/* One state. */
struct wf_state {
	int id;                 /* the index of the state in its flow's table */
	const char *name;       /* stored in the database, e.g. "forwarded" */
	const char *chart_step; /* the step of shared/domain/workflows.en.md it stands for, e.g. "1.2" */
	const char *label_key;  /* catalogue key of its label */
	bool final;             /* no transition leaves it */
};

/* One transition. */
struct wf_transition {
	int from, to;
	const char *action;                  /* e.g. "accept"; unique per from state */
	unsigned roles;                      /* WF_ROLE_* bits allowed to take it */
	const char *const *required_fields;  /* NULL-terminated, or NULL for none */
	const char *notify_template;         /* outbox template to queue (store's choice of recipient), or NULL */
	const char *label_key;               /* catalogue key of its button */
};

struct wf_flow {
	const char *name;                    /* e.g. "appointment" */
	const struct wf_state *states;       /* states[i].id == i */
	size_t n_states;
	const struct wf_transition *transitions;
	size_t n_transitions;
};

/* Error keys set by wf_find. */
#define WF_ERR_UNKNOWN_STATE "error.wf_unknown_state" /* from is not a state of flow */
#define WF_ERR_FINAL "error.wf_final"                 /* from is final: nothing leaves it (409) */
#define WF_ERR_ACTION "error.wf_action"               /* no such action from this state (409) */
#define WF_ERR_FORBIDDEN "error.wf_forbidden"         /* the action exists, not for this role (403) */

/* The transition of flow taking action from state from for an actor holding the role bits actor_role. Returns
 * it, or NULL with *error_key (OUT, may be NULL) set to one of WF_ERR_* above. */
const struct wf_transition *wf_find(const struct wf_flow *flow, int from, const char *action, unsigned actor_role,
				    const char **error_key /* OUT */);

/* The first required field of t for which has(name, ctx) is false, or NULL when all are present. */
const char *wf_missing_field(const struct wf_transition *t, bool (*has)(const char *name, void *ctx), void *ctx);

/* The transitions an actor with actor_role may take from state (the buttons of a record's page), in table
 * order, at most max, into out (OUT). Returns how many there are (may exceed max). */
size_t wf_actions_for(const struct wf_flow *flow, int state, unsigned actor_role,
		      const struct wf_transition **out /* OUT */, size_t max);

/* The state of flow named name, or NULL. */
const struct wf_state *wf_state_by_name(const struct wf_flow *flow, const char *name);
/* The state id, or NULL when out of range. */
const struct wf_state *wf_state(const struct wf_flow *flow, int id);

/* ---- the appointment flow (workflows 1 and 2A) ---- */

enum appt_state {
	APPT_REQUESTED,  /* 1.1 / 2A: received */
	APPT_FORWARDED,  /* 1.2: in the Mayor's queue */
	APPT_ACCEPTED,   /* 1.2: the Mayor will meet them (with a priority) */
	APPT_DECLINED,   /* 1.2: final, the reason is sent to the requester */
	APPT_DELEGATED,  /* 1.2: handed to a deputy, who will meet them */
	APPT_SCHEDULED,  /* 1.3: a time is booked in the agenda */
	APPT_INFORMED,   /* 1.4: the requester knows the time */
	APPT_HELD,       /* 1.5: final */
	APPT_NO_SHOW,    /* 1.5: final */
	APPT_CANCELLED,  /* final */
	APPT_STATE__MAX
};

extern const struct wf_flow appointment_flow;

#endif
