/*
** The one CSV writer and reader of landrelease (RFC 4180: fields separated
** by commas, quoted when they hold a comma, a quote or a line break, inner
** quotes doubled).
*/
#ifndef LR_CSV_H
#define LR_CSV_H

#include <stdio.h>

/*
** Write s as one field: quoted when it holds a comma, a quote, CR or LF.
** Text a spreadsheet would run as a formula (starting with =, +, -, @, tab
** or CR, and not a number such as -12.5) is written quoted behind a single
** quote ("'=HYPERLINK(...)"), so it is shown as text (OWASP CSV injection);
** numbers are written as they are.
*/
void lr_csv_field(FILE *f, const char *s);

/*
** Split the record starting at *p into fields, in place: quotes removed,
** "" unescaped, each field NUL-terminated inside the caller's buffer (a
** quoted field may hold line breaks); *p moves past the record's line
** break.  fields[0 .. max_fields-1] receive the first fields (borrowed
** pointers into the buffer).  Returns the number of fields the record
** holds (more than max_fields when it holds more), 0 at the end of text.
*/
int lr_csv_record(char **p, char **fields, int max_fields);

/* The same with the fields separated by sep (',', ';' or a tab). */
int lr_csv_record_sep(char **p, char sep, char **fields, int max_fields);

#endif
