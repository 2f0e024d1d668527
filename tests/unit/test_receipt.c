/* test_receipt.c: the application receipt (render/receipt.h) is a PDF whose text (pdftotext) holds the code, the
 * labels and Turkish letters exactly, and whose QR code (pdftoppm, then zbarimg) decodes to the tracking address;
 * text is never read as markup; missing fields are refused; concurrent renderings work. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "render/receipt.h"
#include "util/buf.h"
#include "util/i18n.h"

#define CODE "B7K-4QX-92M"
#define URL "https://kalem.meram.bel.tr/takip?kod=" CODE

static char tmpdir[64];

static const char *const kvkk[] = {
	"Kişisel verileriniz 6698 sayılı Kişisel Verilerin Korunması Kanunu uyarınca yalnızca başvurunuzun "
	"sonuçlandırılması amacıyla işlenir.",
	"Ayrıntılı bilgi: Aydınlatma Metni.",
	NULL,
};

static struct receipt sample(void)
{
	return (struct receipt){
		.municipality = "Meram Belediyesi",
		.office = "Özel Kalem Müdürlüğü",
		.title = "Başvuru Alındı Belgesi",
		.tracking_code = CODE,
		.received = "3 Mart 2026 14:05",
		.applicant = "Ayşe Çelik ğüşıöç İ",
		.subject = "Sokak lambaları <b>yanmıyor</b> & kaldırım bozuk",
		.category = "Aydınlatma",
		.channel = "Web formu",
		.track_url = URL,
		.small_print = kvkk,
		.lang = LANG_TR,
	};
}

/* Runs cmd and returns its standard output (caller frees); fails the test when it does not exit with 0. */
static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_add(&b, chunk, n);
	int status = pclose(p);
	if (status != 0)
		fail_msg("'%s' exited with %d", cmd, status);
	return buf_detach(&b, NULL);
}

/* Writes the PDF of r to tmpdir/name.pdf; returns the path (caller frees). */
static char *render_to_file(const struct receipt *r, const char *name)
{
	struct buf pdf = BUF_INIT;
	assert_int_equal(receipt_pdf(r, &pdf), 0);
	assert_true(pdf.len > 1000);
	assert_memory_equal(pdf.data, "%PDF-", 5);
	char *path = NULL;
	assert_true(asprintf(&path, "%s/%s.pdf", tmpdir, name) > 0);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(pdf.data, 1, pdf.len, f), pdf.len);
	fclose(f);
	buf_free(&pdf);
	return path;
}

static char *pdf_text(const char *path)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' -", path);
	return run(cmd);
}

static void test_text_holds_code_and_turkish_letters(void **state)
{
	(void)state;
	struct receipt r = sample();
	char *path = render_to_file(&r, "tr");
	char *text = pdf_text(path);
	assert_non_null(strstr(text, CODE));
	assert_non_null(strstr(text, "Başvuru"));
	assert_non_null(strstr(text, "ğüşıöç İ"));
	assert_non_null(strstr(text, "Meram Belediyesi"));
	assert_non_null(strstr(text, "Özel Kalem Müdürlüğü"));
	/* Labels from the catalogue. */
	assert_non_null(strstr(text, i18n_get(LANG_TR, "receipt.tracking_code")));
	assert_non_null(strstr(text, i18n_get(LANG_TR, "receipt.applicant")));
	assert_non_null(strstr(text, "Aydınlatma"));
	assert_non_null(strstr(text, "Kişisel verileriniz"));
	/* Plain text, not markup: the tags are printed as typed. */
	assert_non_null(strstr(text, "<b>yanmıyor</b> & kaldırım"));
	free(text);
	free(path);
}

static void test_qr_decodes_to_the_address(void **state)
{
	(void)state;
	struct receipt r = sample();
	char *path = render_to_file(&r, "qr");
	char cmd[512];
	snprintf(cmd, sizeof cmd, "pdftoppm -png -r 150 -singlefile '%s' '%s/qr'", path, tmpdir);
	free(run(cmd));
	snprintf(cmd, sizeof cmd, "zbarimg -q --raw '%s/qr.png'", tmpdir);
	char *decoded = run(cmd);
	size_t n = strlen(decoded);
	while (n && (decoded[n - 1] == '\n' || decoded[n - 1] == '\r'))
		decoded[--n] = '\0';
	assert_string_equal(decoded, URL);
	free(decoded);
	free(path);
}

static void test_english_labels_and_default_title(void **state)
{
	(void)state;
	struct receipt r = sample();
	r.lang = LANG_EN;
	r.title = NULL;
	char *path = render_to_file(&r, "en");
	char *text = pdf_text(path);
	assert_non_null(strstr(text, i18n_get(LANG_EN, "receipt.title")));
	assert_non_null(strstr(text, "Tracking code"));
	assert_null(strstr(text, "Takip kodu"));
	assert_non_null(strstr(text, CODE));
	free(text);
	free(path);
}

static void test_refuses_missing_fields(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	struct receipt r = sample();
	r.tracking_code = NULL;
	assert_int_equal(receipt_pdf(&r, &out), -1);
	r = sample();
	r.tracking_code = "";
	assert_int_equal(receipt_pdf(&r, &out), -1);
	r = sample();
	r.track_url = NULL;
	assert_int_equal(receipt_pdf(&r, &out), -1);
	assert_int_equal(receipt_pdf(NULL, &out), -1);
	/* Longer than any QR code holds. */
	char *huge = malloc(5000);
	memset(huge, 'a', 4999);
	huge[4999] = '\0';
	r = sample();
	r.track_url = huge;
	assert_int_equal(receipt_pdf(&r, &out), -1);
	free(huge);
	assert_int_equal(out.len, 0);
	/* Optional fields may be absent. */
	r = (struct receipt){.tracking_code = CODE, .track_url = URL};
	assert_int_equal(receipt_pdf(&r, &out), 0);
	assert_memory_equal(out.data, "%PDF-", 5);
	buf_free(&out);
}

static void *render_many(void *arg)
{
	int *ok = arg;
	for (int i = 0; i < 5; i++) {
		struct receipt r = sample();
		struct buf out = BUF_INIT;
		if (receipt_pdf(&r, &out) == 0 && out.len > 1000 && memcmp(out.data, "%PDF-", 5) == 0)
			(*ok)++;
		buf_free(&out);
	}
	return NULL;
}

static void test_concurrent_renderings(void **state)
{
	(void)state;
	pthread_t t[4];
	int ok[4] = {0};
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, render_many, &ok[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(ok[i], 5);
	}
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	if (i18n_load() != 0)
		return 1;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/kalem-receipt-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	const struct CMUnitTest cases[] = {
		cmocka_unit_test(test_text_holds_code_and_turkish_letters),
		cmocka_unit_test(test_qr_decodes_to_the_address),
		cmocka_unit_test(test_english_labels_and_default_title),
		cmocka_unit_test(test_refuses_missing_fields),
		cmocka_unit_test(test_concurrent_renderings),
	};
	int failed = cmocka_run_group_tests_name("receipt", cases, NULL, NULL);
	nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	i18n_unload();
	return failed;
}
