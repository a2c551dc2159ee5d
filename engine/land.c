/* The small vocabulary of the field: areas in cents, types, methods. */
#include "lr_land.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

lr_cents lr_cents_from_m2(double m2)
{
	return (lr_cents)llround(m2 * 100.0);
}

char *lr_cents_format(lr_cents c, char *buf)
{
	const char *sign = c < 0 ? "-" : "";
	uint64_t a = c < 0 ? (uint64_t)(-(c + 1)) + 1 : (uint64_t)c;
	snprintf(buf, 32, "%s%llu.%02llu", sign, (unsigned long long)(a / 100),
	         (unsigned long long)(a % 100));
	return buf;
}

char *lr_cents_format_km2(lr_cents c, char *buf)
{
	const char *sign = c < 0 ? "-" : "";
	uint64_t a = c < 0 ? (uint64_t)(-(c + 1)) + 1 : (uint64_t)c;
	/* 1 km² is 10^8 cents: hundredths of a km² are 10^6 cents. */
	uint64_t h = (a + 500000) / 1000000;
	if (h == 0)
		sign = "";
	snprintf(buf, 32, "%s%llu.%02llu", sign, (unsigned long long)(h / 100),
	         (unsigned long long)(h % 100));
	return buf;
}

const char *lr_method_name(lr_method m)
{
	switch (m) {
	case LR_CLEARED:
		return "cleared";
	case LR_REDUCED:
		return "reduced";
	case LR_CANCELLED:
		return "cancelled";
	default:
		return "?";
	}
}

const char *lr_hazard_type_name(lr_hazard_type t)
{
	return t == LR_CHA ? "CHA" : "SHA";
}

const char *lr_contamination_name(int c)
{
	switch (c) {
	case LR_CONT_AP:
		return "AP";
	case LR_CONT_AV:
		return "AV";
	case LR_CONT_ERW:
		return "ERW";
	case LR_CONT_MIXED:
		return "mixed";
	default:
		return "?";
	}
}
