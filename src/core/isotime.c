/* isotime.c: ISO 8601 date-times in Europe/Istanbul time for the JSON API. */
#include <stdio.h>
#include <string.h>
#include "core/bizcal.h"
#include "core/isotime.h"
#include "core/validate.h"

void iso_time_format(int64_t t, char out[ISO_TIME_SIZE])
{
	int ymd = ymd_from_unix(t);
	int64_t sec = t - unix_from_ymd_min(ymd, 0);
	/* The unsigned remainders tell the compiler each field's width. */
	snprintf(out, ISO_TIME_SIZE, "%04u-%02u-%02uT%02u:%02u:%02u+03:00", (unsigned)(ymd / 10000) % 10000u,
		 (unsigned)(ymd / 100) % 100u, (unsigned)ymd % 100u, (unsigned)(sec / 3600) % 100u,
		 (unsigned)(sec / 60) % 60u, (unsigned)sec % 60u);
}

/* n digits at s -> *v; false if any is not a digit. */
static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

int iso_time_parse(const char *s, int64_t *t)
{
	if (!s || strlen(s) < 16)
		return -1;
	char date[ISO_DATE_SIZE];
	memcpy(date, s, 10);
	date[10] = '\0';
	int ymd = iso_date_parse(date);
	if (!ymd || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
		return -1;
	int h, mi, sec = 0;
	if (!digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || h > 23 || mi > 59)
		return -1;
	const char *p = s + 16;
	if (*p == ':') {
		if (!digits(p + 1, 2, &sec) || sec > 59)
			return -1;
		p += 3;
	}
	int64_t offset = BIZCAL_UTC_OFFSET_SEC;
	if (*p == 'Z' || *p == 'z') {
		offset = 0;
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om;
		const char *q = p + 1;
		if (!digits(q, 2, &oh))
			return -1;
		q += 2;
		if (*q == ':')
			q++;
		if (!digits(q, 2, &om) || oh > 23 || om > 59)
			return -1;
		offset = (int64_t)(oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
		p = q + 2;
	}
	if (*p)
		return -1;
	/* unix_from_ymd_min counts from local (UTC+3) midnight; undo that, then apply the text's own offset. */
	*t = unix_from_ymd_min(ymd, h * 60 + mi) + sec + BIZCAL_UTC_OFFSET_SEC - offset;
	return 0;
}

int iso_date_parse(const char *s)
{
	int y, m, d;
	if (!s || !date_valid(s, &y, &m, &d))
		return 0;
	return y * 10000 + m * 100 + d;
}

void iso_date_format(int ymd, char out[ISO_DATE_SIZE])
{
	snprintf(out, ISO_DATE_SIZE, "%04u-%02u-%02u", (unsigned)(ymd / 10000) % 10000u, (unsigned)(ymd / 100) % 100u,
		 (unsigned)ymd % 100u);
}
