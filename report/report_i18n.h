/*
** The report's visible strings go through _() (and N_() where a string is
** kept in a table and translated where it is shown), so that translations
** can replace these two macros in one place.
*/
#ifndef LR_REPORT_I18N_H
#define LR_REPORT_I18N_H

#define _(s) (s)
#define N_(s) (s)

#endif
