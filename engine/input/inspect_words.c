/*
** The words of the field (IMAS 04.10 and the Convention's own texts) in
** English, French, Spanish and Portuguese, with their abbreviations: which
** value a spelling names and which part a field name suggests.
*/
#include "inspect_int.h"
#include "lr_land.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lr__text_add(lr__text *t, const char *fmt, ...)
{
	va_list ap;
	if (t->nomem)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || t->len + (size_t)n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		while (n >= 0 && t->len + (size_t)n + 1 > cap)
			cap *= 2;
		char *s = n < 0 ? NULL : realloc(t->s, cap);
		if (!s) {
			t->nomem = true;
			return;
		}
		t->s = s;
		t->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/* The letter an accented Latin-1 letter (UTF-8 C3 xx) is written with. */
static char unaccent(unsigned char c)
{
	static const char map[64] = "aaaaaaaceeeeiiiidnooooo ouuuuy  "
	                            "aaaaaaaceeeeiiiidnooooo ouuuuy y";
	return c >= 0x80 && c < 0xc0 ? map[c - 0x80] : ' ';
}

/* s folded into out (n bytes): lower-case ASCII letters and digits, every
** other character a space, accents dropped, camel case split ("typeArea"
** is "type area"). */
static void fold(const char *s, char *out, size_t n)
{
	size_t k = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && k + 2 < n;
	     p++) {
		char c = ' ';
		if (isupper(*p) && k && islower((unsigned char)out[k - 1]) &&
		    p > (const unsigned char *)s && islower(p[-1]))
			out[k++] = ' ';
		if (*p == 0xc3 && p[1]) {
			c = unaccent(*++p);
		} else if (*p < 0x80 && isalnum(*p)) {
			c = (char)tolower(*p);
		} else if (*p >= 0x80) {
			while ((p[1] & 0xc0) == 0x80)
				p++;
		}
		out[k++] = c;
	}
	out[k] = '\0';
}

#define MAX_TOKENS 24

typedef struct tokens {
	char buf[512];
	const char *t[MAX_TOKENS];
	int n;
} tokens;

static void tokenize(const char *s, tokens *tk)
{
	fold(s, tk->buf, sizeof tk->buf);
	tk->n = 0;
	for (char *save = NULL, *w = strtok_r(tk->buf, " ", &save);
	     w && tk->n < MAX_TOKENS; w = strtok_r(NULL, " ", &save))
		tk->t[tk->n++] = w;
}

/* Whether a token of tk is one of words (NULL-terminated); its index. */
static int find_word(const tokens *tk, const char *const *words)
{
	for (int i = 0; i < tk->n; i++)
		for (const char *const *w = words; *w; w++)
			if (!strcmp(tk->t[i], *w))
				return i;
	return -1;
}

static const char *const w_sha[] = {
        "sha",        "suspected",  "suspect",    "suspectee", "suspecte",
        "suspectees", "sospechosa", "sospechoso", "sospecha",  "sospechada",
        "suspeita",   "suspeito",   "suspeitas",  "zds",       "zps",
        "asp",        NULL};
static const char *const w_cha[] = {"cha",        "confirmed",   "confirmee",
                                    "confirme",   "confirmees",  "confirmada",
                                    "confirmado", "confirmadas", "zdc",
                                    "zpc",        "apc",         NULL};
static const char *const w_ap[] = {
        "ap",           "apm",          "apms",      "antipersonnel",
        "antipersonal", "antipessoal",  "personnel", "personal",
        "pessoal",      "personnelles", NULL};
static const char *const w_av[] = {
        "av",          "at",       "avm",          "atm",        "antivehicle",
        "antitank",    "antichar", "antivehicule", "antitanque", "antivehiculo",
        "antiveiculo", "vehicle",  "vehicule",     "vehiculo",   "veiculo",
        "tank",        "char",     "chars",        "tanque",     "tanques",
        NULL};
static const char *const w_erw[] = {
        "erw",       "uxo",        "reg",      "rge",
        "ueo",       "ene",        "remnants", "restes",
        "restos",    "remanentes", "ordnance", "unexploded",
        "munitions", "municiones", "municoes", NULL};
static const char *const w_mixed[] = {"mixed", "mixte", "mixtes", "mixta",
                                      "mixto", "misto", "mista",  NULL};
static const char *const w_cancelled[] = {
        "nts",       "cancelled", "canceled",    "cancellation",
        "cancel",    "annule",    "annulee",     "annulation",
        "cancelada", "cancelado", "cancelacion", "cancelamento",
        NULL};
static const char *const w_not[] = {"non", "no", "nao", "not", NULL};
static const char *const w_technical[] = {"technical", "technique", "tecnico",
                                          "tecnica", NULL};
static const char *const w_reduced[] = {
        "ts",       "reduced",   "reduction", "reduit",   "reduite", "reducida",
        "reducido", "reduccion", "reduzida",  "reduzido", "reducao", NULL};
static const char *const w_cleared[] = {
        "clearance",   "cleared",  "clear",     "clr",       "bac",
        "depollution", "depollue", "depolluee", "deminage",  "demine",
        "deminee",     "despeje",  "despejada", "despejado", "despejo",
        "limpieza",    "limpiada", "desminado", "desminada", "desminagem",
        "limpeza",     "limpa",    "limpo",     NULL};

static int type_value(const tokens *tk)
{
	bool s = find_word(tk, w_sha) >= 0, c = find_word(tk, w_cha) >= 0;
	return s == c ? -1 : s ? LR_SHA : LR_CHA;
}

static int contamination_value(const tokens *tk)
{
	int kinds = (find_word(tk, w_ap) >= 0) + (find_word(tk, w_av) >= 0) +
	            (find_word(tk, w_erw) >= 0);
	if (find_word(tk, w_mixed) >= 0 || kinds > 1)
		return LR_CONT_MIXED;
	if (!kinds)
		return -1;
	return find_word(tk, w_ap) >= 0   ? LR_CONT_AP
	       : find_word(tk, w_av) >= 0 ? LR_CONT_AV
	                                  : LR_CONT_ERW;
}

/* "Non-technical survey" (and its translations) is cancellation; a
** technical survey is reduction. */
static int method_value(const tokens *tk)
{
	int t = find_word(tk, w_technical);
	bool negated = false;
	for (int i = 0; t >= 0 && i < tk->n; i++)
		for (const char *const *w = w_not; *w; w++)
			if (!strcmp(tk->t[i], *w) && (i + 1 == t || i - 1 == t))
				negated = true;
	if (negated || find_word(tk, w_cancelled) >= 0)
		return LR_CANCELLED;
	if (t >= 0 || find_word(tk, w_reduced) >= 0)
		return LR_REDUCED;
	return find_word(tk, w_cleared) >= 0 ? LR_CLEARED : -1;
}

int lr__word_value(lr__enum e, const char *text)
{
	tokens tk;
	tokenize(text, &tk);
	switch (e) {
	case LR__E_TYPE:
		return type_value(&tk);
	case LR__E_CONT:
		return contamination_value(&tk);
	case LR__E_METHOD:
		return method_value(&tk);
	case LR__E_COUNT:
		break;
	}
	return -1;
}

const char *lr__word_name(lr__enum e, int value)
{
	switch (e) {
	case LR__E_TYPE:
		return value == LR_SHA ? "SHA" : "CHA";
	case LR__E_CONT:
		return value == LR_CONT_AP    ? "AP"
		       : value == LR_CONT_AV  ? "AV"
		       : value == LR_CONT_ERW ? "ERW"
		                              : "mixed";
	case LR__E_METHOD:
		return value == LR_CLEARED   ? "cleared"
		       : value == LR_REDUCED ? "reduced"
		                             : "cancelled";
	case LR__E_COUNT:
		break;
	}
	return "?";
}

/* Stems of field and layer names, matched at the start of a word of the
** name ("fecha_regi" cut to ten characters by a Shapefile still says
** "regi..."). */
static const char *const name_stems[LR__N_COUNT][20] = {
        [LR__N_ID] = {"id", "code", "cod", "codigo", "ref", "num", "numero",
                      "localid", "identif", "imsma", NULL},
        [LR__N_NAME] = {"name", "nom", "nombre", "nome", "shapename", "label",
                        "libelle", NULL},
        [LR__N_PARENT] = {"parent", "padre", "pai", "mere", NULL},
        [LR__N_RECORDED] = {"record", "regi", "enreg", "creat", "found",
                            "decouv", "descub", "identif", "report", "signal",
                            "alta", NULL},
        [LR__N_ENDED] = {"end", "fin", "complet", "termin", "conclu", "cierre",
                         "encerr", "releas", "liber", "clos", "fim", NULL},
        [LR__N_AREA] = {"area", "superf", "surf", "aire", "m2", "sup", NULL},
        [LR__N_AP] = {"ap", "apm", "antipers", "personnel", "personal",
                      "pessoal", NULL},
        [LR__N_AV] = {"av", "at", "avm", "atm", "antichar", "antitan", "vehic",
                      "veic", "tank", NULL},
        [LR__N_ERW] = {"erw", "uxo", "reg", "rge", "ueo", "ene", "munit", NULL},
        [LR__N_REGIONS] = {"region", "district", "provinc", "admin", "adm",
                           "municip", "commune", "canton", "boundar", "limit",
                           "departe", "departa", "distrito", "concelho",
                           "comuna", "location", NULL},
        [LR__N_HAZARDS] = {"hazard", "danger", "peligr", "perig", "minefield",
                           "suspect", "sha", "cha", "contamin", "sospech",
                           "suspeit", "zone", "zona", NULL},
        [LR__N_RELEASES] = {"releas", "liber", "clear", "despej", "depoll",
                            "demin", "desmin", "activit", "survey", "enquet",
                            "estudio", "levant", "limp", "cancel", "tarea",
                            "tache", NULL},
};

/* Stems shorter than this must be the whole word, digits aside ("at" is
** not "status", "adm" is "ADM3"); longer ones may be anywhere in a word
** ("boundar" in "geoBoundaries"). */
#define SHORT_STEM 4

static bool stem_in(const char *word, const char *stem)
{
	size_t n = strlen(stem);
	if (n >= SHORT_STEM)
		return strstr(word, stem) != NULL;
	if (strncmp(word, stem, n))
		return false;
	for (const char *p = word + n; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}

bool lr__name_is(lr__name_kind k, const char *name)
{
	tokens tk;
	tokenize(name, &tk);
	for (int i = 0; i < tk.n; i++)
		for (const char *const *s = name_stems[k]; *s; s++)
			if (stem_in(tk.t[i], *s))
				return true;
	return false;
}
