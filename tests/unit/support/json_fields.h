/* json_fields.h: members of a JSON object read by the unit tests, failing the case when one is missing or of
 * another type. */
#ifndef KALEM_TEST_JSON_FIELDS_H
#define KALEM_TEST_JSON_FIELDS_H
#include <stdint.h>
#include <jansson.h>

/* o's string member k (owned by o); fails the case when it is missing or not a string. */
const char *field_str(const json_t *o, const char *k);
/* o's integer member k; fails the case when it is missing or not an integer. */
int64_t field_int(const json_t *o, const char *k);

#endif
