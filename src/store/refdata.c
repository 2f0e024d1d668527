/* refdata.c: the write tail the reference-data stores share (see refdata.h). */
#include <stdio.h>
#include "store/audit.h"
#include "store/refdata.h"

int refdata_bind_stamps(struct db_stmt *st, int i, int64_t id, int64_t now, const char *actor)
{
	db_bind_int(st, i++, now);
	if (!id) {
		db_bind_int(st, i++, now);
		db_bind_text(st, i++, actor);
		db_bind_text(st, i++, actor);
	} else {
		db_bind_text(st, i++, actor);
		db_bind_int(st, i++, id);
	}
	return i;
}

int64_t refdata_finish_save(struct db *db, struct db_stmt *st, const char *actor, const char *entity, int64_t id,
			    const json_t *before, json_t *(*get)(struct db *db, int64_t id))
{
	enum db_rc rc = db_step(st);
	bool created = !id;
	if (created) {
		if (rc != DB_ROW)
			return rc == DB_CONSTRAINT ? DB_CONSTRAINT : -1;
		id = db_col_int(st, 0);
		while (db_step(st) == DB_ROW)
			;
	} else if (rc != DB_OK) {
		return rc == DB_CONSTRAINT ? DB_CONSTRAINT : -1;
	}
	char action[96];
	snprintf(action, sizeof action, "%s.%s", entity, created ? "create" : "update");
	json_t *after = get(db, id);
	int arc = audit_append(db, actor, action, entity, id, before, after);
	json_decref(after);
	return arc == 0 ? id : -1;
}
