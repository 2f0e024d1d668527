/* files.h: downloading an uploaded file (a scanned petition, an answer, an attachment) by staff. */
#ifndef KALEM_WEB_FILES_H
#define KALEM_WEB_FILES_H
#include "http/req.h"

/* GET /files/{id}[?application={aid}]: the file as an attachment (Content-Disposition with a safe ASCII name and
 * the UTF-8 name, X-Content-Type-Options nosniff, the type libmagic found). Access, from the file's links
 * (store/files.h file_links): the actor must be able to see an application the file is linked to (the office
 * roles: any; a directorate user: one with its route); with application= the file must be linked to that one and
 * it visible to the actor. 404 otherwise (also for a file linked to no application). */
void h_file_download(struct req *r);

#endif
