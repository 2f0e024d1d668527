/* ical.h: the Mayor's agenda as iCalendar (RFC 5545), written with libical (which folds and escapes): the
 * subscription feed behind a secret URL, and the .ics invitation that notification e-mails attach.
 *
 * Times are written as local times with TZID=Europe/Istanbul and a VTIMEZONE of +03:00 (Turkey has kept UTC+3 all
 * year since 2016), DTSTAMP and LAST-MODIFIED in UTC. UID is "agenda-<id>-<created_at>@kalem", stable for the
 * item's life, and SEQUENCE its change count, so calendar clients update events in place.
 */
#ifndef KALEM_API_ICAL_H
#define KALEM_API_ICAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "store/agenda.h"
#include "util/buf.h"
#include "util/i18n.h"

/* How a feed shows the items. */
struct ical_feed_options {
	const char *calendar_name; /* X-WR-CALNAME */
	bool public_only;          /* a feed for outsiders: a private item shows as busy time only (SUMMARY
				    * "Meşgul"/"Busy", CLASS:PRIVATE, no location, notes or category) */
	enum lang lang;            /* of the busy text and the category names */
	int64_t now;               /* DTSTAMP */
};

/* Appends to out a VCALENDAR (METHOD:PUBLISH, a VTIMEZONE, REFRESH-INTERVAL of an hour) with one VEVENT per item:
 * UID, SEQUENCE, DTSTAMP, LAST-MODIFIED, DTSTART, DTEND, SUMMARY, LOCATION, DESCRIPTION (the notes; full feeds
 * only), CATEGORIES, CLASS (PUBLIC or PRIVATE), STATUS (CONFIRMED, or CANCELLED for cancelled items, which stay in
 * the feed so that subscribed calendars drop them) and TRANSP:OPAQUE. Returns 0, or -1 if libical failed. */
int ical_feed(struct buf *out, const struct agenda_item *items, size_t n, const struct ical_feed_options *opt);

/* Who an invitation is from and to (e-mail addresses become mailto: URIs; names may be NULL). */
struct ical_invitation {
	const char *organizer_name, *organizer_email; /* the office */
	const char *attendee_name, *attendee_email;   /* the requester */
	enum lang lang;
	int64_t now;                                  /* DTSTAMP */
};

/* Appends to out the .ics of one agenda item as an invitation for the requester: METHOD:REQUEST with the VEVENT
 * (as in the feed, all details, no DESCRIPTION), ORGANIZER and ATTENDEE (ROLE=REQ-PARTICIPANT,
 * PARTSTAT=NEEDS-ACTION); for a cancelled item METHOD:CANCEL and STATUS:CANCELLED. Send it as
 * "text/calendar; method=REQUEST" (or CANCEL). Returns 0, or -1 if libical failed. */
int ical_event_for_item(struct buf *out, const struct agenda_item *item, const struct ical_invitation *inv);

#endif
