/* workflow.c: the generic state machine engine (see workflow.h). */
#include <string.h>
#include "core/workflow.h"

const struct wf_state *wf_state(const struct wf_flow *flow, int id)
{
	if (id < 0 || (size_t)id >= flow->n_states)
		return NULL;
	return &flow->states[id];
}

const struct wf_state *wf_state_by_name(const struct wf_flow *flow, const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < flow->n_states; i++)
		if (strcmp(flow->states[i].name, name) == 0)
			return &flow->states[i];
	return NULL;
}

const struct wf_transition *wf_find(const struct wf_flow *flow, int from, const char *action, unsigned actor_role,
				    const char **error_key)
{
	const char *dummy;
	if (!error_key)
		error_key = &dummy;
	const struct wf_state *s = wf_state(flow, from);
	if (!s) {
		*error_key = WF_ERR_UNKNOWN_STATE;
		return NULL;
	}
	if (s->final) {
		*error_key = WF_ERR_FINAL;
		return NULL;
	}
	for (size_t i = 0; action && i < flow->n_transitions; i++) {
		const struct wf_transition *t = &flow->transitions[i];
		if (t->from != from || strcmp(t->action, action) != 0)
			continue;
		if (!(t->roles & actor_role)) {
			*error_key = WF_ERR_FORBIDDEN;
			return NULL;
		}
		*error_key = NULL;
		return t;
	}
	*error_key = WF_ERR_ACTION;
	return NULL;
}

const char *wf_missing_field(const struct wf_transition *t, bool (*has)(const char *name, void *ctx), void *ctx)
{
	for (const char *const *f = t->required_fields; f && *f; f++)
		if (!has(*f, ctx))
			return *f;
	return NULL;
}

size_t wf_actions_for(const struct wf_flow *flow, int state, unsigned actor_role, const struct wf_transition **out,
		      size_t max)
{
	size_t n = 0;
	const struct wf_state *s = wf_state(flow, state);
	if (!s || s->final)
		return 0;
	for (size_t i = 0; i < flow->n_transitions; i++) {
		const struct wf_transition *t = &flow->transitions[i];
		if (t->from != state || !(t->roles & actor_role))
			continue;
		if (n < max)
			out[n] = t;
		n++;
	}
	return n;
}
