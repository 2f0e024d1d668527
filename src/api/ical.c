/* ical.c: iCalendar feeds and invitations of agenda items, built as libical components. */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/ical.h"
#include "core/bizcal.h"

#define TZID "Europe/Istanbul"
#define PRODID "-//Kalem//Ajanda//TR"

/* Local (UTC+3) wall-clock time of t, without a zone: written with TZID=Europe/Istanbul. */
static struct icaltimetype local_time(int64_t t)
{
	int ymd = ymd_from_unix(t);
	int64_t sec = t - unix_from_ymd_min(ymd, 0);
	struct icaltimetype v = icaltime_null_time();
	v.year = ymd / 10000;
	v.month = ymd / 100 % 100;
	v.day = ymd % 100;
	v.hour = (int)(sec / 3600);
	v.minute = (int)(sec / 60 % 60);
	v.second = (int)(sec % 60);
	v.is_date = 0;
	return v;
}

static struct icaltimetype utc_time(int64_t t)
{
	return icaltime_from_timet_with_zone((time_t)t, 0, icaltimezone_get_utc_timezone());
}

static icalproperty *with_tzid(icalproperty *p)
{
	icalproperty_add_parameter(p, icalparameter_new_tzid(TZID));
	return p;
}

/* VTIMEZONE for Europe/Istanbul: one STANDARD observance of +03:00 (no daylight saving since 2016). */
static icalcomponent *istanbul_timezone(void)
{
	icalcomponent *tz = icalcomponent_new_vtimezone();
	icalcomponent_add_property(tz, icalproperty_new_tzid(TZID));
	icalcomponent *std = icalcomponent_new_xstandard();
	struct icaltimetype start = icaltime_null_time();
	start.year = 1970;
	start.month = 1;
	start.day = 1;
	start.is_date = 0;
	icalcomponent_add_property(std, icalproperty_new_dtstart(start));
	icalcomponent_add_property(std, icalproperty_new_tzoffsetfrom(BIZCAL_UTC_OFFSET_SEC));
	icalcomponent_add_property(std, icalproperty_new_tzoffsetto(BIZCAL_UTC_OFFSET_SEC));
	icalcomponent_add_property(std, icalproperty_new_tzname("+03"));
	icalcomponent_add_component(tz, std);
	return tz;
}

static icalcomponent *new_calendar(enum icalproperty_method method)
{
	icalcomponent *cal = icalcomponent_new_vcalendar();
	icalcomponent_add_property(cal, icalproperty_new_prodid(PRODID));
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(cal, icalproperty_new_method(method));
	return cal;
}

static void add_x(icalcomponent *c, const char *name, const char *value)
{
	icalproperty *p = icalproperty_new_x(value);
	icalproperty_set_x_name(p, name);
	icalcomponent_add_property(c, p);
}

/* The VEVENT of item. busy_only: a private item in a public feed (no details); notes: add DESCRIPTION. */
static icalcomponent *event_of(const struct agenda_item *item, bool busy_only, bool notes, enum lang lang,
			       int64_t now)
{
	icalcomponent *ev = icalcomponent_new_vevent();
	char uid[96];
	snprintf(uid, sizeof uid, "agenda-%lld-%lld@kalem", (long long)item->id, (long long)item->created_at);
	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	icalcomponent_add_property(ev, icalproperty_new_sequence(item->sequence));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(utc_time(now)));
	if (item->updated_at)
		icalcomponent_add_property(ev, icalproperty_new_lastmodified(utc_time(item->updated_at)));
	icalcomponent_add_property(ev, with_tzid(icalproperty_new_dtstart(local_time(item->starts_at))));
	icalcomponent_add_property(ev, with_tzid(icalproperty_new_dtend(local_time(item->ends_at))));
	if (busy_only) {
		icalcomponent_add_property(ev, icalproperty_new_summary(i18n_get(lang, "agenda.busy")));
	} else {
		icalcomponent_add_property(ev, icalproperty_new_summary(item->title ? item->title : ""));
		if (item->location && *item->location)
			icalcomponent_add_property(ev, icalproperty_new_location(item->location));
		if (notes && item->notes && *item->notes)
			icalcomponent_add_property(ev, icalproperty_new_description(item->notes));
		char key[64];
		snprintf(key, sizeof key, "agenda.category.%s", agenda_category_name(item->category));
		icalcomponent_add_property(ev, icalproperty_new_categories(i18n_get(lang, key)));
	}
	icalcomponent_add_property(ev, icalproperty_new_class(item->is_public ? ICAL_CLASS_PUBLIC : ICAL_CLASS_PRIVATE));
	icalcomponent_add_property(ev, icalproperty_new_status(item->status == AGENDA_CANCELLED ? ICAL_STATUS_CANCELLED
											: ICAL_STATUS_CONFIRMED));
	icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
	return ev;
}

/* Serialises cal into out and frees it. */
static int finish(struct buf *out, icalcomponent *cal)
{
	char *text = icalcomponent_as_ical_string_r(cal);
	icalcomponent_free(cal);
	if (!text)
		return -1;
	buf_adds(out, text);
	icalmemory_free_buffer(text);
	return 0;
}

int ical_feed(struct buf *out, const struct agenda_item *items, size_t n, const struct ical_feed_options *opt)
{
	icalcomponent *cal = new_calendar(ICAL_METHOD_PUBLISH);
	if (!cal)
		return -1;
	add_x(cal, "X-WR-CALNAME", opt->calendar_name ? opt->calendar_name : "Kalem");
	add_x(cal, "X-WR-TIMEZONE", TZID);
	icalproperty *refresh = icalproperty_new_refreshinterval(icaldurationtype_from_int(3600));
	icalproperty_add_parameter(refresh, icalparameter_new_value(ICAL_VALUE_DURATION));
	icalcomponent_add_property(cal, refresh);
	add_x(cal, "X-PUBLISHED-TTL", "PT1H");
	icalcomponent_add_component(cal, istanbul_timezone());
	for (size_t i = 0; i < n; i++) {
		bool busy_only = opt->public_only && !items[i].is_public;
		icalcomponent_add_component(cal, event_of(&items[i], busy_only, !opt->public_only, opt->lang, opt->now));
	}
	return finish(out, cal);
}

/* "mailto:address" with a CN parameter when a name is given. */
static icalproperty *person(icalproperty *p, const char *name)
{
	if (name && *name)
		icalproperty_add_parameter(p, icalparameter_new_cn(name));
	return p;
}

int ical_event_for_item(struct buf *out, const struct agenda_item *item, const struct ical_invitation *inv)
{
	bool cancelled = item->status == AGENDA_CANCELLED;
	icalcomponent *cal = new_calendar(cancelled ? ICAL_METHOD_CANCEL : ICAL_METHOD_REQUEST);
	if (!cal)
		return -1;
	icalcomponent_add_component(cal, istanbul_timezone());
	icalcomponent *ev = event_of(item, false, false, inv->lang, inv->now);
	char uri[320];
	if (inv->organizer_email && *inv->organizer_email) {
		snprintf(uri, sizeof uri, "mailto:%s", inv->organizer_email);
		icalcomponent_add_property(ev, person(icalproperty_new_organizer(uri), inv->organizer_name));
	}
	if (inv->attendee_email && *inv->attendee_email) {
		snprintf(uri, sizeof uri, "mailto:%s", inv->attendee_email);
		icalproperty *a = person(icalproperty_new_attendee(uri), inv->attendee_name);
		icalproperty_add_parameter(a, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
		icalproperty_add_parameter(a, icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
		icalcomponent_add_property(ev, a);
	}
	icalcomponent_add_component(cal, ev);
	return finish(out, cal);
}
