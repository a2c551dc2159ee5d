/* The report of a check: printed, written as findings.csv, freed. */
#include "check_int.h"
#include "lr_csv.h"
#include "lr_file.h"

#include <stdio.h>
#include <stdlib.h>

void lr__check_reading_free(lr_check_reading *g)
{
	free(g->table);
	free(g->kind);
	free(g->date);
	free(g->key);
	free(g->column);
	free(g->taken);
	free(g->unit);
	free(g->note);
}

void lr_check_report_free(lr_check_report *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->findings.len; i++) {
		lr_check_finding *f =
		        &LR_VEC_AT(&r->findings, lr_check_finding, i);
		free(f->table);
		free(f->row);
		free(f->column);
		free(f->stated);
		free(f->expected);
		free(f->difference);
		free(f->message);
	}
	lr_vec_free(&r->findings);
	for (size_t i = 0; i < r->notes.len; i++)
		free(LR_VEC_AT(&r->notes, char *, i));
	lr_vec_free(&r->notes);
	for (size_t i = 0; i < r->readings.len; i++)
		lr__check_reading_free(
		        &LR_VEC_AT(&r->readings, lr_check_reading, i));
	lr_vec_free(&r->readings);
	free(r);
}

void lr_check_report_print(const lr_check_report *r, FILE *f)
{
	for (size_t i = 0; i < r->findings.len; i++) {
		const lr_check_finding *x =
		        &LR_VEC_AT(&r->findings, lr_check_finding, i);
		fprintf(f, "%s %s %s", lr_severity_name(x->severity), x->rule,
		        x->table);
		if (*x->row)
			fprintf(f, " [%s]", x->row);
		if (*x->column)
			fprintf(f, " %s", x->column);
		fprintf(f, ": %s", x->message);
		if (*x->stated && *x->expected)
			fprintf(f, " (stated %s, expected %s%s%s)", x->stated,
			        x->expected,
			        *x->difference ? ", difference " : "",
			        x->difference);
		fputc('\n', f);
	}
}

int lr_check_write_csv(const lr_check_report *r, const char *path,
                       lr_error *err)
{
	char tmp[4096];
	FILE *f = lr_atomic_open(path, tmp, sizeof tmp, err);
	if (!f)
		return LR_ERR_IO;
	fputs("rule,severity,table,row,column,stated,expected,difference,"
	      "message\n",
	      f);
	for (size_t i = 0; i < r->findings.len; i++) {
		const lr_check_finding *x =
		        &LR_VEC_AT(&r->findings, lr_check_finding, i);
		const char *fields[] = {
		        x->rule,     lr_severity_name(x->severity),
		        x->table,    x->row,
		        x->column,   x->stated,
		        x->expected, x->difference,
		        x->message};
		for (size_t k = 0; k < sizeof fields / sizeof *fields; k++) {
			if (k)
				fputc(',', f);
			lr_csv_field(f, fields[k]);
		}
		fputc('\n', f);
	}
	return lr_atomic_close(f, tmp, path, err);
}

int lr_check_write_tables(const lr_check_report *r, const char *path,
                          lr_error *err)
{
	char tmp[4096];
	FILE *f = lr_atomic_open(path, tmp, sizeof tmp, err);
	if (!f)
		return LR_ERR_IO;
	fputs("table,kind,date,key,column,taken_as,unit,note\n", f);
	for (size_t i = 0; i < r->readings.len; i++) {
		const lr_check_reading *g =
		        &LR_VEC_AT(&r->readings, lr_check_reading, i);
		const char *fields[] = {g->table,  g->kind,  g->date, g->key,
		                        g->column, g->taken, g->unit, g->note};
		for (size_t k = 0; k < sizeof fields / sizeof *fields; k++) {
			if (k)
				fputc(',', f);
			lr_csv_field(f, fields[k]);
		}
		fputc('\n', f);
	}
	return lr_atomic_close(f, tmp, path, err);
}
