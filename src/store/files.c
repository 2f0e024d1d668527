/* files.c: uploaded files on disk (judged by libmagic, named by SHA-256, fsynced) and their links to records. */
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "core/validate.h"
#include "store/audit.h"
#include "store/files.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/xalloc.h"

#define NAME_MAX_BYTES 200
#define SHA_HEX 65 /* 64 hex digits and the NUL */

static const char SQL_INSERT[] = "INSERT INTO files (sha256, mime, size, name, created_at, created_by) "
				 "VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_GET[] = "SELECT id, sha256, mime, size, name, created_at, created_by FROM files WHERE id = ?";
static const char SQL_EXISTS[] = "SELECT COUNT(*) FROM files WHERE id = ?";
static const char SQL_LINK[] = "INSERT INTO record_files (file_id, record_type, record_id, role, created_at, "
			       "created_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_FOR_RECORD[] =
	"SELECT f.id, f.sha256, f.mime, f.size, f.name, f.created_at, f.created_by, rf.role, rf.id "
	"FROM record_files rf JOIN files f ON f.id = rf.file_id WHERE rf.record_type = ? AND rf.record_id = ? "
	"ORDER BY rf.id";
static const char SQL_LINKED[] =
	"SELECT COUNT(*) FROM record_files WHERE file_id = ? AND record_type = ? AND record_id = ?";
static const char SQL_LINKS[] = "SELECT record_type, record_id, role FROM record_files WHERE file_id = ? ORDER BY id";

const char *const files_petition_types[] = {"application/pdf", "image/jpeg", "image/png", NULL};

static const char *const roles[] = {"petition", "answer", "attachment", "receipt", NULL};

/* ---- judging bytes ---- */

/* One libmagic handle for the process, loaded once: a handle is not safe to share between threads, so every use
 * holds magic_lock (a sniff takes microseconds; uploads are rare next to it). magic_handle is NULL when loading
 * failed, and every sniff then fails. */
static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t magic_once = PTHREAD_ONCE_INIT;
static magic_t magic_handle;

static void magic_init(void)
{
	magic_t m = magic_open(MAGIC_MIME_TYPE);
	if (!m) {
		error("files: cannot open libmagic");
		return;
	}
	if (magic_load(m, NULL) != 0) {
		error("files: cannot load the libmagic database: %s", magic_error(m));
		magic_close(m);
		return;
	}
	magic_handle = m;
}

int files_sniff(const void *data, size_t len, char mime[64])
{
	pthread_once(&magic_once, magic_init);
	mime[0] = '\0';
	if (!magic_handle)
		return -1;
	int rc = -1;
	pthread_mutex_lock(&magic_lock);
	const char *type = magic_buffer(magic_handle, data, len);
	if (type) {
		snprintf(mime, 64, "%s", type);
		rc = 0;
	} else {
		error("files: libmagic failed: %s", magic_error(magic_handle));
	}
	pthread_mutex_unlock(&magic_lock);
	return rc;
}

static bool type_allowed(const char *mime, const char *const *allowed)
{
	for (size_t i = 0; allowed[i]; i++)
		if (strcmp(mime, allowed[i]) == 0)
			return true;
	return false;
}

static void sha256_hex(const void *data, size_t len, char hex[SHA_HEX] /* OUT */)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, data, len);
	sodium_bin2hex(hex, SHA_HEX, digest, sizeof digest);
}

static bool sha_hex_valid(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return false;
	return n == 64;
}

/* The name kept for a file: the last path component of what the client sent, without control characters (C0, DEL,
 * C1), '/' or '\', invalid UTF-8 bytes, or surrounding spaces; at most NAME_MAX_BYTES bytes, never cutting a
 * character; "", "." and ".." become "file". Only ever shown: the file on disk is named by its SHA-256. */
static char *sanitise_name(const char *original)
{
	const char *s = original ? original : "";
	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == '\\')
			s = p + 1;
	struct buf b = BUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
		if (n == 0 || strnlen((const char *)p, n) < n || !utf8_valid((const char *)p, n)) {
			p++;
			continue;
		}
		bool control = (n == 1 && (*p < 0x20 || *p == 0x7f)) || (n == 2 && p[0] == 0xc2 && p[1] < 0xa0);
		if (!control) {
			if (b.len + n > NAME_MAX_BYTES)
				break;
			buf_add(&b, p, n);
		}
		p += n;
	}
	size_t start = 0, end = b.len;
	while (start < end && b.data && b.data[start] == ' ')
		start++;
	while (end > start && b.data[end - 1] == ' ')
		end--;
	char *name = xasprintf("%.*s", (int)(end - start), b.data ? b.data + start : "");
	buf_free(&b);
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		free(name);
		name = xstrdup("file");
	}
	return name;
}

/* ---- the disk ---- */

static int fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return error("files: cannot open the directory '%s': %s", path, strerror(errno));
	int rc = fsync(fd);
	int saved = errno;
	close(fd);
	if (rc != 0)
		return error("files: cannot fsync the directory '%s': %s", path, strerror(saved));
	return 0;
}

/* Creates dir if absent, and its missing parents (the var directory on a first upload); *created (OUT) says
 * whether dir itself was created. */
static int ensure_dir(const char *dir, bool *created)
{
	*created = false;
	if (mkdir(dir, 0750) == 0) {
		*created = true;
		return 0;
	}
	if (errno == ENOENT) {
		char *parent = xstrdup(dir);
		char *slash = strrchr(parent, '/');
		bool parent_created = false;
		int prc = -1;
		if (slash && slash != parent) {
			*slash = '\0';
			prc = ensure_dir(parent, &parent_created);
		}
		free(parent);
		if (prc == 0 && mkdir(dir, 0750) == 0) {
			*created = true;
			return 0;
		}
	}
	struct stat sb;
	if (errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
		return 0;
	return error("files: cannot create the directory '%s': %s", dir, strerror(errno));
}

static int write_all(int fd, const unsigned char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Puts data at dir/sha durably: a temporary file in dir (O_EXCL, 0640), written, fsynced, renamed over the final
 * name, then the directory fsynced so the rename survives a crash. */
static int write_durably(const char *dir, const char *sha, const void *data, size_t len)
{
	unsigned char rnd[8];
	char rhex[17];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(rhex, sizeof rhex, rnd, sizeof rnd);
	char *tmp = xasprintf("%s/.tmp-%s-%s", dir, sha, rhex);
	char *final = xasprintf("%s/%s", dir, sha);
	int rc = -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0) {
		error("files: cannot create '%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		error("files: cannot write '%s': %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) != 0) {
		error("files: cannot close '%s': %s", tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, final) != 0) {
		error("files: cannot rename '%s' to '%s': %s", tmp, final, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = fsync_dir(dir);
out:
	free(tmp);
	free(final);
	return rc;
}

/* Makes sure files_dir/xx/sha holds data: reuses a file of the same name and size (the name is the digest of the
 * bytes), rewrites one of the wrong size (a torn or damaged copy). */
static int put_on_disk(const char *files_dir, const char *sha, const void *data, size_t len)
{
	bool created;
	if (ensure_dir(files_dir, &created) != 0)
		return -1;
	if (created) {
		char *parent = xstrdup(files_dir);
		char *slash = strrchr(parent, '/');
		if (slash)
			*(slash == parent ? slash + 1 : slash) = '\0';
		int rc = fsync_dir(slash ? parent : ".");
		free(parent);
		if (rc != 0)
			return -1;
	}
	char *sub = xasprintf("%s/%.2s", files_dir, sha);
	char *path = xasprintf("%s/%s", sub, sha);
	int rc = -1;
	if (ensure_dir(sub, &created) != 0)
		goto out;
	/* A new two-hex-digit directory is an entry in files_dir: make it durable too. */
	if (created && fsync_dir(files_dir) != 0)
		goto out;
	struct stat sb;
	if (stat(path, &sb) == 0) {
		if (S_ISREG(sb.st_mode) && (size_t)sb.st_size == len) {
			rc = 0;
			goto out;
		}
		log_warn("files: '%s' has %lld bytes instead of %zu; writing it again", path, (long long)sb.st_size,
			 len);
	} else if (errno != ENOENT) {
		error("files: cannot stat '%s': %s", path, strerror(errno));
		goto out;
	}
	rc = write_durably(sub, sha, data, len);
out:
	free(sub);
	free(path);
	return rc;
}

/* ---- the database ---- */

static json_t *row(struct db_stmt *st)
{
	return json_pack("{s:I,s:s,s:s,s:I,s:s,s:I,s:s}", "id", (json_int_t)db_col_int(st, 0), "sha256",
			 db_col_text(st, 1), "mime", db_col_text(st, 2), "size", (json_int_t)db_col_int(st, 3), "name",
			 db_col_text(st, 4), "created_at", (json_int_t)db_col_int(st, 5), "created_by",
			 db_col_text(st, 6));
}

int64_t file_store(struct db *db, const char *files_dir, const char *actor, const char *original_name,
		   const void *data, size_t len, size_t max_len, const char *const *allowed)
{
	if (!db_in_transaction(db))
		return error("files: store outside a write transaction");
	if (max_len == 0)
		max_len = FILES_MAX_DEFAULT;
	if (!data || len == 0)
		return FILE_EMPTY;
	if (len > max_len)
		return FILE_TOO_LARGE;
	char mime[64];
	if (files_sniff(data, len, mime) != 0)
		return FILE_ERROR;
	if (!type_allowed(mime, allowed ? allowed : files_petition_types))
		return FILE_BAD_TYPE;
	char sha[SHA_HEX];
	sha256_hex(data, len, sha);
	/* On disk before the row: the row commits only after the bytes it points at are durable. */
	if (put_on_disk(files_dir, sha, data, len) != 0)
		return FILE_ERROR;
	char *name = sanitise_name(original_name);
	int64_t result = FILE_ERROR;
	struct db_stmt *st = db_prep(db, SQL_INSERT);
	if (!st)
		goto out;
	db_bind_text(st, 1, sha);
	db_bind_text(st, 2, mime);
	db_bind_int(st, 3, (int64_t)len);
	db_bind_text(st, 4, name);
	db_bind_int(st, 5, (int64_t)time(NULL));
	db_bind_text(st, 6, actor);
	if (db_step(st) != DB_ROW)
		goto out;
	int64_t id = db_col_int(st, 0);
	while (db_step(st) == DB_ROW)
		;
	json_t *after = file_get(db, id);
	int arc = after ? audit_append(db, actor, "file.store", "file", id, NULL, after) : -1;
	json_decref(after);
	if (arc == 0)
		result = id;
out:
	free(name);
	return result;
}

json_t *file_get(struct db *db, int64_t id)
{
	struct db_stmt *st = db_prep(db, SQL_GET);
	if (!st)
		return NULL;
	db_bind_int(st, 1, id);
	json_t *o = db_step(st) == DB_ROW ? row(st) : NULL;
	db_reset(st);
	return o;
}

int file_read(struct db *db, const char *files_dir, int64_t id, void **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	json_t *f = file_get(db, id);
	if (!f)
		return -1;
	const char *sha = json_string_value(json_object_get(f, "sha256"));
	size_t size = (size_t)json_integer_value(json_object_get(f, "size"));
	char *path = NULL;
	unsigned char *bytes = NULL;
	int fd = -1, rc = -1;
	if (!sha || !sha_hex_valid(sha)) {
		error("files: file %lld has no valid digest", (long long)id);
		goto out;
	}
	path = xasprintf("%s/%.2s/%s", files_dir, sha, sha);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		error("files: cannot open '%s' (file %lld): %s", path, (long long)id, strerror(errno));
		goto out;
	}
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (size_t)sb.st_size != size) {
		error("files: '%s' (file %lld) does not have the recorded size %zu", path, (long long)id, size);
		rc = FILE_ERROR;
		goto out;
	}
	bytes = xmalloc(size ? size : 1);
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, bytes + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			error("files: cannot read '%s': %s", path, n < 0 ? strerror(errno) : "short file");
			goto out;
		}
		got += (size_t)n;
	}
	char actual[SHA_HEX];
	sha256_hex(bytes, size, actual);
	if (strcmp(actual, sha) != 0) {
		error("files: '%s' (file %lld) is damaged: its SHA-256 is %s", path, (long long)id, actual);
		rc = FILE_ERROR;
		goto out;
	}
	*data = bytes;
	*len = size;
	bytes = NULL;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(bytes);
	free(path);
	json_decref(f);
	return rc;
}

int64_t file_link(struct db *db, const char *actor, int64_t file_id, const char *record_type, int64_t record_id,
		  const char *role)
{
	if (!db_in_transaction(db))
		return error("files: link outside a write transaction");
	bool role_ok = false;
	for (size_t i = 0; role && roles[i]; i++)
		role_ok = role_ok || strcmp(role, roles[i]) == 0;
	if (!role_ok)
		return error("files: unknown role '%s'", role ? role : "");
	if (!record_type || !*record_type)
		return error("files: a link without a record type");
	/* Look before inserting: on PostgreSQL a failed foreign key would abort the caller's transaction. */
	struct db_stmt *st = db_prep(db, SQL_EXISTS);
	if (!st)
		return -1;
	db_bind_int(st, 1, file_id);
	if (db_step(st) != DB_ROW)
		return -1;
	int64_t n = db_col_int(st, 0);
	db_reset(st);
	if (n == 0)
		return error("files: no file %lld to link", (long long)file_id);
	st = db_prep(db, SQL_LINK);
	if (!st)
		return -1;
	db_bind_int(st, 1, file_id);
	db_bind_text(st, 2, record_type);
	db_bind_int(st, 3, record_id);
	db_bind_text(st, 4, role);
	db_bind_int(st, 5, (int64_t)time(NULL));
	db_bind_text(st, 6, actor);
	if (db_step(st) != DB_ROW)
		return -1;
	int64_t link_id = db_col_int(st, 0);
	while (db_step(st) == DB_ROW)
		;
	/* Audited on the record, so its history shows the file arriving. */
	json_t *after = json_pack("{s:I,s:I,s:s}", "link_id", (json_int_t)link_id, "file_id", (json_int_t)file_id,
				  "role", role);
	int arc = audit_append(db, actor, "file.link", record_type, record_id, NULL, after);
	json_decref(after);
	return arc == 0 ? link_id : -1;
}

json_t *files_for_record(struct db *db, const char *record_type, int64_t record_id)
{
	json_t *list = json_array();
	struct db_stmt *st = db_prep(db, SQL_FOR_RECORD);
	if (!st)
		return list;
	db_bind_text(st, 1, record_type);
	db_bind_int(st, 2, record_id);
	while (db_step(st) == DB_ROW) {
		json_t *o = row(st);
		json_object_set_new(o, "role", json_string(db_col_text(st, 7)));
		json_object_set_new(o, "link_id", json_integer(db_col_int(st, 8)));
		json_array_append_new(list, o);
	}
	return list;
}

bool file_linked_to(struct db *db, int64_t file_id, const char *record_type, int64_t record_id)
{
	struct db_stmt *st = db_prep(db, SQL_LINKED);
	if (!st)
		return false;
	db_bind_int(st, 1, file_id);
	db_bind_text(st, 2, record_type);
	db_bind_int(st, 3, record_id);
	bool linked = db_step(st) == DB_ROW && db_col_int(st, 0) > 0;
	db_reset(st);
	return linked;
}

json_t *file_links(struct db *db, int64_t file_id)
{
	json_t *list = json_array();
	struct db_stmt *st = db_prep(db, SQL_LINKS);
	if (!st)
		return list;
	db_bind_int(st, 1, file_id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(list, json_pack("{s:s,s:I,s:s}", "record_type", db_col_text(st, 0), "record_id",
						      (json_int_t)db_col_int(st, 1), "role", db_col_text(st, 2)));
	if (rc != DB_OK)
		log_warn("cannot read the links of file %lld", (long long)file_id);
	return list;
}
