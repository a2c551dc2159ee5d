/*
** What the values of one field look like, for inspect: distinct values
** with their counts, uniqueness, whole numbers, the date format that reads
** them all, and how many of them are values of another field.
*/
#include "inspect_int.h"
#include "mapping_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int by_text(const void *a, const void *b)
{
	const lr__value *x = a, *y = b;
	return strcmp(x->text, y->text);
}

/* Most frequent first; equal counts by text, so the order is stable. */
static int by_count(const void *a, const void *b)
{
	const lr__value *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->text, y->text);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Distinct values of field i with their counts, into s->sorted (by text)
** and s->values (most frequent first). */
bool lr__is_utf8(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	while (*s) {
		int more = *s < 0x80             ? 0
		           : (*s & 0xe0) == 0xc0 ? 1
		           : (*s & 0xf0) == 0xe0 ? 2
		           : (*s & 0xf8) == 0xf0 ? 3
		                                 : -1;
		if (more < 0 || (more == 1 && *s < 0xc2))
			return false;
		for (s++; more > 0; more--, s++)
			if ((*s & 0xc0) != 0x80)
				return false;
	}
	return true;
}

static int count_values(const lr_vt_layer *l, int i, lr__field_stats *s)
{
	const char **v = lr_xcalloc((size_t)l->n_rows + 1, sizeof *v);
	if (!v)
		return LR_ERR_NOMEM;
	for (int64_t r = 0; r < l->n_rows; r++) {
		const char *c = l->cells[r * l->n_fields + i];
		if (c && *c)
			v[s->n_set++] = c;
	}
	qsort(v, (size_t)s->n_set, sizeof *v, cmp_str);
	s->sorted = lr_xcalloc((size_t)s->n_set + 1, sizeof *s->sorted);
	s->values = lr_xcalloc((size_t)s->n_set + 1, sizeof *s->values);
	if (!s->sorted || !s->values) {
		free(v);
		return LR_ERR_NOMEM;
	}
	for (int64_t k = 0; k < s->n_set; k++) {
		if (s->n_distinct &&
		    !strcmp(s->sorted[s->n_distinct - 1].text, v[k])) {
			s->sorted[s->n_distinct - 1].n++;
			continue;
		}
		s->sorted[s->n_distinct++] = (lr__value){v[k], 1};
	}
	free(v);
	memcpy(s->values, s->sorted, (size_t)s->n_distinct * sizeof *s->values);
	qsort(s->values, (size_t)s->n_distinct, sizeof *s->values, by_count);
	return LR_OK;
}

static bool is_whole(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Formats tried on text dates, in this order: day first before month
** first, as most mine action databases outside the United States write. */
static const char *const date_formats[] = {"%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y",
                                           "%m-%d-%Y", "%d.%m.%Y", "%d/%m/%y",
                                           "%Y%m%d",   NULL};

/* Whether every distinct value reads with fmt ("" for ISO and what OGR
** prints for its date types); the mean date into *mean. */
static bool all_dates(const lr__field_stats *s, const char *fmt, int32_t *mean)
{
	double sum = 0;
	for (int64_t k = 0; k < s->n_distinct; k++) {
		const char *t = s->sorted[k].text;
		lr_date d = *fmt ? lr__date_parse_format(fmt, t)
		                 : lr__date_parse_format("%Y-%m-%d", t);
		if (!*fmt && d == LR_DATE_NONE)
			d = lr__date_parse_format("%Y/%m/%d", t);
		if (d == LR_DATE_NONE || lr_date_year(d) < 1900 ||
		    lr_date_year(d) > 2100)
			return false;
		sum += (double)d * (double)s->sorted[k].n;
	}
	*mean = (int32_t)(sum / (double)s->n_set);
	return true;
}

/* The date format of s, if its values are dates. */
static void detect_dates(lr__field_stats *s)
{
	int32_t mean = 0;
	if (!s->n_set || s->f->kind == LR_VT_INTEGER ||
	    s->f->kind == LR_VT_REAL || s->f->kind == LR_VT_LIST)
		return;
	if (all_dates(s, "", &mean)) {
		s->date_format = "";
		s->date_mean = mean;
		return;
	}
	for (int i = 0; date_formats[i]; i++) {
		if (!all_dates(s, date_formats[i], &mean))
			continue;
		s->date_format = date_formats[i];
		s->date_mean = mean;
		/* Day and month swap when the next format is the same with
		** them swapped and reads every value too. */
		s->date_ambiguous = i % 2 == 0 && i < 4 &&
		                    all_dates(s, date_formats[i + 1], &mean);
		return;
	}
}

int lr__field_stats_make(const lr_vt_layer *l, int i, lr__field_stats *s)
{
	memset(s, 0, sizeof *s);
	s->f = &l->fields[i];
	if (count_values(l, i, s) != LR_OK)
		return LR_ERR_NOMEM;
	s->unique = s->n_set == l->n_rows && s->n_distinct == s->n_set &&
	            l->n_rows > 0;
	s->whole = s->n_set > 0;
	for (int64_t k = 0; s->whole && k < s->n_distinct; k++)
		s->whole = is_whole(s->sorted[k].text);
	for (int64_t k = 0; !s->not_utf8 && k < s->n_distinct; k++)
		if (!lr__is_utf8(s->sorted[k].text))
			s->not_utf8 = s->sorted[k].text;
	detect_dates(s);
	return LR_OK;
}

void lr__field_stats_free(lr__field_stats *s)
{
	free(s->values);
	free(s->sorted);
	memset(s, 0, sizeof *s);
}

static bool in_set(const lr__field_stats *set, const char *text)
{
	lr__value key = {text, 0};
	return bsearch(&key, set->sorted, (size_t)set->n_distinct, sizeof key,
	               by_text) != NULL;
}

/* Whether an item of a list ("[ \"A\", \"B\" ]", "A,B", "A;B") is in set. */
static bool item_in_set(const lr__field_stats *set, const char *text)
{
	char item[256];
	const char *p = text;
	while (*p) {
		while (*p && strchr("[]\", ;", *p))
			p++;
		size_t n = 0;
		while (p[n] && !strchr("[]\",;", p[n]))
			n++;
		while (n && p[n - 1] == ' ')
			n--;
		if (n && n < sizeof item) {
			memcpy(item, p, n);
			item[n] = '\0';
			if (in_set(set, item))
				return true;
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return false;
}

int64_t lr__field_matches(const lr__field_stats *s, const lr__field_stats *set,
                          bool lists)
{
	int64_t n = 0;
	for (int64_t k = 0; k < s->n_distinct; k++)
		if (lists ? item_in_set(set, s->sorted[k].text)
		          : in_set(set, s->sorted[k].text))
			n += s->sorted[k].n;
	return n;
}
