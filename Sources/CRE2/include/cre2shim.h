#ifndef CRE2SHIM_H
#define CRE2SHIM_H
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif

/// An RE2 regular expression compiled with Go-compatible options.
typedef struct tr_regex tr_regex;

/// Compiles `pattern`; returns NULL and writes RE2's message into `err` when it is invalid.
tr_regex *tr_regex_new(const char *pattern, size_t len, char *err, size_t errlen);
void tr_regex_free(tr_regex *re);
/// Number of capturing groups.
int tr_regex_groups(const tr_regex *re);
/// Name of capturing group `index` (1-based), or NULL when it has none.
const char *tr_regex_group_name(const tr_regex *re, int index);
/// Matches `text[start..<len]`. anchor: 0 = anywhere, 1 = at start, 2 = the whole text.
/// On a match returns 1 and fills `offsets` with 2*`nsub` begin/end byte offsets (-1 for groups that did not take part).
int tr_regex_match(const tr_regex *re, const char *text, size_t len, size_t start, int anchor, long *offsets, int nsub);

#ifdef __cplusplus
}
#endif
#endif
