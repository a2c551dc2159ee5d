/* INI files with line numbers, over inih. */
#include "lr_ini.h"

#include <ini.h>
#include <stdlib.h>
#include <string.h>

typedef struct ini_ctx {
	const char *ptr;  /* borrowed: the text still to read */
	int line;         /* lines handed to inih so far */
	int section_line; /* line of the last [section] header */
	const char *name;
	lr_ini_handler handler;
	void *user;
	lr_error *err;
	int failed;
} ini_ctx;

/*
** inih's reader: one line per call (as fgets), so counting calls gives the
** same line numbers inih uses for its own first-error report.
*/
static char *ini_read_line(char *str, int num, void *stream)
{
	ini_ctx *c = stream;
	if (!*c->ptr || num < 2)
		return NULL;
	int n = 0;
	while (n < num - 1 && c->ptr[n]) {
		if (c->ptr[n++] == '\n')
			break;
	}
	memcpy(str, c->ptr, (size_t)n);
	str[n] = '\0';
	c->ptr += n;
	c->line++;
	const char *t = str;
	while (*t == ' ' || *t == '\t')
		t++;
	if (*t == '[')
		c->section_line = c->line;
	return str;
}

static int ini_on_value(void *user, const char *section, const char *key,
                        const char *value)
{
	ini_ctx *c = user;
	if (c->failed)
		return 1; /* keep the first message only */
	if (!c->handler(c->user, section, key, value, c->line, c->section_line,
	                c->err)) {
		c->failed = 1;
		return 0;
	}
	return 1;
}

int lr_ini_parse(const char *text, const char *path, const char *name,
                 lr_ini_handler handler, void *user, lr_error *err)
{
	char *owned = NULL;
	if (!text) {
		int rc = lr_read_file(path, &owned, NULL, err);
		if (rc != LR_OK)
			return rc;
		text = owned;
		if (!name)
			name = path;
	}
	/* A UTF-8 byte-order mark (Windows editors write one) is not part
	** of the first line. */
	if (strncmp(text, "\xEF\xBB\xBF", 3) == 0)
		text += 3;
	ini_ctx c = {text, 0, 0, name, handler, user, err, 0};
	int rc = ini_parse_stream(ini_read_line, &c, ini_on_value, &c);
	free(owned);
	if (c.failed)
		return err ? err->code : LR_ERR_USAGE;
	if (rc > 0)
		return lr_error_set(err, LR_ERR_USAGE,
		                    "%s:%d: cannot parse this line (expected "
		                    "'[section]' or 'key = value')",
		                    name, rc);
	if (rc < 0)
		return lr_error_set(err, LR_ERR_NOMEM,
		                    "%s: out of memory while parsing", name);
	return LR_OK;
}
