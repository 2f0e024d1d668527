/* phone.h: Turkish phone numbers to and from E.164 (+905321234567). */
#ifndef KALEM_CORE_PHONE_H
#define KALEM_CORE_PHONE_H

/* Normalises a phone number as typed to E.164. Spaces, dots, dashes and parentheses are ignored;
 * any other character makes the number invalid. Accepted Turkish forms (national significant
 * number: 10 digits, first digit 2, 3, 4 or 5): "5321234567", "0532 123 45 67",
 * "(0532) 123-45-67", "90 532 ...", "+90 532 ...", "0090 532 ...". Other international numbers
 * must be written with "+" (or "00") and have 8 to 15 digits; they are kept as "+digits".
 * Returns 0 and fills out, or -1 (out is then ""). */
#define PHONE_E164_SIZE 17 /* "+" and up to 15 digits, and the NUL */
int phone_normalize(const char *in, char out[PHONE_E164_SIZE] /* OUT */);

/* Formats an E.164 number for display: "+905321234567" -> "+90 532 123 45 67". Any other
 * string is copied unchanged (truncated to 23 bytes); NULL gives "". */
void phone_format(const char *e164, char out[24] /* OUT */);

#endif
