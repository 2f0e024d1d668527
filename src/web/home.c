/* home.c: the home page, by role: what needs doing and where things are.
 * (No count of the people register: COUNT(*) over a million rows would cost tens of milliseconds.) */
#include <time.h>
#include "store/db.h"
#include "store/walkins.h"
#include "web/agenda.h"
#include "web/app_inbox.h"
#include "web/handlers.h"
#include "web/page.h"
#include "web/parties.h"
#include "web/walkins.h"

static const char SQL_COUNTS[] =
	"SELECT (SELECT COUNT(*) FROM directorates WHERE active = 1), (SELECT COUNT(*) FROM neighbourhoods), "
	"(SELECT COUNT(*) FROM users WHERE active = 1)";

void h_home(struct req *r)
{
	json_t *ctx = json_object();
	struct db_stmt *st = db_prep(r->db, SQL_COUNTS);
	if (st && db_step(st) == DB_ROW) {
		json_object_set_new(ctx, "counts",
				    json_pack("{s:I,s:I,s:I}", "directorates", db_col_int(st, 0), "neighbourhoods",
					      db_col_int(st, 1), "users", db_col_int(st, 2)));
	}
	/* the register's tile only for those who may open it (directorate staff may not) */
	json_object_set_new(ctx, "can_read_parties", json_boolean((r->actor.role & PARTIES_READ) != 0));
	/* Today's programme for those who read the agenda. */
	if (r->actor.role & AGENDA_READ) {
		json_t *today = agenda_today_items(r);
		json_object_set_new(ctx, "has_today", json_boolean(json_array_size(today) > 0));
		json_object_set_new(ctx, "today", today);
		json_object_set_new(ctx, "show_today", json_true());
	}
	/* Today's walk-in queue: how many wait, and the way to it. */
	if (r->actor.role & WALKINS_READ) {
		json_object_set_new(ctx, "walkins_waiting", json_integer(walkin_waiting_count(r->db, (int64_t)time(NULL))));
		json_object_set_new(ctx, "show_walkins", json_true());
	}
	/* Applications: what is due or overdue, returned, waiting for feedback; a directorate's inbox; the clocks. */
	app_home_widgets(r, ctx);
	page_render(r, 200, "home", "home.title", ctx);
}
