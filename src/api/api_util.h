/* api_util.h: what the JSON API handlers share: the 422 naming a field, a record's actions and history, paging
 * and day parameters, and a CSV attachment. */
#ifndef KALEM_API_API_UTIL_H
#define KALEM_API_API_UTIL_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/workflow.h"
#include "http/req.h"
#include "util/buf.h"

/* Responds 422 {"error":{"code":"invalid","message","field","fields":{field: message}}}, the message being the
 * catalogue key key (NULL: "error.invalid") in r's language formatted with args (stolen; NULL: {"field": field}). */
void api_field_error(struct req *r, const char *field, const char *key, json_t *args);

/* The actions of flow from the state named state that r's actor may take, as a new array [{action, label (in r's
 * language), to}] in table order; [] for an unknown state. */
json_t *api_flow_actions(struct req *r, const struct wf_flow *flow, const char *state);

/* Responds 200 with o (stolen) after adding "history": the audit events of record_type id, oldest first, at most
 * limit of them, as [{ts, actor, action}]; logs that r's actor opened the record (KVKK record-view log). */
void api_send_record(struct req *r, json_t *o, const char *record_type, int64_t id, int limit);

/* A YYYY-MM-DD value as the unix time of that Istanbul day's start (end_of_day: of the next day's start), 0 when
 * v is NULL or empty, -1 when it is not a real date. */
int64_t api_day_value(const char *v, bool end_of_day);

/* Checks the paging values of a list: after (the cursor: NULL or empty for the first page, else only characters
 * of after_chars) and limit (NULL or empty: 50; else a whole number 1..500). Sets *after_out (OUT: after, or
 * NULL when empty) and *limit_out (OUT). Returns NULL, or "after" / "limit" when that one is bad. */
const char *api_page_values(const char *after, const char *limit, const char *after_chars,
			    const char **after_out /* OUT */, int *limit_out /* OUT */);

/* Responds 200 with csv (its bytes, then freed) as the attachment "<name>-YYYY-MM-DD.csv" (today in Istanbul),
 * type text/csv; charset=utf-8. */
void api_send_csv_attachment(struct req *r, const char *name, struct buf *csv);

#endif
