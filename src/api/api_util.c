/* api_util.c: what the JSON API handlers share (see api_util.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/api_util.h"
#include "core/bizcal.h"
#include "core/isotime.h"
#include "store/audit.h"

void api_field_error(struct req *r, const char *field, const char *key, json_t *args)
{
	struct buf msg = BUF_INIT;
	if (!args)
		args = json_pack("{s:s}", "field", field);
	i18n_format(&msg, r->lang, key ? key : "error.invalid", args);
	json_decref(args);
	json_t *body = json_pack("{s:{s:s,s:s,s:s,s:{s:s}}}", "error", "code", "invalid", "message",
				 msg.data ? msg.data : "", "field", field, "fields", field, msg.data ? msg.data : "");
	buf_free(&msg);
	resp_json(r, 422, body);
}

json_t *api_flow_actions(struct req *r, const struct wf_flow *flow, const char *state)
{
	json_t *list = json_array();
	const struct wf_state *s = wf_state_by_name(flow, state);
	const struct wf_transition *t[16];
	size_t n = s ? wf_actions_for(flow, s->id, r->actor.role, t, 16) : 0;
	for (size_t i = 0; i < n && i < 16; i++)
		json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "action", t[i]->action, "label",
						      i18n_get(r->lang, t[i]->label_key), "to",
						      flow->states[t[i]->to].name));
	return list;
}

void api_send_record(struct req *r, json_t *o, const char *record_type, int64_t id, int limit)
{
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	json_t *events = audit_list(r->db, NULL, record_type, sid, NULL, 0, limit), *history = json_array();
	for (size_t i = json_array_size(events); i-- > 0;) {
		json_t *e = json_array_get(events, i);
		json_array_append_new(history, json_pack("{s:O?,s:O?,s:O?}", "ts", json_object_get(e, "ts"), "actor",
							 json_object_get(e, "actor"), "action",
							 json_object_get(e, "action")));
	}
	json_decref(events);
	json_object_set_new(o, "history", history);
	record_view_log(r->db, r->actor.username, record_type, id);
	resp_json(r, 200, o);
}

int64_t api_day_value(const char *v, bool end_of_day)
{
	if (!v || !*v)
		return 0;
	int ymd = iso_date_parse(v);
	return ymd ? unix_from_ymd_min(ymd, end_of_day ? 24 * 60 : 0) : -1;
}

const char *api_page_values(const char *after, const char *limit, const char *after_chars, const char **after_out,
			    int *limit_out)
{
	*after_out = after && *after ? after : NULL;
	*limit_out = 50;
	if (*after_out && strspn(after, after_chars) != strlen(after))
		return "after";
	if (limit && *limit) {
		char *end;
		long v = strtol(limit, &end, 10);
		if (*end || v < 1 || v > 500)
			return "limit";
		*limit_out = (int)v;
	}
	return NULL;
}

void api_send_csv_attachment(struct req *r, const char *name, struct buf *csv)
{
	time_t local = time(NULL) + 3 * 3600; /* Europe/Istanbul: UTC+3 all year */
	struct tm tm;
	gmtime_r(&local, &tm);
	char disposition[192];
	snprintf(disposition, sizeof disposition, "attachment; filename=\"%s-%04d-%02d-%02d.csv\"", name,
		 (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100, tm.tm_mday % 100);
	resp_header(r, "Content-Disposition", disposition);
	r->status = 200;
	r->resp_type = "text/csv; charset=utf-8";
	buf_reset(&r->resp);
	buf_add(&r->resp, csv->data, csv->len);
	buf_free(csv);
}
