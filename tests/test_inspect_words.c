/*
** The words of the field inspect recognises: spellings in English, French,
** Spanish and Portuguese, each against the value it must get (or none), and
** field names against the part they suggest.  The expected values are
** written from IMAS terms by hand, not from the dictionary.
*/
#include "inspect_int.h"
#include "lr_land.h"
#include "lr_test.h"

typedef struct spelling_case {
	lr__enum e;
	const char *text;
	int want; /* -1: must not be placed */
} spelling_case;

static const spelling_case cases[] = {
        {LR__E_TYPE, "Suspected Hazardous Area", LR_SHA},
        {LR__E_TYPE, "SHA", LR_SHA},
        {LR__E_TYPE, "Zone dangereuse suspectée", LR_SHA},
        {LR__E_TYPE, "ZONE DANGEREUSE CONFIRMÉE", LR_CHA},
        {LR__E_TYPE, "Zona sospechosa de peligro", LR_SHA},
        {LR__E_TYPE, "Área perigosa confirmada", LR_CHA},
        {LR__E_TYPE, "Confirmed", LR_CHA},
        {LR__E_TYPE, "Suspected Minefield", LR_SHA},
        {LR__E_TYPE, "Minefield", -1},
        {LR__E_TYPE, "suspected or confirmed", -1},
        {LR__E_TYPE, "shape", -1},
        {LR__E_CONT, "Anti-personnel", LR_CONT_AP},
        {LR__E_CONT, "APM", LR_CONT_AP},
        {LR__E_CONT, "Mines antichar", LR_CONT_AV},
        {LR__E_CONT, "Minas antivehículo", LR_CONT_AV},
        {LR__E_CONT, "Anti-tank", LR_CONT_AV},
        {LR__E_CONT, "UXO", LR_CONT_ERW},
        {LR__E_CONT, "Restes explosifs de guerre", LR_CONT_ERW},
        {LR__E_CONT, "AP/AV", LR_CONT_MIXED},
        {LR__E_CONT, "Mista", LR_CONT_MIXED},
        {LR__E_CONT, "Mines", -1},
        {LR__E_METHOD, "Non-Technical Survey", LR_CANCELLED},
        {LR__E_METHOD, "NTS", LR_CANCELLED},
        {LR__E_METHOD, "Enquête non technique", LR_CANCELLED},
        {LR__E_METHOD, "Estudio no técnico", LR_CANCELLED},
        {LR__E_METHOD, "Levantamento não técnico", LR_CANCELLED},
        {LR__E_METHOD, "Annulée", LR_CANCELLED},
        {LR__E_METHOD, "Technical Survey", LR_REDUCED},
        {LR__E_METHOD, "TS", LR_REDUCED},
        {LR__E_METHOD, "Enquête technique", LR_REDUCED},
        {LR__E_METHOD, "Reducida", LR_REDUCED},
        {LR__E_METHOD, "Clearance", LR_CLEARED},
        {LR__E_METHOD, "Battle Area Clearance", LR_CLEARED},
        {LR__E_METHOD, "Dépollution", LR_CLEARED},
        {LR__E_METHOD, "Despeje", LR_CLEARED},
        {LR__E_METHOD, "Desminagem", LR_CLEARED},
        {LR__E_METHOD, "Cleared Areas", LR_CLEARED},
        {LR__E_METHOD, "Survey", -1},
        {LR__E_METHOD, "Marking", -1},
};

typedef struct name_case {
	lr__name_kind k;
	const char *name;
	bool want;
} name_case;

static const name_case names[] = {
        {LR__N_ID, "shapeID", true},
        {LR__N_ID, "hazard_id", true},
        {LR__N_ID, "codigo", true},
        {LR__N_ID, "fileId", true},
        {LR__N_ID, "paid_area", false},
        {LR__N_RECORDED, "fecha_regi", true}, /* Shapefile, 10 chars */
        {LR__N_RECORDED, "date_enregistrement", true},
        {LR__N_RECORDED, "end_date", false},
        {LR__N_ENDED, "date_fin", true},
        {LR__N_ENDED, "data_conclusao", true},
        {LR__N_AV, "status", false}, /* "at" is a whole word only */
        {LR__N_AV, "mines_at", true},
        {LR__N_REGIONS, "geoBoundaries-BIH-ADM3", true},
        {LR__N_HAZARDS, "shape", false},
        {LR__N_HAZARDS, "suspect_areas_simplyfied", true},
        {LR__N_RELEASES, "operations_liberation", true},
};

int main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int got = lr__word_value(cases[i].e, cases[i].text);
		lr_test_ok(got == cases[i].want, "'%s' is %s", cases[i].text,
		           cases[i].want < 0
		                   ? "not placed"
		                   : lr__word_name(cases[i].e, cases[i].want));
	}
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		lr_test_ok(lr__name_is(names[i].k, names[i].name) ==
		                   names[i].want,
		           "field name '%s' %s of kind %d", names[i].name,
		           names[i].want ? "is" : "is not", (int)names[i].k);
	return lr_test_done();
}
