/* test_ical.c: the iCalendar output of agenda items: the feed (time zone, escaping, folding of long Turkish text,
 * private items in public feeds, cancelled items) and the e-mail invitation (METHOD:REQUEST / CANCEL), each read
 * back with libical's own parser as well as checked line by line. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <libical/ical.h>
#include <string.h>
#include "api/ical.h"
#include "core/bizcal.h"
#include "core/validate.h"
#include "util/i18n.h"

static int load_catalogue(void **state)
{
	(void)state;
	return i18n_load();
}

static struct agenda_item item(int64_t id, const char *title, bool is_public, enum agenda_status status)
{
	return (struct agenda_item){.id = id, .kind = AGENDA_ENGAGEMENT, .category = AGENDA_CAT_COUNCIL,
				    .title = title, .location = "Meclis Salonu, 2. kat; Meram", .notes = "Gündem:\n1. Bütçe",
				    .starts_at = unix_from_ymd_min(20261202, 10 * 60 + 30),
				    .ends_at = unix_from_ymd_min(20261202, 12 * 60), .is_public = is_public,
				    .status = status, .sequence = 2, .created_at = 1790000000, .updated_at = 1790000100};
}

/* Every line ends in CRLF, is at most 75 octets and valid UTF-8 on its own (folding never splits a character). */
static void assert_well_formed(const char *text)
{
	const char *p = text;
	assert_true(strncmp(p, "BEGIN:VCALENDAR\r\n", 17) == 0);
	while (*p) {
		const char *eol = strstr(p, "\r\n");
		assert_non_null(eol);
		size_t len = (size_t)(eol - p);
		if (len > 75)
			fail_msg("line longer than 75 octets: %.*s", (int)len, p);
		if (!utf8_valid(p, len))
			fail_msg("folding split a character: %.*s", (int)len, p);
		p = eol + 2;
	}
}

/* The text with folded lines joined again (RFC 5545 3.1). */
static char *unfold(const char *text)
{
	char *out = strdup(text), *w = out;
	for (const char *p = text; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t')) {
			p += 2;
			continue;
		}
		*w++ = *p;
	}
	*w = '\0';
	return out;
}

static void test_feed(void **state)
{
	(void)state;
	char long_title[400];
	snprintf(long_title, sizeof long_title, "%s",
		 "Büyükşehir Belediye Meclisi olağan toplantısı: İmar planı değişiklikleri, çığ önlemleri, "
		 "öğrenci yurdu, Şehir Hastanesi yolu ve ırmak kıyısı düzenlemesi üzerine görüşmeler");
	struct agenda_item items[] = {
		item(1, long_title, true, AGENDA_SCHEDULED),
		item(2, "Özel görüşme", false, AGENDA_SCHEDULED),
		item(3, "Ertelenen tören", true, AGENDA_CANCELLED),
	};
	struct buf out = BUF_INIT;
	struct ical_feed_options full = {"Başkanlık Programı", false, LANG_TR, 1790001000};
	assert_int_equal(ical_feed(&out, items, 3, &full), 0);
	assert_well_formed(out.data);
	char *text = unfold(out.data);
	assert_non_null(strstr(text, "METHOD:PUBLISH\r\n"));
	assert_non_null(strstr(text, "X-WR-CALNAME:Başkanlık Programı\r\n"));
	assert_non_null(strstr(text, "BEGIN:VTIMEZONE\r\nTZID:Europe/Istanbul\r\n"));
	assert_non_null(strstr(text, "TZOFFSETTO:+0300\r\n"));
	assert_non_null(strstr(text, "UID:agenda-1-1790000000@kalem\r\n"));
	assert_non_null(strstr(text, "SEQUENCE:2\r\n"));
	assert_non_null(strstr(text, "DTSTART;TZID=Europe/Istanbul:20261202T103000\r\n"));
	assert_non_null(strstr(text, "DTEND;TZID=Europe/Istanbul:20261202T120000\r\n"));
	assert_non_null(strstr(text, "DTSTAMP:20260921T143000Z\r\n")); /* 1790001000, in UTC */
	/* the long title comes back whole once unfolded; commas and semicolons escaped, newlines as \n */
	char want[512];
	snprintf(want, sizeof want, "SUMMARY:%s\r\n", "Büyükşehir Belediye Meclisi olağan toplantısı: İmar planı "
						      "değişiklikleri\\, çığ önlemleri\\, öğrenci yurdu\\, Şehir "
						      "Hastanesi yolu ve ırmak kıyısı düzenlemesi üzerine görüşmeler");
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "LOCATION:Meclis Salonu\\, 2. kat\\; Meram\r\n"));
	assert_non_null(strstr(text, "DESCRIPTION:Gündem:\\n1. Bütçe\r\n"));
	assert_non_null(strstr(text, "CATEGORIES:Meclis toplantısı\r\n"));
	/* a full feed shows private items with their details, marked private */
	assert_non_null(strstr(text, "SUMMARY:Özel görüşme\r\n"));
	assert_non_null(strstr(text, "CLASS:PRIVATE\r\n"));
	assert_non_null(strstr(text, "STATUS:CANCELLED\r\n"));
	assert_non_null(strstr(text, "STATUS:CONFIRMED\r\n"));
	free(text);

	/* libical reads it back: three events, times in the Istanbul zone */
	icalcomponent *cal = icalparser_parse_string(out.data);
	assert_non_null(cal);
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 3);
	icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	assert_string_equal(icalcomponent_get_summary(ev), long_title);
	assert_string_equal(icalcomponent_get_location(ev), "Meclis Salonu, 2. kat; Meram");
	icalcomponent_free(cal);
	buf_free(&out);

	/* a public feed: the private item is busy time only */
	struct ical_feed_options pub = {"Başkanlık Programı", true, LANG_EN, 1790001000};
	assert_int_equal(ical_feed(&out, items, 3, &pub), 0);
	assert_well_formed(out.data);
	text = unfold(out.data);
	assert_null(strstr(text, "Özel görüşme"));
	assert_non_null(strstr(text, "SUMMARY:Busy\r\n"));
	assert_null(strstr(text, "DESCRIPTION:")); /* notes never go to public feeds */
	const char *busy = strstr(text, "UID:agenda-2-");
	assert_non_null(busy);
	const char *end = strstr(busy, "END:VEVENT");
	assert_null(memmem(busy, (size_t)(end - busy), "LOCATION", 8));
	assert_non_null(memmem(busy, (size_t)(end - busy), "CLASS:PRIVATE", 13));
	free(text);
	buf_free(&out);

	/* an empty feed is still a calendar */
	assert_int_equal(ical_feed(&out, NULL, 0, &pub), 0);
	assert_non_null(strstr(out.data, "END:VCALENDAR\r\n"));
	assert_null(strstr(out.data, "BEGIN:VEVENT"));
	buf_free(&out);
}

static void test_invitation(void **state)
{
	(void)state;
	struct agenda_item it = item(7, "Randevu: Meram Esnaf Odası", false, AGENDA_SCHEDULED);
	it.kind = AGENDA_APPOINTMENT;
	it.category = AGENDA_CAT_INSTITUTION;
	struct ical_invitation inv = {"Özel Kalem Müdürlüğü", "ozelkalem@meram.bel.tr", "Ayşe Yılmaz", "ayse@example.org",
				      LANG_TR, 1790001000};
	struct buf out = BUF_INIT;
	assert_int_equal(ical_event_for_item(&out, &it, &inv), 0);
	assert_well_formed(out.data);
	char *text = unfold(out.data);
	assert_non_null(strstr(text, "METHOD:REQUEST\r\n"));
	assert_non_null(strstr(text, "ORGANIZER;CN=Özel Kalem Müdürlüğü:mailto:ozelkalem@meram.bel.tr\r\n"));
	assert_non_null(strstr(text, "ATTENDEE;CN=Ayşe Yılmaz;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:"
				     "mailto:ayse@example.org\r\n"));
	assert_non_null(strstr(text, "SUMMARY:Randevu: Meram Esnaf Odası\r\n"));
	assert_non_null(strstr(text, "CATEGORIES:Kurum randevusu\r\n"));
	assert_null(strstr(text, "DESCRIPTION")); /* staff notes stay in the office */
	free(text);
	icalcomponent *cal = icalparser_parse_string(out.data);
	assert_non_null(cal);
	assert_int_equal(icalcomponent_get_method(cal), ICAL_METHOD_REQUEST);
	icalcomponent_free(cal);
	buf_free(&out);

	it.status = AGENDA_CANCELLED;
	it.sequence = 3;
	assert_int_equal(ical_event_for_item(&out, &it, &inv), 0);
	assert_non_null(strstr(out.data, "METHOD:CANCEL\r\n"));
	assert_non_null(strstr(out.data, "STATUS:CANCELLED\r\n"));
	assert_non_null(strstr(out.data, "SEQUENCE:3\r\n"));
	assert_null(strstr(out.data, "METHOD:REQUEST"));
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feed),
		cmocka_unit_test(test_invitation),
	};
	return cmocka_run_group_tests_name("ical", tests, load_catalogue, NULL);
}
