/* The face state machine against every rule of DESIGN.md section 4. */
#include "ledger_int.h"
#include "lr_test.h"

static lr_date D(int y, int m, int d)
{
	return lr_date_from_ymd(y, m, d);
}

static lr__event rec(lr_date d, int type, int idx)
{
	return (lr__event){d, LR__EV_RECORD, (uint8_t)type, idx};
}

static lr__event rel(lr_date d, int method, int idx)
{
	return (lr__event){d, LR__EV_RELEASE, (uint8_t)method, idx};
}

int main(void)
{
	lr__flow fl[16];
	lr__face_run run;

	/* record on clean land: new, hazardous with the record's type */
	lr__event a[] = {rec(D(2019, 3, 1), LR_SHA, 0)};
	run = lr__ledger_run(a, 1, LR_DATE_NONE, LR_DATE_NONE, fl);
	lr_test_ok(run.n_flows == 1 && fl[0].kind == LR__FLOW_NEW &&
	                   fl[0].sub == LR_SHA && run.state_as_of == LR_SHA,
	           "record on clean land is new SHA land");

	/* record then release: released under its method, clean again */
	lr__event b[] = {rec(D(2019, 3, 1), LR_CHA, 0),
	                 rel(D(2021, 5, 2), LR_CLEARED, 4)};
	run = lr__ledger_run(b, 2, LR_DATE_NONE, LR_DATE_NONE, fl);
	lr_test_ok(run.n_flows == 2 && fl[1].kind == LR__FLOW_RELEASED &&
	                   fl[1].sub == LR_CLEARED && fl[1].index == 4 &&
	                   run.state_as_of == 0,
	           "release on hazardous land releases it");

	/* duplicate survey: no new land */
	lr__event c[] = {rec(D(2019, 3, 1), LR_SHA, 0),
	                 rec(D(2020, 1, 1), LR_SHA, 1)};
	run = lr__ledger_run(c, 2, LR_DATE_NONE, LR_DATE_NONE, fl);
	lr_test_ok(run.n_flows == 1, "a second SHA record adds no land");

	/* CHA record on SHA land: reclassified, stays CHA */
	lr__event e[] = {rec(D(2019, 3, 1), LR_SHA, 0),
	                 rec(D(2020, 1, 1), LR_CHA, 1),
	                 rec(D(2020, 6, 1), LR_SHA, 2)};
	run = lr__ledger_run(e, 3, LR_DATE_NONE, LR_DATE_NONE, fl);
	lr_test_ok(run.n_flows == 2 && fl[1].kind == LR__FLOW_RECLASSIFIED &&
	                   run.state_as_of == LR_CHA,
	           "CHA on SHA reclassifies; a later SHA record keeps CHA");

	/* release on clean land: outside recorded hazards, state unchanged */
	lr__event f[] = {rel(D(2018, 1, 1), LR_REDUCED, 7),
	                 rec(D(2019, 3, 1), LR_SHA, 0)};
	run = lr__ledger_run(f, 2, LR_DATE_NONE, LR_DATE_NONE, fl);
	lr_test_ok(run.n_flows == 2 && fl[0].kind == LR__FLOW_OUTSIDE &&
	                   fl[0].index == 7 && fl[1].kind == LR__FLOW_NEW &&
	                   run.state_as_of == LR_SHA,
	           "release before any record is outside recorded hazards");

	/* same date: record before release */
	lr__event g[] = {rel(D(2019, 3, 1), LR_CANCELLED, 1),
	                 rec(D(2019, 3, 1), LR_SHA, 0)};
	lr__events_sort(g, 2);
	run = lr__ledger_run(g, 2, LR_DATE_NONE, LR_DATE_NONE, fl);
	lr_test_ok(run.n_flows == 2 && fl[0].kind == LR__FLOW_NEW &&
	                   fl[1].kind == LR__FLOW_RELEASED,
	           "same date: the record comes before the release");

	/* same date: cleared before reduced before cancelled */
	lr__event h[] = {rec(D(2019, 1, 1), LR_SHA, 0),
	                 rel(D(2020, 3, 1), LR_CANCELLED, 1),
	                 rel(D(2020, 3, 1), LR_REDUCED, 2),
	                 rel(D(2020, 3, 1), LR_CLEARED, 3)};
	lr__events_sort(h, 4);
	run = lr__ledger_run(h, 4, LR_DATE_NONE, LR_DATE_NONE, fl);
	lr_test_ok(run.n_flows == 4 && fl[1].kind == LR__FLOW_RELEASED &&
	                   fl[1].sub == LR_CLEARED &&
	                   fl[2].kind == LR__FLOW_REPEAT &&
	                   fl[2].earlier == 3 &&
	                   fl[3].kind == LR__FLOW_REPEAT && fl[3].earlier == 3,
	           "same date: clearance is credited, the others release "
	           "land it released");

	/* years apart: a second release repeats the first; after a new
	** record, a release releases again; before any, it is outside */
	lr__event rr[] = {rel(D(2017, 1, 1), LR_CLEARED, 9),
	                  rec(D(2018, 1, 1), LR_SHA, 0),
	                  rel(D(2019, 1, 1), LR_CLEARED, 1),
	                  rel(D(2022, 6, 1), LR_REDUCED, 2),
	                  rec(D(2023, 1, 1), LR_CHA, 5),
	                  rel(D(2024, 1, 1), LR_CLEARED, 3)};
	run = lr__ledger_run(rr, 6, LR_DATE_NONE, LR_DATE_NONE, fl);
	lr_test_ok(run.n_flows == 6 && fl[0].kind == LR__FLOW_OUTSIDE &&
	                   fl[3].kind == LR__FLOW_REPEAT && fl[3].index == 2 &&
	                   fl[3].earlier == 1 &&
	                   fl[5].kind == LR__FLOW_RELEASED,
	           "years apart: land released twice names the first "
	           "release; never-recorded land stays outside");

	/* same date SHA and CHA records: CHA from the start */
	lr__event k[] = {rec(D(2019, 1, 1), LR_SHA, 0),
	                 rec(D(2019, 1, 1), LR_CHA, 1)};
	lr__events_sort(k, 2);
	run = lr__ledger_run(k, 2, LR_DATE_NONE, LR_DATE_NONE, fl);
	lr_test_ok(run.n_flows == 1 && fl[0].sub == LR_CHA,
	           "same-day SHA and CHA: new CHA land, no reclassification");

	/* as-of: later events ignored */
	run = lr__ledger_run(b, 2, D(2020, 12, 31), LR_DATE_NONE, fl);
	lr_test_ok(run.n_flows == 1 && run.state_as_of == LR_CHA,
	           "events after the as-of date are ignored");

	/* baseline: earlier records are baseline, not new */
	lr__event m[] = {rec(D(2015, 1, 1), LR_SHA, 0),
	                 rec(D(2016, 1, 1), LR_CHA, 1),
	                 rel(D(2021, 1, 1), LR_CLEARED, 2)};
	run = lr__ledger_run(m, 3, LR_DATE_NONE, D(2018, 12, 31), fl);
	lr_test_ok(run.state_baseline == LR_CHA && run.n_flows == 1 &&
	                   fl[0].kind == LR__FLOW_RELEASED,
	           "baseline state is CHA; only the later release flows");

	/* baseline: a record on the baseline date itself is baseline */
	lr__event n2[] = {rec(D(2018, 12, 31), LR_SHA, 0)};
	run = lr__ledger_run(n2, 1, LR_DATE_NONE, D(2018, 12, 31), fl);
	lr_test_ok(run.state_baseline == LR_SHA && run.n_flows == 0,
	           "a record on the baseline date is baseline land");

	/* released then recorded again: new land twice */
	lr__event p[] = {rec(D(2015, 1, 1), LR_SHA, 0),
	                 rel(D(2016, 1, 1), LR_CANCELLED, 1),
	                 rec(D(2020, 1, 1), LR_CHA, 2)};
	run = lr__ledger_run(p, 3, LR_DATE_NONE, LR_DATE_NONE, fl);
	lr_test_ok(run.n_flows == 3 && fl[2].kind == LR__FLOW_NEW &&
	                   run.state_as_of == LR_CHA &&
	                   run.since_as_of == D(2020, 1, 1),
	           "land recorded again after release is new again, "
	           "hazardous since the new record");
	lr_test_ok(lr__ledger_run(p, 3, D(2017, 1, 1), LR_DATE_NONE, fl)
	                           .since_as_of == LR_DATE_NONE,
	           "clean land has no hazardous period");

	/* dates */
	lr_test_ok(lr_date_from_ymd(2019, 2, 30) == LR_DATE_NONE,
	           "2019-02-30 does not exist");
	lr_test_ok(lr_date_from_ymd(2020, 2, 29) != LR_DATE_NONE,
	           "2020-02-29 exists");
	char buf[16];
	lr_test_ok(!strcmp(lr_date_format(lr_date_parse_iso("2024-12-31"), buf),
	                   "2024-12-31"),
	           "ISO date round trip");
	lr_test_ok(lr_date_from_ymd(1970, 1, 1) == 0, "day zero is 1970-01-01");
	lr_test_ok(!strcmp(lr_date_format(lr_date_from_ymd(1, 1, 1), buf),
	                   "0001-01-01") &&
	                   !strcmp(lr_date_format(
	                                   lr_date_from_ymd(9999, 12, 31), buf),
	                           "9999-12-31") &&
	                   !strcmp(lr_date_format(LR_DATE_NONE, buf), ""),
	           "dates formatted with four-digit years, zero-padded");
	/* Every day of years 1 to 9999 written as snprintf writes it, and
	** read back as the same day. */
	int bad = 0;
	for (lr_date d = lr_date_from_ymd(1, 1, 1);
	     d <= lr_date_from_ymd(9999, 12, 31) && bad < 3; d++) {
		int y, m, dd;
		char want[16];
		lr_date_to_ymd(d, &y, &m, &dd);
		snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, dd);
		if (strcmp(lr_date_format(d, buf), want) ||
		    lr_date_parse_iso(buf) != d)
			bad++, fprintf(stderr, "# day %d: %s, want %s\n",
			               (int)d, buf, want);
	}
	lr_test_ok(bad == 0, "every day of years 1-9999 formatted as ISO");
	return lr_test_done();
}
