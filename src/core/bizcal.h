/* bizcal.h: the business calendar behind legal and office clocks (working days, hours, holidays).
 *
 * Dates are ints YYYYMMDD (20261029) in local time, Europe/Istanbul, which is UTC+3 all year
 * (no daylight saving since 2016). Instants are Unix seconds (int64_t).
 */
#ifndef KALEM_CORE_BIZCAL_H
#define KALEM_CORE_BIZCAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BIZCAL_UTC_OFFSET_SEC (3 * 3600)
#define BIZCAL_HALF_DAY_END_MIN (13 * 60)

struct holiday {
	int ymd;        /* e.g. 20261029 */
	bool half_day;  /* work ends at 13:00 (arife, 28 October) */
	char name[96];  /* Turkish, UTF-8 */
};

struct bizcal {
	const struct holiday *holidays; /* sorted by ymd; not owned */
	size_t n_holidays;
	int work_start_min; /* minutes from local midnight, default 8*60+30 */
	int work_end_min;   /* default 17*60+30 */
};

/* Sets up cal over a holiday table sorted by ymd (borrowed: it must outlive cal) with the
 * default working hours 08:30-17:30. */
void bizcal_init(struct bizcal *cal /* OUT */, const struct holiday *sorted, size_t n);

/* Local (UTC+3) calendar date of instant t. */
int ymd_from_unix(int64_t t);
/* The instant at minute_of_day (0..1440) of local date ymd. */
int64_t unix_from_ymd_min(int ymd, int minute_of_day);
/* ymd moved by days (may be negative), across months and years. */
int ymd_add_days(int ymd, int days);
/* Day of week of ymd: 0 = Monday .. 6 = Sunday. */
int ymd_weekday(int ymd);

/* The holiday entry for ymd, or NULL. If the table has several entries for the day, a full-day
 * one wins over a half-day one. */
const struct holiday *bizcal_holiday(const struct bizcal *cal, int ymd);

/* Monday to Friday and not a full-day holiday. A half day (arife) IS a working day. */
bool bizcal_is_working_day(const struct bizcal *cal, int ymd);

/* Minute the working day ends: 13:00 on half days (or work_end_min if earlier), else
 * work_end_min; -1 if ymd is not a working day. */
int bizcal_day_end_min(const struct bizcal *cal, int ymd);

/* Deadline of "N working days": the end of the Nth working day after start's local date, the
 * day of receipt itself not counted (Law 4982 art. 11). days <= 0 gives the end of start's
 * day if it is a working day, else of the next working day. */
int64_t bizcal_add_working_days(const struct bizcal *cal, int64_t start, int days);

/* Deadline of "N days": the end of the working day on the local date N calendar days after
 * start's; if that date is not a working day, the end of the next working day (a time limit
 * ending on a holiday runs to the next working day). */
int64_t bizcal_add_calendar_days(const struct bizcal *cal, int64_t start, int days);

/* Seconds of working time in [from, to): inside working hours on working days, half days
 * ending at 13:00. 0 if to <= from. For SLA clocks: sum it over the running (unpaused) spans. */
int64_t bizcal_working_seconds(const struct bizcal *cal, int64_t from, int64_t to);

#endif
