/* The last bound on reading the inputs: a read blocked where no bound of
** the library can reach it (a pipe that is never closed, /vsistdin/) ends
** the process instead of holding an unattended run for ever. */
#include "commands.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char message[320];

static void on_alarm(int sig)
{
	(void)sig;
	/* Only async-signal-safe calls here: the text was made beforehand. */
	ssize_t n = write(STDERR_FILENO, message, strlen(message));
	(void)n;
	_exit(2);
}

void lr_cli_watchdog_arm(const char *cmd, double timeout_s, int sources)
{
	if (timeout_s <= 0)
		return;
	/* Each source has its own bound; this one is for the whole read, and
	** leaves the sources' own messages, which name the file, time to be
	** given first. */
	unsigned seconds = (unsigned)(timeout_s * sources) + 5;
	snprintf(message, sizeof message,
	         "landrelease %s: still reading the inputs after %u s (a "
	         "read blocked without end, such as a pipe never closed); "
	         "refused, nothing written: raise --read-timeout if the "
	         "sources are only slow\n",
	         cmd, seconds);
	signal(SIGALRM, on_alarm);
	alarm(seconds);
}

void lr_cli_watchdog_disarm(void)
{
	alarm(0);
	signal(SIGALRM, SIG_DFL);
}
