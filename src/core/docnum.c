/* docnum.c: official document numbers and the file-plan codes inside them. */
#include "core/docnum.h"
#include <inttypes.h>
#include <stdio.h>

#define DETSIS_DIGITS 8

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool sdp_code_valid(const char *code)
{
	if (!code)
		return false;
	for (int group = 0;; group++) {
		int digits = 0;
		while (is_digit(*code)) {
			code++;
			digits++;
		}
		/* The main code has 3 digits, the sub-codes below it 2 (or 3). */
		if (group == 0 ? digits != 3 : digits < 2 || digits > 3)
			return false;
		if (*code == '\0')
			return true;
		if (*code++ != '.')
			return false;
	}
}

static bool detsis_valid(const char *unit)
{
	if (!unit)
		return false;
	for (int i = 0; i < DETSIS_DIGITS; i++)
		if (!is_digit(unit[i]))
			return false;
	return unit[DETSIS_DIGITS] == '\0';
}

int docnum_format(char *out, size_t n, const char *detsis_unit, const char *sdp_code, int64_t sequence)
{
	if (!out || n == 0)
		return -1;
	out[0] = '\0';
	if (!detsis_valid(detsis_unit) || !sdp_code_valid(sdp_code) || sequence < 1)
		return -1;
	int len = snprintf(out, n, "E-%s-%s-%" PRId64, detsis_unit, sdp_code, sequence);
	if (len < 0 || (size_t)len >= n) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}
