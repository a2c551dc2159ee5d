/* The time and size bounds on reading one source (bound_int.h). */
#include "bound_int.h"
#include "lr_geo.h"

#include <cpl_conv.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

void lr__bound_start(lr__bound *b, double timeout_s, int64_t max_features)
{
	b->timeout_s = timeout_s == 0 ? LR_READ_TIMEOUT_DEFAULT : timeout_s;
	b->max_features =
	        max_features == 0 ? LR_MAX_FEATURES_DEFAULT : max_features;
	b->started = lr_now_seconds();
	b->read = 0;
	/* The user's own setting wins; otherwise no single network request
	** may outlast the whole read. */
	if (b->timeout_s > 0 && !getenv("GDAL_HTTP_TIMEOUT")) {
		char s[32];
		snprintf(s, sizeof s, "%.0f",
		         b->timeout_s < 1 ? 1 : b->timeout_s);
		CPLSetThreadLocalConfigOption("GDAL_HTTP_TIMEOUT", s);
	}
}

bool lr__bound_passed(const lr__bound *b)
{
	return b->timeout_s > 0 &&
	       lr_now_seconds() - b->started >= b->timeout_s;
}

int lr__bound_expired(const lr__bound *b, const char *label, lr_error *err)
{
	return lr_error_set(err, LR_ERR_INPUT,
	                    "%s: still reading after %.0f s (%" PRId64
	                    " features read); a source that streams without "
	                    "end is refused: raise --read-timeout if it is "
	                    "only slow",
	                    label, lr_now_seconds() - b->started, b->read);
}

int lr__bound_step(lr__bound *b, const char *label, lr_error *err)
{
	if (lr__bound_passed(b))
		return lr__bound_expired(b, label, err);
	if (b->max_features > 0 && b->read >= b->max_features)
		return lr_error_set(
		        err, LR_ERR_INPUT,
		        "%s: more than %" PRId64
		        " features; a source that streams without "
		        "end is refused: raise --max-features if it "
		        "is only large",
		        label, b->max_features);
	b->read++;
	return LR_OK;
}
