/*
** Private to geo/: the numbers of a WKB buffer, in either byte order
** (geo/area.c measures WKB, geo/source.c checks it).
*/
#ifndef LR_WKB_INT_H
#define LR_WKB_INT_H

#include <stdint.h>
#include <string.h>

/* The 4-byte unsigned integer at p; swap: the other byte order. */
static inline uint32_t lr__wkb_u32(const unsigned char *p, int swap)
{
	unsigned char b[4];
	uint32_t v;
	for (int i = 0; i < 4; i++)
		b[i] = p[swap ? 3 - i : i];
	memcpy(&v, b, 4);
	return v;
}

/* The 8-byte double at p; swap: the other byte order. */
static inline double lr__wkb_f64(const unsigned char *p, int swap)
{
	unsigned char b[8];
	double d;
	for (int i = 0; i < 8; i++)
		b[i] = p[swap ? 7 - i : i];
	memcpy(&d, b, 8);
	return d;
}

#endif
