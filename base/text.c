/* Text files as UTF-8: byte-order marks, Windows-1252 and what is no text. */
#include "lr_base.h"

#include <stdlib.h>
#include <string.h>

/* Windows-1252's characters at 0x80..0x9F (0: the code page defines none;
** 0xA0..0xFF are Latin-1's, the same code points). */
static const unsigned short cp1252_high[32] = {
        0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
        0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

/* Length of the well-formed UTF-8 sequence at s[0..n), 0 if it is not one
** (overlong forms, surrogates and code points above U+10FFFF are not). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return 1;
	size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
	if (len == 0 || len > n || s[0] > 0xF4)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F) ||
	    (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))
		return 0;
	return len;
}

/* The line (1-based) of byte at of s. */
static long line_of(const unsigned char *s, size_t at)
{
	long line = 1;
	for (size_t i = 0; i < at; i++)
		line += s[i] == '\n';
	return line;
}

/* Offset of the first byte of s[0..n) that is not UTF-8, or n. */
static size_t first_non_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, k;
	while (i < n && (k = utf8_len(s + i, n - i)) > 0)
		i += k;
	return i;
}

/* s[0..n) decoded from Windows-1252 into a new UTF-8 string, or NULL. */
static char *from_cp1252(const unsigned char *s, size_t n)
{
	char *out = malloc(3 * n + 1), *w = out;
	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned cp = s[i] >= 0x80 && s[i] < 0xA0
		                      ? cp1252_high[s[i] - 0x80]
		                      : s[i];
		if (cp < 0x80) {
			*w++ = (char)cp;
		} else if (cp < 0x800) {
			*w++ = (char)(0xC0 | cp >> 6);
			*w++ = (char)(0x80 | (cp & 0x3F));
		} else {
			*w++ = (char)(0xE0 | cp >> 12);
			*w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
			*w++ = (char)(0x80 | (cp & 0x3F));
		}
	}
	*w = '\0';
	return out;
}

static char *copy_bytes(const unsigned char *s, size_t n)
{
	char *out = malloc(n + 1);
	if (out != NULL) {
		memcpy(out, s, n);
		out[n] = '\0';
	}
	return out;
}

/* Refuse what no spreadsheet saves as a CSV of text: UTF-16, NUL bytes. */
static int refuse_non_text(const unsigned char *s, size_t n, const char *label,
                           lr_error *err)
{
	if (n >= 2 &&
	    ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)))
		return lr_error_set(
		        err, LR_ERR_INPUT,
		        "%s: is UTF-16 text; save it as 'CSV UTF-8' "
		        "(or CSV) and give that file",
		        label);
	const unsigned char *nul = memchr(s, 0, n);
	if (nul != NULL)
		return lr_error_set(
		        err, LR_ERR_INPUT,
		        "%s: line %ld holds a NUL byte, which no "
		        "text table does (UTF-16, or not a table?); "
		        "save it as 'CSV UTF-8'",
		        label, line_of(s, (size_t)(nul - s)));
	return LR_OK;
}

int lr_text_utf8(const void *data, size_t size, const char *label, char **out,
                 const char **decoded, lr_error *err)
{
	const unsigned char *s = data;
	*out = NULL;
	*decoded = NULL;
	if (size >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
		s += 3; /* the UTF-8 byte-order mark Excel writes */
		size -= 3;
	}
	if (refuse_non_text(s, size, label, err) != LR_OK)
		return err->code;
	size_t bad = first_non_utf8(s, size);
	if (bad < size) {
		for (size_t i = bad; i < size; i++)
			if (s[i] >= 0x80 && s[i] < 0xA0 &&
			    cp1252_high[s[i] - 0x80] == 0)
				return lr_error_set(
				        err, LR_ERR_INPUT,
				        "%s: line %ld: byte 0x%02X is neither "
				        "UTF-8 nor Windows-1252 (Latin-1) "
				        "text; save the table as 'CSV UTF-8'",
				        label, line_of(s, i), s[i]);
		*decoded = "Windows-1252";
	}
	*out = bad < size ? from_cp1252(s, size) : copy_bytes(s, size);
	if (*out == NULL) {
		*decoded = NULL;
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	return LR_OK;
}
