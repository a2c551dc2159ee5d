/*
** The planning inputs: scenario, capacity and costs files, and published
** histories.  The first byte picks the parser (0xFF: a history, applied to
** a history of two regions; else by its value modulo 3), the rest is the
** file text.
*/
#include "fuzz_common.h"
#include "lr_plan.h"

#include <math.h>

/*
** A published history applied to two regions as of 31 Dec 2023: either
** accepted, its years adding up and non-negative, or refused with a
** message and the history left as it was.
*/
static void fuzz_history(const char *text)
{
	lr_history *h = NULL;
	lr_error err = {0};
	if (lr_history_new(lr_date_from_ymd(2023, 12, 31), 2023, 1, 2, &h,
	                   &err) != LR_OK)
		return;
	lr_history_set_region(h, 0, "A", &err);
	lr_history_set_region(h, 1, "B", &err);
	h->remaining[0] = 100000;
	h->remaining[1] = 300000;
	lr_vec notes;
	lr_vec_init(&notes, sizeof(char *));
	int rc = lr_history_apply_text(&h, text, "fuzz.csv", 5, text[0] == 'x',
	                               &notes, &err);
	if (rc != LR_OK && (err.msg[0] == '\0' || h->first_year != 2023))
		abort();
	for (size_t c = 0; rc == LR_OK && c < (size_t)h->n_years * 2; c++) {
		lr_cents by = 0;
		for (int m = 0; m < LR_N_METHODS; m++)
			by += h->by_method[c * LR_N_METHODS + m];
		if (h->released[c] < 0 || h->new_land[c] < 0 ||
		    (by && by != h->released[c]))
			abort();
	}
	for (size_t i = 0; i < notes.len; i++)
		free(LR_VEC_AT(&notes, char *, i));
	lr_vec_free(&notes);
	lr_history_free(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 16384)
		return 0;
	char *text = fuzz_cstr(data + 1, size - 1);
	lr_error err = {0};
	if (data[0] == 0xFF) {
		fuzz_history(text);
		free(text);
		return 0;
	}
	switch (data[0] % 3) {
	case 0: {
		lr_scenario *s = NULL;
		if (lr_scenario_parse(text, "fuzz.scenario", &s, &err) ==
		    LR_OK) {
			double cap, nf;
			static const char *ids[] = {"R1", "r1", "D-01", "",
			                            "TOTAL"};
			for (int y = 1990; y < 2080; y += 7)
				for (size_t i = 0; i < 5; i++)
					lr_scenario_factors(s, ids[i], y, &cap,
					                    &nf);
			lr_scenario_free(s);
		} else if (s != NULL || err.msg[0] == '\0')
			abort();
		break;
	}
	case 1: {
		lr_capacity c;
		if (lr_capacity_parse(text, "fuzz.capacity", &c, &err) ==
		    LR_OK) {
			for (int i = 0; i < LR_N_METHODS; i++)
				if (!isfinite(c.teams[i]) ||
				    !isfinite(c.m2_per_team_day[i]))
					abort();
		} else if (err.msg[0] == '\0')
			abort();
		break;
	}
	default: {
		lr_costs c;
		if (lr_costs_parse(text, "fuzz.costs", &c, &err) == LR_OK) {
			for (int i = 0; i < LR_N_METHODS; i++)
				if (!isfinite(c.per_m2[i]))
					abort();
			if (memchr(c.currency, 0, sizeof c.currency) == NULL)
				abort();
		} else if (err.msg[0] == '\0')
			abort();
		break;
	}
	}
	free(text);
	return 0;
}
