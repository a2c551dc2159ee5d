/*
** The planning inputs: scenario, capacity and costs files.  The first byte
** picks the parser, the rest is the file text.
*/
#include "fuzz_common.h"
#include "lr_plan.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 16384)
		return 0;
	char *text = fuzz_cstr(data + 1, size - 1);
	lr_error err = {0};
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
