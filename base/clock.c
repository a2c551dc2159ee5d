/* The monotonic clock that phases are timed with. */
#include "lr_base.h"

#include <time.h>

double lr_now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
