/* application_flow.h: the flows of workflow 3 (complaints and requests): the application's own flow, and the flow
 * of each directorate's share of it (a route), as tables for the generic engine of core/workflow.h.
 *
 *   received --reject {legal_reason, answer}----------------> rejected         (3.1: not compliant, reasoned answer)
 *   received --forward_external {legal_reason, authority}---> forwarded        (3071 art. 5: not our competence)
 *   received --route {directorates}-------------------------> routed           (3.1: compliant, to directorate(s))
 *   received --answer {answer}------------------------------> answered         (the office answers it itself)
 *   routed   --request_info {question}----------------------> waiting          (clocks paused for the applicant)
 *   waiting  --info_received--------------------------------> routed           (clocks run again)
 *   routed   --answer {answer}------------------------------> answered         (3.2; the store takes it when the
 *                                                                               last open route is answered)
 *   routed | waiting | answered --interim {via, text}-------> (same state)     (a stage notice: counts for 3071)
 *   answered --give_feedback {via}--------------------------> feedback_given   (3.3: within 2-7 days)
 *   rejected | forwarded | feedback_given --archive {file_plan_code}--> archived (3.1.2; final)
 *   routed | waiting --reroute {directorates}---------------> routed           (after a route came back)
 *
 * A route (one directorate's share) moves on its own:
 *   pending --accept--> accepted --plan {work_date}--> planned
 *   pending | accepted | planned --answer {answer}--> answered (final)
 *   pending | accepted --return {reason}--> returned (final: wrong directorate; the office reroutes)
 *   pending | accepted | planned --ask_info {question}--> info_requested --info_received--> accepted
 *   any open state --withdraw--> withdrawn (final; the office took it back)
 */
#ifndef KALEM_CORE_APPLICATION_FLOW_H
#define KALEM_CORE_APPLICATION_FLOW_H
#include "core/workflow.h"

enum app_state {
	APP_RECEIVED,       /* "received", chart step "3" */
	APP_REJECTED,       /* "rejected", "3.1" */
	APP_FORWARDED,      /* "forwarded", "3.1" */
	APP_ROUTED,         /* "routed", "3.1.1" */
	APP_WAITING,        /* "waiting", "3.1.1" */
	APP_ANSWERED,       /* "answered", "3.2" */
	APP_FEEDBACK_GIVEN, /* "feedback_given", "3.3" */
	APP_ARCHIVED,       /* "archived", "3.1.2", final */
	APP_STATE__MAX
};

enum route_state {
	ROUTE_PENDING,        /* "pending": in the directorate's inbox */
	ROUTE_ACCEPTED,       /* "accepted" */
	ROUTE_PLANNED,        /* "planned": a work date is set */
	ROUTE_INFO_REQUESTED, /* "info_requested": waiting for the applicant */
	ROUTE_ANSWERED,       /* "answered", final */
	ROUTE_RETURNED,       /* "returned", final: wrong directorate */
	ROUTE_WITHDRAWN,      /* "withdrawn", final */
	ROUTE_STATE__MAX
};

extern const struct wf_flow application_flow;
extern const struct wf_flow route_flow;

#endif
