/* holidays.h: seed data for Turkish official holidays (Law 2429), to load into the editable table. */
#ifndef KALEM_CORE_HOLIDAYS_H
#define KALEM_CORE_HOLIDAYS_H
#include <stddef.h>
#include "core/bizcal.h"

/* Enough room for any year: 9 fixed entries, 2 eves, 7 bayram days. */
#define HOLIDAYS_PER_YEAR_MAX 24

/* First and last year with Ramazan and Kurban Bayramı dates in the built-in table. */
#define HOLIDAYS_TABLE_FIRST_YEAR 2025
#define HOLIDAYS_TABLE_LAST_YEAR 2030

/* Fills out with the official holidays of year, sorted by date, one entry per date, and returns
 * how many it stored (at most max; HOLIDAYS_PER_YEAR_MAX is always enough). Fixed holidays every
 * year (1 Jan, 23 Apr, 1 May, 19 May, 15 Jul, 30 Aug, 29 Oct, and 28 Oct from 13:00); for
 * HOLIDAYS_TABLE_FIRST_YEAR..LAST_YEAR also Ramazan Bayramı (3 days) and Kurban Bayramı (4 days)
 * with their eves (arife) as half days. Where a bayram day falls on a fixed holiday the two
 * names are joined with " / " and a full day wins over a half day. Other years: fixed only. */
size_t holidays_for_year(int year, struct holiday *out /* OUT */, size_t max);

#endif
