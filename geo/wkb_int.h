/*
** Private to geo/: the numbers of a WKB buffer, in either byte order
** (geo/wkb.c walks WKB, geo/source.c cleans it, geo/valid.c checks it).
*/
#ifndef LR_WKB_INT_H
#define LR_WKB_INT_H

#include <stdint.h>
#include <string.h>

/* The 4-byte unsigned integer at p; swap: the other byte order.  One load
** (and a byte swap): these run for every vertex read. */
static inline uint32_t lr__wkb_u32(const unsigned char *p, int swap)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

/* The 8-byte double at p; swap: the other byte order. */
static inline double lr__wkb_f64(const unsigned char *p, int swap)
{
	uint64_t v;
	double d;
	memcpy(&v, p, 8);
	if (swap)
		v = __builtin_bswap64(v);
	memcpy(&d, &v, 8);
	return d;
}

#endif
