/*
** The column mapping of --columns FILE: for headings no rule can read, the
** advisor says which of our columns each is, table by table.
**
**     [mapa_afghanistan_2015_q1.csv]        ; a table as check names it
**     Processed (sq km) = released km2      ; our column, then its unit
**     Hazards processed = ignore            ; not checked, and no R29
**     [*]                                   ; every table
**     Oblast = region_id
*/
#include "check_int.h"
#include "lr_ini.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void lr_check_columns_free(lr_check_columns *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->map[i].table);
		free(m->map[i].heading);
	}
	free(m->map);
	free(m->used);
	free(m);
}

/* "released km2", "released_km2", "region_id", "ignore" into canon. */
static bool mapped_name(const char *value, char *canon, size_t size)
{
	char norm[96];
	lr__check_norm_header(value, norm, sizeof norm);
	snprintf(canon, size, "%s", norm);
	if (!strcmp(norm, "ignore"))
		return true;
	return lr__check_known_name(norm) && *norm;
}

/* What the handler of each line needs. */
typedef struct reading {
	lr_check_columns *m;
	const char *path;
} reading;

static int on_line(void *user, const char *section, const char *key,
                   const char *value, int line, int section_line, lr_error *err)
{
	(void)section_line;
	const char *path = ((reading *)user)->path;
	lr_check_columns *m = ((reading *)user)->m;
	if (!section || !*section)
		return !lr_error_set(err, LR_ERR_USAGE,
		                     "%s, line %d: '%s' is under no [table] "
		                     "section",
		                     path, line, key);
	char canon[96];
	if (!mapped_name(value, canon, sizeof canon))
		return !lr_error_set(
		        err, LR_ERR_USAGE,
		        "%s, line %d: '%s' is not a column the checker reads "
		        "(our "
		        "names: region_id, year, parent_id, total_m2, sha_m2, "
		        "cha_km2, released_km2, remaining_end_m2, new_ha, "
		        "sha_count..., a unit after the name, or 'ignore'; "
		        "docs/check.md)",
		        path, line, value);
	lr__colmap *grown = realloc(m->map, (m->n + 1) * sizeof *m->map);
	if (!grown)
		return !lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	m->map = grown;
	lr__colmap *e = &m->map[m->n];
	*e = (lr__colmap){lr_strdup(section), lr_strdup(key), "", line};
	snprintf(e->canon, sizeof e->canon, "%s", canon);
	if (!e->table || !e->heading) {
		free(e->table);
		free(e->heading);
		return !lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	m->n++;
	return 1;
}

int lr_check_columns_read(const char *path, lr_check_columns **out,
                          lr_error *err)
{
	*out = NULL;
	lr_check_columns *m = lr_xcalloc(1, sizeof *m);
	if (!m)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	reading rd = {m, path};
	int rc = lr_ini_parse(NULL, path, NULL, on_line, &rd, err);
	if (rc == LR_OK) {
		m->used = lr_xcalloc(m->n + 1, sizeof *m->used);
		if (!m->used)
			rc = lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	if (rc != LR_OK) {
		lr_check_columns_free(m);
		return rc;
	}
	*out = m;
	return LR_OK;
}

/* The mapping line for heading of table, or NULL; marked used. */
const lr__colmap *lr__check_column_map(const lr_check_columns *m,
                                       const lr_table *t, const char *heading)
{
	if (!m)
		return NULL;
	for (size_t i = 0; i < m->n; i++) {
		const lr__colmap *e = &m->map[i];
		if ((strcmp(e->table, "*") && strcmp(e->table, t->name) &&
		     strcmp(e->table, t->layer)) ||
		    strcasecmp(e->heading, heading))
			continue;
		m->used[i] = true;
		return e;
	}
	return NULL;
}
