/* data.c: kalem import, export and demo. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "store/csvio.h"
#include "store/db.h"
#include "store/demo.h"
#include "util/buf.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/xalloc.h"

/* The language of messages and headers: --lang, else KALEM_LANG, else LANG ("en..." gives English), else
 * Turkish. */
static enum lang cli_lang(const char *flag)
{
	if (flag)
		return lang_from_code(flag);
	const char *env = getenv("KALEM_LANG");
	if (env && *env)
		return lang_from_code(env);
	return lang_from_code(getenv("LANG"));
}

/* Reads path ("-" = standard input) whole into b. */
static int read_all(const char *path, struct buf *b)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error("cannot open '%s': %s", path, strerror(errno));
	int rc = 0;
	for (;;) {
		buf_grow(b, 65536);
		ssize_t n = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = error("cannot read '%s': %s", path, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		b->data[b->len] = '\0';
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

/* Writes len bytes to path ("-" = standard output), created with mode. */
static int write_all(const char *path, const char *data, size_t len, mode_t mode)
{
	int fd = strcmp(path, "-") == 0 ? STDOUT_FILENO : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return error("cannot create '%s': %s", path, strerror(errno));
	int rc = 0;
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = error("cannot write '%s': %s", path, strerror(errno));
			break;
		}
		off += (size_t)n;
	}
	if (fd != STDOUT_FILENO && close(fd) != 0 && rc == 0)
		rc = error("cannot write '%s': %s", path, strerror(errno));
	return rc;
}

static void import_usage(void)
{
	fprintf(stderr, "usage: kalem import directorates|neighbourhoods|parties FILE.csv [--lang tr|en]\n"
			"  FILE - reads standard input. Exit codes: 0 imported, 1 refused (problems on stderr; nothing\n"
			"  was written), 2 usage.\n");
}

static void export_usage(void)
{
	fprintf(stderr, "usage: kalem export directorates|neighbourhoods|parties FILE.csv [--excel] [--full-tckn] "
			"[--lang tr|en]\n"
			"  FILE - writes standard output. --excel: ';' separators and a byte order mark, for Excel with\n"
			"  Turkish settings. --full-tckn: parties with their full TCKN (otherwise masked).\n");
}

struct data_args {
	enum csvio_kind kind;
	const char *file;
	const char *lang;
	bool excel, full_tckn;
};

/* Parses "KIND FILE [options]" into a (OUT); returns 0, or -1 after saying what is wrong. */
static int parse_args(int argc, char **argv, bool export, struct data_args *a)
{
	memset(a, 0, sizeof *a);
	int positional = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc) {
			a->lang = argv[++i];
		} else if (export && strcmp(argv[i], "--excel") == 0) {
			a->excel = true;
		} else if (export && strcmp(argv[i], "--full-tckn") == 0) {
			a->full_tckn = true;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "kalem %s: unknown option '%s'\n", argv[0], argv[i]);
			return -1;
		} else if (positional == 0) {
			if (csvio_kind_from_name(argv[i], &a->kind) != 0) {
				fprintf(stderr, "kalem %s: unknown kind '%s'\n", argv[0], argv[i]);
				return -1;
			}
			positional++;
		} else if (positional == 1) {
			a->file = argv[i];
			positional++;
		} else {
			fprintf(stderr, "kalem %s: unexpected argument '%s'\n", argv[0], argv[i]);
			return -1;
		}
	}
	if (positional != 2) {
		fprintf(stderr, "kalem %s: a kind and a file are needed\n", argv[0]);
		return -1;
	}
	return 0;
}

int cli_import(struct cli *cli, int argc, char **argv)
{
	struct data_args a;
	if (parse_args(argc, argv, false, &a) != 0) {
		import_usage();
		return CLI_USAGE;
	}
	enum lang lang = cli_lang(a.lang);
	struct buf data = BUF_INIT;
	buf_init(&data);
	if (read_all(a.file, &data) != 0) {
		buf_free(&data);
		return CLI_FAIL;
	}
	if (i18n_load() != 0) {
		buf_free(&data);
		return CLI_FAIL;
	}
	struct db *db = cli_open_db(cli);
	if (!db) {
		buf_free(&data);
		return CLI_FAIL;
	}
	struct csvio_result res;
	int rc = csvio_import(db, "cli", a.kind, data.data, data.len, lang, &res);
	db_close(db);
	buf_free(&data);
	struct buf msg = BUF_INIT;
	buf_init(&msg);
	if (res.converted) {
		i18n_format(&msg, lang, "csv.import.converted", NULL);
		fprintf(stderr, "kalem import: %s\n", msg.data);
		buf_reset(&msg);
	}
	if (rc == 0) {
		json_t *args = json_pack("{s:i,s:i,s:i,s:i}", "rows", res.rows, "inserted", res.inserted, "updated",
					 res.updated, "unchanged", res.unchanged);
		i18n_format(&msg, lang, "csv.import.done", args);
		json_decref(args);
		printf("kalem import: %s\n", msg.data);
	} else if (rc == 1) {
		/* One line per problem, "FILE:LINE: COLUMN: message", as compilers report. */
		size_t i;
		json_t *p;
		json_array_foreach(res.problems, i, p)
		{
			const char *column = json_string_value(json_object_get(p, "column"));
			json_int_t line = json_integer_value(json_object_get(p, "line"));
			fprintf(stderr, "%s", a.file);
			if (line > 0)
				fprintf(stderr, ":%lld", (long long)line);
			fprintf(stderr, ": %s%s%s\n", column && *column ? column : "", column && *column ? ": " : "",
				json_string_value(json_object_get(p, "message")));
		}
		if (res.problems_total > (int)json_array_size(res.problems)) {
			json_t *args = json_pack("{s:i}", "count", res.problems_total - (int)json_array_size(res.problems));
			i18n_format(&msg, lang, "csv.import.more", args);
			json_decref(args);
			fprintf(stderr, "%s\n", msg.data);
			buf_reset(&msg);
		}
		json_t *args = json_pack("{s:i}", "count", res.problems_total);
		i18n_format(&msg, lang, "csv.import.failed", args);
		json_decref(args);
		fprintf(stderr, "kalem import: %s\n", msg.data);
	} else {
		fprintf(stderr, "kalem import: the database failed; nothing was written\n");
	}
	buf_free(&msg);
	csvio_result_free(&res);
	i18n_unload();
	return rc == 0 ? CLI_OK : CLI_FAIL;
}

int cli_export(struct cli *cli, int argc, char **argv)
{
	struct data_args a;
	if (parse_args(argc, argv, true, &a) != 0) {
		export_usage();
		return CLI_USAGE;
	}
	if (a.full_tckn && a.kind != CSVIO_PARTIES) {
		fprintf(stderr, "kalem export: --full-tckn is for parties only\n");
		return CLI_USAGE;
	}
	struct db *db = cli_open_db(cli);
	if (!db)
		return CLI_FAIL;
	struct csvio_export_options opt = {
		.lang = cli_lang(a.lang), .sep = a.excel ? ';' : ',', .bom = a.excel, .full_tckn = a.full_tckn};
	struct buf out = BUF_INIT;
	buf_init(&out);
	int rows = csvio_export(db, "cli", a.kind, &opt, &out);
	db_close(db);
	int rc = CLI_FAIL;
	/* People's data is for the owner's eyes only. */
	if (rows >= 0 && write_all(a.file, out.data, out.len, a.kind == CSVIO_PARTIES ? 0600 : 0644) == 0) {
		fprintf(stderr, "kalem export: %d %s written to %s%s\n", rows, csvio_kind_name(a.kind),
			strcmp(a.file, "-") ? a.file : "standard output",
			a.kind == CSVIO_PARTIES && !a.full_tckn ? " (TCKNs masked)" : "");
		rc = CLI_OK;
	}
	buf_free(&out);
	return rc;
}

/* The directory of the SQLite database file ("." for a bare name), or NULL for PostgreSQL. xmalloc'd. */
static char *var_dir_of(const char *url)
{
	if (strncmp(url, "postgres", 8) == 0)
		return NULL;
	const char *path = strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int cli_demo(struct cli *cli, int argc, char **argv)
{
	if (argc != 1) {
		fprintf(stderr, "usage: kalem demo\n");
		return CLI_USAGE;
	}
	if (i18n_load() != 0) /* the stores render the messages of the demo's requests and applications */
		return CLI_FAIL;
	struct db *db = cli_open_db(cli);
	if (!db)
		return CLI_FAIL;
	char *var_dir = var_dir_of(cli->cfg.db_url);
	struct demo_summary s;
	int n = demo_load_with(db, var_dir, &s);
	db_close(db);
	free(var_dir);
	if (n < 0) {
		fprintf(stderr, "kalem demo: loading failed (see above); run it again to complete it\n");
		return CLI_FAIL;
	}
	if (n == 0) {
		printf("kalem demo: the demo data are already loaded; nothing changed.\n");
		return CLI_OK;
	}
	printf("kalem demo: loaded %d directorates, %d neighbourhoods, %d users, %d citizens, %d institutions, "
	       "%d engagements.\n",
	       s.directorates, s.neighbourhoods, s.users, s.citizens, s.institutions, s.engagements);
	printf("kalem demo: and %d appointment requests, %d applications.\n", s.appointments, s.applications);
	if (s.users > 0) {
		printf("Demo users (yonetici, mudur, sekreter1, sekreter2, baskan, fen.personel, zabita.personel, "
		       "izleyici) share the password: %s\n",
		       s.password);
		if (s.users_file[0])
			printf("Written to %s (readable by you only).\n", s.users_file);
		else
			printf("It is shown only this once.\n");
	}
	return CLI_OK;
}
