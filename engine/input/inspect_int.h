/*
** Inside inspect: the words of the field in four languages
** (inspect_words.c), what the values of one field look like
** (inspect_stats.c), and a growable text (both).
*/
#ifndef LR_INSPECT_INT_H
#define LR_INSPECT_INT_H

#include "lr_vtext.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Growable text ------------------------------------------------------ */

typedef struct lr__text {
	char *s; /* owned, NUL-terminated once anything is added */
	size_t len, cap;
	bool nomem; /* an append failed: the text is incomplete */
} lr__text;

void lr__text_add(lr__text *t, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* ---- Words of the field ------------------------------------------------- */

/* The enumerated parts a value can name. */
typedef enum { LR__E_TYPE = 0, LR__E_CONT, LR__E_METHOD, LR__E_COUNT } lr__enum;

/*
** Which value of e the text names, from the words of IMAS and the
** Convention in English, French, Spanish and Portuguese and their
** abbreviations: LR_SHA/LR_CHA, LR_CONT_*, or lr_method; -1 if none or
** more than one (for contamination, several kinds are mixed).
*/
int lr__word_value(lr__enum e, const char *text);
/* Our name of a value of e ("SHA", "AP", "cleared"). */
const char *lr__word_name(lr__enum e, int value);

/* Kinds of field names, matched on the name folded to lower-case ASCII. */
typedef enum {
	LR__N_ID = 0,
	LR__N_NAME,
	LR__N_PARENT,
	LR__N_RECORDED,
	LR__N_ENDED,
	LR__N_AREA,
	LR__N_AP,
	LR__N_AV,
	LR__N_ERW,
	LR__N_REGIONS, /* layer names */
	LR__N_HAZARDS,
	LR__N_RELEASES,
	LR__N_COUNT
} lr__name_kind;

/* Whether a field (or layer) name holds a word of this kind. */
bool lr__name_is(lr__name_kind k, const char *name);

/* ---- The values of one field -------------------------------------------- */

typedef struct lr__value {
	const char *text; /* borrowed from the layer's cells */
	int64_t n;        /* features holding it */
} lr__value;

typedef struct lr__field_stats {
	const lr_vt_field *f; /* borrowed */
	int64_t n_set;        /* non-null values */
	int64_t n_distinct;
	lr__value *values;    /* owned; distinct, most frequent first */
	lr__value *sorted;    /* owned; distinct, by strcmp, for lookups */
	bool unique;          /* every feature has its own value */
	bool whole;           /* every value is a whole number >= 0 */
	const char *not_utf8; /* a value that is not UTF-8, or NULL */
	/* Dates: the format that reads every value (NULL: not dates; "" for
	** the formats always accepted), whether day and month could be
	** swapped, and the mean date read (days since 1970). */
	const char *date_format;
	bool date_ambiguous;
	int32_t date_mean;
} lr__field_stats;

/* Whether text is well-formed UTF-8 (lead and continuation bytes; a text
** in a one-byte encoding such as Latin-1 almost never is). */
bool lr__is_utf8(const char *text);

/* Statistics of field i of l into *s.  LR_OK or LR_ERR_NOMEM. */
int lr__field_stats_make(const lr_vt_layer *l, int i, lr__field_stats *s);
void lr__field_stats_free(lr__field_stats *s);
/* How many features of field s hold a value that is a value of set; with
** lists true, a value also counts when one of its items ("[\"A\",\"B\"]",
** "A, B") is. */
int64_t lr__field_matches(const lr__field_stats *s, const lr__field_stats *set,
                          bool lists);

#endif
