/* The caller-owned error record: set once where a failure is found. */
#include "lr_base.h"

#include <stdarg.h>
#include <stdio.h>

int lr_error_set(lr_error *err, lr_status code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		err->code = code;
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return code;
}

void lr_error_clear(lr_error *err)
{
	if (err) {
		err->code = LR_OK;
		err->msg[0] = '\0';
	}
}

const char *lr_severity_name(lr_severity s)
{
	switch (s) {
	case LR_SEV_INFO:
		return "info";
	case LR_SEV_WARNING:
		return "warning";
	default:
		return "error";
	}
}
