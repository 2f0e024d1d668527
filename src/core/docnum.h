/* docnum.h: official document numbers E-<DETSİS unit no>-<Standart Dosya Planı code>-<sequence>. */
#ifndef KALEM_CORE_DOCNUM_H
#define KALEM_CORE_DOCNUM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether code is a file-plan code: a group of 3 digits, then any number of groups of 2 or 3 digits, each after a
 * dot ("010", "010.06", "010.06.02", "050.01.003"). NULL, "", "10", "010.", "010..06", "010.6", "010.0606",
 * " 010" and "01a" are not. */
bool sdp_code_valid(const char *code);

/* Formats the number of document sequence under file-plan code sdp_code of the unit detsis_unit into out (OUT, n
 * bytes), e.g. "E-12345678-010.06.02-1234" (the sequence as is, no padding). Returns 0, or -1 with out set to ""
 * (when n > 0) if detsis_unit is not exactly 8 digits, sdp_code is not sdp_code_valid, sequence < 1, or the number
 * does not fit in n bytes with its terminating NUL. */
int docnum_format(char *out, size_t n, const char *detsis_unit, const char *sdp_code, int64_t sequence);

#endif
