/* tckn.c: Turkish national identity number check digits and masking. */
#include <string.h>
#include "core/tckn.h"

bool tckn_valid(const char *s)
{
	int d[11];

	if (!s)
		return false;
	for (int i = 0; i < 11; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		d[i] = s[i] - '0';
	}
	if (s[11] != '\0' || d[0] == 0)
		return false;

	int odd = d[0] + d[2] + d[4] + d[6] + d[8];
	int even = d[1] + d[3] + d[5] + d[7];
	/* odd * 7 - even can be negative; C's % keeps the sign, so bring it back into 0..9. */
	int d10 = ((odd * 7 - even) % 10 + 10) % 10;
	if (d[9] != d10)
		return false;

	int sum = 0;
	for (int i = 0; i < 10; i++)
		sum += d[i];
	return d[10] == sum % 10;
}

void tckn_mask(const char *tckn, char out[12])
{
	if (!tckn || strlen(tckn) != 11) {
		memcpy(out, "***", 4);
		return;
	}
	memcpy(out, tckn, 3);
	memset(out + 3, '*', 6);
	memcpy(out + 9, tckn + 9, 2);
	out[11] = '\0';
}
