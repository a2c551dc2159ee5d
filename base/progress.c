/* Progress and notes passed from a library to its caller's callbacks. */
#include "lr_base.h"

#include <stdarg.h>
#include <stdio.h>

void lr_progress_step(const lr_progress *p, const char *label, int64_t done,
                      int64_t total, const char *unit, bool last)
{
	if (p && p->step)
		p->step(p->user, label, done, total, unit, last);
}

void lr_progress_note(const lr_progress *p, const char *fmt, ...)
{
	if (!p || !p->note)
		return;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	p->note(p->user, buf);
}
