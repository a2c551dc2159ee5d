/*
** The vocabulary every room of the engine shares: areas as whole cents of a
** square metre, hazard types, contamination kinds and release methods.
*/
#ifndef LR_LAND_H
#define LR_LAND_H

#include "lr_base.h"

#include <stdbool.h>

/* Areas are carried as whole hundredths of a square metre ("cents") from the
** moment a face is measured, so every sum is exact and every identity holds
** to the cent whatever the order of addition. */
typedef int64_t lr_cents;
lr_cents lr_cents_from_m2(double m2);
/* "1234.56" into buf (the caller's, at least 32 bytes); returns buf. */
char *lr_cents_format(lr_cents c, char *buf);
/* The same area in km² to two decimals, half away from zero, in whole
** numbers so no rounding of a double moves it: "806.94".  buf: 32 bytes. */
char *lr_cents_format_km2(lr_cents c, char *buf);

typedef enum { LR_SHA = 1, LR_CHA = 2 } lr_hazard_type;

/* Contamination kinds, as bits so that a scope is a mask. */
enum {
	LR_CONT_AP = 1,
	LR_CONT_AV = 2,
	LR_CONT_ERW = 4,
	LR_CONT_MIXED = 8,
	LR_CONT_ALL = 15
};

/* Enum order is the same-date precedence: the most thorough method first. */
typedef enum {
	LR_CLEARED = 0,
	LR_REDUCED = 1,
	LR_CANCELLED = 2,
	LR_N_METHODS = 3
} lr_method;

/* Names for tables and messages: static strings, never freed. */
const char *lr_method_name(lr_method m);           /* "cleared" ... */
const char *lr_hazard_type_name(lr_hazard_type t); /* "SHA" / "CHA" */
const char *lr_contamination_name(int c);          /* "AP" ... "mixed" */

/* The declaration-of-completion annex lists the releases of the years
** before completion: three, the span of the last Article 7 reports a
** declaration of completion sums up. */
#define LR_COMPLETION_YEARS 3

#endif
