/* bizcal.c: working days and working time in Turkish local time (UTC+3). */
#include "core/bizcal.h"

#define SECONDS_PER_DAY 86400

void bizcal_init(struct bizcal *cal, const struct holiday *sorted, size_t n)
{
	cal->holidays = sorted;
	cal->n_holidays = sorted ? n : 0;
	cal->work_start_min = 8 * 60 + 30;
	cal->work_end_min = 17 * 60 + 30;
}

/* Floor division, since C's / truncates towards zero and instants before 1970 are negative. */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int civil_from_days(int64_t z)
{
	z += 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	y += m <= 2;
	return (int)(y * 10000 + m * 100 + d);
}

static int64_t days_from_ymd(int ymd)
{
	return days_from_civil(ymd / 10000, ymd / 100 % 100, ymd % 100);
}

int ymd_from_unix(int64_t t)
{
	return civil_from_days(floor_div(t + BIZCAL_UTC_OFFSET_SEC, SECONDS_PER_DAY));
}

int64_t unix_from_ymd_min(int ymd, int minute_of_day)
{
	return days_from_ymd(ymd) * SECONDS_PER_DAY + (int64_t)minute_of_day * 60 -
	       BIZCAL_UTC_OFFSET_SEC;
}

int ymd_add_days(int ymd, int days)
{
	return civil_from_days(days_from_ymd(ymd) + days);
}

int ymd_weekday(int ymd)
{
	/* 1970-01-01 was a Thursday (3 with Monday = 0). */
	int64_t w = (days_from_ymd(ymd) + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

const struct holiday *bizcal_holiday(const struct bizcal *cal, int ymd)
{
	size_t lo = 0, hi = cal->n_holidays;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cal->holidays[mid].ymd < ymd)
			lo = mid + 1;
		else
			hi = mid;
	}
	const struct holiday *found = NULL;
	for (size_t i = lo; i < cal->n_holidays && cal->holidays[i].ymd == ymd; i++) {
		found = &cal->holidays[i];
		if (!found->half_day)
			break;
	}
	return found;
}

bool bizcal_is_working_day(const struct bizcal *cal, int ymd)
{
	if (ymd_weekday(ymd) >= 5)
		return false;
	const struct holiday *h = bizcal_holiday(cal, ymd);
	return !h || h->half_day;
}

int bizcal_day_end_min(const struct bizcal *cal, int ymd)
{
	if (!bizcal_is_working_day(cal, ymd))
		return -1;
	const struct holiday *h = bizcal_holiday(cal, ymd);
	if (h && h->half_day && cal->work_end_min > BIZCAL_HALF_DAY_END_MIN)
		return BIZCAL_HALF_DAY_END_MIN;
	return cal->work_end_min;
}

static int next_working_day(const struct bizcal *cal, int ymd)
{
	while (!bizcal_is_working_day(cal, ymd))
		ymd = ymd_add_days(ymd, 1);
	return ymd;
}

int64_t bizcal_add_working_days(const struct bizcal *cal, int64_t start, int days)
{
	int ymd = ymd_from_unix(start);

	if (days <= 0) {
		ymd = next_working_day(cal, ymd);
	} else {
		for (int counted = 0; counted < days;) {
			ymd = ymd_add_days(ymd, 1);
			counted += bizcal_is_working_day(cal, ymd);
		}
	}
	return unix_from_ymd_min(ymd, bizcal_day_end_min(cal, ymd));
}

int64_t bizcal_add_calendar_days(const struct bizcal *cal, int64_t start, int days)
{
	int ymd = next_working_day(cal, ymd_add_days(ymd_from_unix(start), days));
	return unix_from_ymd_min(ymd, bizcal_day_end_min(cal, ymd));
}

int64_t bizcal_working_seconds(const struct bizcal *cal, int64_t from, int64_t to)
{
	int64_t total = 0;

	if (to <= from)
		return 0;
	int last = ymd_from_unix(to);
	for (int ymd = ymd_from_unix(from);; ymd = ymd_add_days(ymd, 1)) {
		int end_min = bizcal_day_end_min(cal, ymd);
		if (end_min > cal->work_start_min) {
			int64_t open = unix_from_ymd_min(ymd, cal->work_start_min);
			int64_t close = unix_from_ymd_min(ymd, end_min);
			int64_t a = from > open ? from : open;
			int64_t b = to < close ? to : close;
			if (b > a)
				total += b - a;
		}
		if (ymd == last)
			break;
	}
	return total;
}
