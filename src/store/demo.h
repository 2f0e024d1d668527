/* demo.h: a realistic demo office (Meram Municipality, Konya) for trying Kalem out: `kalem demo`.
 *
 * Loads about 25 directorates (Meram's real directorate names, mnemonic codes, e-mails under the reserved
 * meram.example domain), Meram's 69 neighbourhoods (real names; muhtars, phones, populations and coordinates
 * fictional), one staff user of every role (admin "yonetici", chief "mudur", secretariat "sekreter1" and
 * "sekreter2", mayor "baskan", directorate staff "fen.personel" (FEN) and "zabita.personel" (ZAB), viewer
 * "izleyici") sharing one random password, about 300 fictional citizens (valid TCKNs by the check-digit rule,
 * phones, addresses in the neighbourhoods, channels, KVKK consent) and about 40 institutions of every kind.
 *
 * In the same transaction the application categories still without a default directorate get the one their seed
 * row names (store/app_reference.h app_category_resolve_directorates), and an unset org.detsis_unit gets the demo
 * value "12345678" so that archiving works.
 *
 * Then, through their stores (each change in its own transaction, as staff would make it): 12 appointment requests
 * of demo institutions and citizens in every state (requested, forwarded, accepted, scheduled, delegated, informed
 * by phone within the coming two weeks, held in the past few days with notes and follow-ups, declined), and 41
 * applications of demo citizens received over the last 30 days in every state of the chart (received, rejected
 * with a legal reason, forwarded, routed to FEN, ZAB and others, accepted, planned, waiting, answered,
 * feedback_given, archived; some overdue). The messages the stores queue for them (the demo's addresses and
 * numbers reach no one) are cancelled in the same run, the overdue escalations of the clock sweep included.
 *
 * Everything but the password comes from a fixed-seed generator, so the data are the same on every database
 * (tests may rely on them; times are relative to the day of loading). Loading is idempotent: a record already
 * present (by directorate code, neighbourhood name, username, citizen TCKN, institution name, a demo request's
 * subject, a demo application's idempotency key "demo-application-NN") is left as it is, so a second run changes
 * nothing. Audited as actor "demo".
 */
#ifndef KALEM_STORE_DEMO_H
#define KALEM_STORE_DEMO_H
#include "store/db.h"

struct demo_summary {
	/* Records created by this run (0 everywhere: everything was already there). */
	int directorates, neighbourhoods, users, citizens, institutions, engagements;
	int appointments, applications; /* appointment requests and applications */
	/* The demo users' shared password when this run created users, else "". */
	char password[32];
	/* The file the users and password were written to (mode 0600), or "" when none was written. */
	char users_file[512];
};

/* Loads the demo data (see above). var_dir: the directory of the SQLite database file, where demo-users.txt
 * is written when users are created; NULL (PostgreSQL) writes no file. summary (OUT, may be NULL) says what
 * was created. Returns the number of records created (0 when everything was already there), or -1 (logged):
 * when the main transaction fails nothing is written; when a later request or application fails, what was made
 * stays (summary counts it) and running it again completes the rest. The caller must not have a transaction open. */
int demo_load_with(struct db *db, const char *var_dir, struct demo_summary *summary);
/* demo_load_with without the summary (the password is then only in var_dir/demo-users.txt). */
int demo_load(struct db *db, const char *var_dir);

/* The demo users' usernames, NULL-terminated (for tests). */
extern const char *const demo_usernames[];

#endif
