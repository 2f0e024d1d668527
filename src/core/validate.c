/* validate.c: e-mail, date, time and UTF-8 validators. */
#include <stdint.h>
#include <string.h>
#include "core/validate.h"

bool email_valid(const char *s)
{
	if (!s)
		return false;
	size_t len = strlen(s);
	if (len == 0 || len > 254)
		return false;

	const char *at = NULL;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c == 0x7f)
			return false;
		if (c == '@') {
			if (at)
				return false;
			at = p;
		}
	}
	if (!at || at == s || at - s > 64)
		return false;

	const char *domain = at + 1;
	size_t dlen = strlen(domain);
	if (dlen < 3 || domain[0] == '.' || domain[dlen - 1] == '.' || !strchr(domain, '.'))
		return false;
	if (strstr(domain, ".."))
		return false;
	return utf8_valid(s, len);
}

static bool two_digits(const char *s, int *out)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return false;
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	return true;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool date_valid(const char *s, int *y, int *m, int *d)
{
	int hi, lo, month, day;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	if (!two_digits(s, &hi) || !two_digits(s + 2, &lo) || !two_digits(s + 5, &month) ||
	    !two_digits(s + 8, &day))
		return false;
	int year = hi * 100 + lo;
	if (year < 1 || month < 1 || month > 12 || day < 1)
		return false;
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int max = mdays[month - 1] + (month == 2 && is_leap(year));
	if (day > max)
		return false;
	if (y)
		*y = year;
	if (m)
		*m = month;
	if (d)
		*d = day;
	return true;
}

bool time_valid(const char *s, int *h, int *min)
{
	int hour, minute;

	if (!s || strlen(s) != 5 || s[2] != ':')
		return false;
	if (!two_digits(s, &hour) || !two_digits(s + 3, &minute) || hour > 23 || minute > 59)
		return false;
	if (h)
		*h = hour;
	if (min)
		*min = minute;
	return true;
}

bool utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	if (!s)
		return len == 0;
	while (i < len) {
		unsigned char c = p[i];
		size_t need;     /* continuation bytes */
		uint32_t cp;     /* code point so far */
		uint32_t min;    /* smallest code point that needs this many bytes (no overlongs) */
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			need = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			need = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			need = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return false;
		}
		if (len - i - 1 < need)
			return false;
		for (size_t k = 1; k <= need; k++) {
			unsigned char cc = p[i + k];
			if ((cc & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (cc & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}

size_t utf8_length(const char *s)
{
	if (!s)
		return SIZE_MAX;
	size_t len = strlen(s);
	if (!utf8_valid(s, len))
		return SIZE_MAX;
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}
