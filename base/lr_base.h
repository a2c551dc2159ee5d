/*
** Status codes, the caller-owned error record, civil dates, small containers,
** the clock and progress callbacks: what every room of landrelease shares.
** Knows nothing of GIS or mine action.  Files: lr_file.h; CSV: lr_csv.h;
** INI: lr_ini.h.
*/
#ifndef LR_BASE_H
#define LR_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <stdint.h>

typedef enum {
	LR_OK = 0,
	LR_ERR_USAGE, /* bad arguments or unusable input dataset (exit 2) */
	LR_ERR_INPUT, /* a source could not be read (exit 2) */
	LR_ERR_IO,    /* output could not be written (exit 1) */
	LR_ERR_GEOM,  /* a geometry operation failed */
	LR_ERR_CRS,   /* no usable coordinate reference system */
	LR_ERR_STORE, /* SQLite/SpatiaLite failure */
	LR_ERR_NOMEM,
	LR_ERR_INTERNAL
} lr_status;

/* Caller-owned.  Whoever detects a failure writes msg once; callers pass it
** up untouched. */
typedef struct lr_error {
	lr_status code;
	char msg[1024];
} lr_error;

/* How grave a finding is (a data-quality finding, a checker's finding). */
typedef enum { LR_SEV_INFO, LR_SEV_WARNING, LR_SEV_ERROR } lr_severity;
const char *lr_severity_name(lr_severity s); /* "info" ... */

/* Set err (if not NULL) and return code. */
int lr_error_set(lr_error *err, lr_status code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
void lr_error_clear(lr_error *err);

/* Days since 1970-01-01 in the proleptic Gregorian calendar. */
typedef int32_t lr_date;
#define LR_DATE_NONE INT32_MIN

/* Return the day number of y-m-d, or LR_DATE_NONE if that day does not exist
** (2019-02-30). */
lr_date lr_date_from_ymd(int y, int m, int d);
void lr_date_to_ymd(lr_date d, int *y, int *m, int *dd);
int lr_date_year(lr_date d);
/* Write "YYYY-MM-DD" into buf (at least 11 bytes); "" for LR_DATE_NONE. */
char *lr_date_format(lr_date d, char *buf);
/* Parse strict ISO "YYYY-MM-DD"; LR_DATE_NONE if malformed or impossible. */
lr_date lr_date_parse_iso(const char *s);

/* Checked allocation helpers: abort-free, return NULL on failure. */
void *lr_xcalloc(size_t n, size_t size);
char *lr_strdup(const char *s);

/* Seconds on a monotonic clock, for timing phases. */
double lr_now_seconds(void);
/* CPU seconds of the whole process so far, every thread added: on a
** machine others share, the figure that wall time hides. */
double lr_cpu_seconds(void);

/*
** How a library tells whoever runs it how far it is and what it measured:
** libraries never print.  Both functions may be NULL; user is passed back.
**   step: done of total units of the phase label (total < 0: not known);
**         last is true once, when the phase ends.
**   note: one line of text for the user (the time of a phase...).
*/
typedef struct lr_progress {
	void (*step)(void *user, const char *label, int64_t done, int64_t total,
	             const char *unit, bool last);
	void (*note)(void *user, const char *text);
	void *user; /* borrowed */
} lr_progress;

/* Report a step / a note through p; nothing when p or its function is
** NULL. */
void lr_progress_step(const lr_progress *p, const char *label, int64_t done,
                      int64_t total, const char *unit, bool last);
void lr_progress_note(const lr_progress *p, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/*
** Read the whole of the file at path into *text, NUL-terminated ("" for an
** empty file; caller frees), its length into *len when len is not NULL.
** LR_OK; else *text is NULL and LR_ERR_INPUT ("cannot read PATH: reason")
** or LR_ERR_NOMEM is returned and set in err.
*/
int lr_read_file(const char *path, char **text, size_t *len, lr_error *err);

/*
** The text of a file as UTF-8, for readers of text tables.  data[0..size)
** as read from the file label names (for messages): a UTF-8 byte-order
** mark is dropped; text that is not UTF-8 is decoded from Windows-1252
** (what spreadsheets on Windows save as "CSV"; Latin-1's printable
** characters are the same) and *decoded is set to the static
** "Windows-1252", else NULL.  UTF-16, a NUL byte, or a byte neither
** encoding defines is refused with LR_ERR_INPUT naming the file and line.
** On success *out is a new NUL-terminated string the caller frees.
*/
int lr_text_utf8(const void *data, size_t size, const char *label, char **out,
                 const char **decoded, lr_error *err);

/*
** Open the regular file at path for reading; NULL with LR_ERR_INPUT set
** ("cannot read PATH: reason", or "PATH: is a named pipe (FIFO), not a
** file; ...") otherwise.  A FIFO, socket, device or folder is refused at
** once, never read: an unattended run must not wait on one forever.
*/
FILE *lr_open_input(const char *path, lr_error *err);

/* LR_OK when mode (of path, from stat) is something landrelease may read:
** a regular file, or a folder when folder_ok; else LR_ERR_INPUT naming
** path and what it is. */
int lr_input_kind(const char *path, mode_t mode, int folder_ok, lr_error *err);

/* A growable array of fixed-size elements. */
typedef struct lr_vec {
	void *data; /* owned: cap elements of elem bytes, len used */
	size_t len, cap, elem;
} lr_vec;
void lr_vec_init(lr_vec *v, size_t elem);
/* Append one element (copied from p); return its address or NULL on OOM. */
void *lr_vec_push(lr_vec *v, const void *p);
void lr_vec_free(lr_vec *v);
/* Room for at least n elements in all; false on OOM (v unchanged). */
bool lr_vec_reserve(lr_vec *v, size_t n);
/* Room for one more element; false on OOM (v unchanged). */
bool lr_vec_grow(lr_vec *v);
/* Append val, of v's element type `type`, as a plain store (where
** lr_vec_push copies a runtime size): for hot loops.  True, or false on
** OOM with v unchanged. */
#define LR_VEC_PUSH(v, type, val)                                              \
	(((v)->len < (v)->cap || lr_vec_grow(v)) &&                            \
	 (((type *)(v)->data)[(v)->len++] = (val), true))
/* Append a new string formatted from fmt to v, a vector of char * that owns
** its strings.  LR_OK, or LR_ERR_NOMEM with v unchanged. */
int lr_vec_push_printf(lr_vec *v, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
int lr_vec_push_vprintf(lr_vec *v, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));
#define LR_VEC_AT(v, type, i) (((type *)(v)->data)[i])

#endif
