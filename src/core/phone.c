/* phone.c: Turkish phone number normalisation and display. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "core/phone.h"

/* A Turkish national significant number: 10 digits, area/operator code starting 2..5. */
static bool tr_national(const char *digits, size_t n)
{
	return n == 10 && digits[0] >= '2' && digits[0] <= '5';
}

static void put_tr(const char *national, char out[16])
{
	memcpy(out, "+90", 3);
	memcpy(out + 3, national, 10);
	out[13] = '\0';
}

/* The digits after a "90" country code; people also write "+90 (0532) ...", so a trunk 0
 * there is tolerated. */
static int tr_after_country_code(const char *d, size_t n, char out[16])
{
	if (n == 11 && d[0] == '0') {
		d++;
		n--;
	}
	if (!tr_national(d, n))
		return -1;
	put_tr(d, out);
	return 0;
}

int phone_normalize(const char *in, char out[PHONE_E164_SIZE])
{
	char digits[18]; /* "00" + 15 digits + NUL */
	size_t n = 0;
	bool plus = false;

	out[0] = '\0';
	if (!in)
		return -1;
	for (const char *p = in; *p; p++) {
		char c = *p;
		if (c >= '0' && c <= '9') {
			if (n == 17)
				return -1; /* longer than any E.164 number, even after "00" */
			digits[n++] = c;
		} else if (c == '+') {
			if (plus || n > 0)
				return -1;
			plus = true;
		} else if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')') {
			return -1;
		}
	}
	digits[n] = '\0';

	const char *d = digits;
	if (!plus && n > 2 && d[0] == '0' && d[1] == '0') {
		/* "00" is the international call prefix: same as "+". */
		plus = true;
		d += 2;
		n -= 2;
	}
	if (plus) {
		if (n >= 2 && d[0] == '9' && d[1] == '0')
			return tr_after_country_code(d + 2, n - 2, out);
		if (n < 8 || n > 15 || d[0] == '0')
			return -1;
		out[0] = '+';
		memcpy(out + 1, d, n + 1);
		return 0;
	}
	if (tr_national(d, n)) {
		put_tr(d, out);
		return 0;
	}
	if (n == 11 && d[0] == '0' && tr_national(d + 1, 10)) {
		put_tr(d + 1, out);
		return 0;
	}
	if ((n == 12 || n == 13) && d[0] == '9' && d[1] == '0')
		return tr_after_country_code(d + 2, n - 2, out);
	return -1;
}

void phone_format(const char *e164, char out[24])
{
	if (!e164) {
		out[0] = '\0';
		return;
	}
	bool turkish = strlen(e164) == 13 && strncmp(e164, "+90", 3) == 0;
	for (int i = 3; turkish && i < 13; i++)
		turkish = e164[i] >= '0' && e164[i] <= '9';
	if (!turkish) {
		snprintf(out, 24, "%s", e164);
		return;
	}
	const char *n = e164 + 3;
	snprintf(out, 24, "+90 %.3s %.3s %.2s %.2s", n, n + 3, n + 6, n + 8);
}
