/* files.h: downloading an uploaded file (a scanned petition, an answer, an attachment) by staff. */
#ifndef KALEM_WEB_FILES_H
#define KALEM_WEB_FILES_H
#include "http/req.h"

/* GET /files/{id}?application={aid}: the file as an attachment (Content-Disposition with a safe ASCII name and
 * the UTF-8 name, X-Content-Type-Options nosniff, the type libmagic found). Access: the actor must be able to see
 * a record the file is linked to: with application= the file must be linked to that application and the
 * application visible to the actor (a directorate user: its own); without it only roles that see every
 * application (not directorate users). 404 otherwise. */
void h_file_download(struct req *r);

#endif
