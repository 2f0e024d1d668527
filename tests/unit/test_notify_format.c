/* test_notify_format.c: what the senders put on the wire: RFC 2047 headers of Turkish text, mailboxes, dates and
 * Message-IDs (notify/smtp.h); SMS body templates filled and escaped per format, and gateway ids (notify/sms.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/validate.h"
#include "notify/sms.h"
#include "notify/smtp.h"
#include "util/buf.h"

/* Decodes an unstructured header value as a mail reader does: unfolds CRLF SP, joins adjacent encoded-words,
 * decodes =?UTF-8?B?...?=. Checks on the way that no line is longer than 76 characters (counting the first
 * line's used characters), that every encoded-word is at most 75 characters and holds whole UTF-8 characters. */
static char *decode_header(const char *value, size_t used)
{
	size_t line = used;
	for (const char *p = value; *p; p++) {
		if (p[0] == '\r') {
			assert_int_equal(p[1], '\n');
			assert_int_equal(p[2], ' ');
			line = 0;
			continue;
		}
		if (*p != '\n')
			line++;
		assert_true(line <= 76);
	}
	struct buf out = BUF_INIT;
	const char *p = value;
	bool last_was_word = false;
	while (*p) {
		if (strncmp(p, "\r\n ", 3) == 0) {
			p += 3;
			/* whitespace between two encoded-words is dropped; elsewhere the fold stands for a space */
			if (!(last_was_word && strncmp(p, "=?", 2) == 0))
				buf_addc(&out, ' ');
			continue;
		}
		if (strncmp(p, "=?UTF-8?B?", 10) == 0) {
			const char *end = strstr(p + 10, "?=");
			assert_non_null(end);
			assert_true((size_t)(end + 2 - p) <= 75);
			unsigned char bin[128];
			size_t n = 0;
			assert_int_equal(sodium_base642bin(bin, sizeof bin, p + 10, (size_t)(end - p - 10), NULL, &n, NULL,
							   sodium_base64_VARIANT_ORIGINAL),
					 0);
			assert_true(utf8_valid((const char *)bin, n)); /* no character cut in two */
			buf_add(&out, bin, n);
			p = end + 2;
			last_was_word = true;
			continue;
		}
		buf_addc(&out, *p++);
		last_was_word = false;
	}
	return buf_detach(&out, NULL);
}

static void test_subject_turkish_encoded(void **state)
{
	(void)state;
	const char *subject = "Kalem deneme iletisi — Işık Şüküroğlu";
	struct buf b = BUF_INIT;
	smtp_encode_text(&b, subject, 9);
	assert_true(strncmp(b.data, "=?UTF-8?B?", 10) == 0);
	for (const unsigned char *p = (const unsigned char *)b.data; *p; p++)
		assert_true(*p < 0x80); /* only ASCII goes on the wire */
	char *back = decode_header(b.data, 9);
	assert_string_equal(back, subject);
	free(back);
	buf_free(&b);
}

static void test_long_subject_folds_on_characters(void **state)
{
	(void)state;
	/* 2-byte letters throughout: a naive split at a fixed byte count would cut one in half */
	const char *s = "Çağrı üzerine Şehitkamil, Ömerli, Gümüşhacıköy ve Iğdır İlçelerinden gelen öğrencilerin "
			"belediye başkanımızla görüşme talebi hakkında ğüşıöç ĞÜŞİÖÇ";
	struct buf b = BUF_INIT;
	smtp_encode_text(&b, s, 9);
	assert_non_null(strstr(b.data, "\r\n =?UTF-8?B?")); /* folded */
	char *back = decode_header(b.data, 9);
	assert_string_equal(back, s);
	free(back);
	buf_free(&b);
	/* 4-byte characters too */
	const char *emoji = "Randevu 📅📅📅📅📅📅📅📅📅📅📅📅📅📅📅📅📅📅📅📅 onaylandı";
	smtp_encode_text(&b, emoji, 9);
	back = decode_header(b.data, 9);
	assert_string_equal(back, emoji);
	free(back);
	buf_free(&b);
}

static void test_ascii_subject_stays_readable(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	smtp_encode_text(&b, "Appointment confirmed", 9);
	assert_string_equal(b.data, "Appointment confirmed");
	buf_reset(&b);
	/* long ASCII folds at spaces, and unfolds to the same text */
	const char *long_ascii = "Your appointment request number 2026-000123 has been received and forwarded "
				 "to the office of the Mayor for a decision";
	smtp_encode_text(&b, long_ascii, 9);
	assert_non_null(strstr(b.data, "\r\n "));
	char *back = decode_header(b.data, 9);
	assert_string_equal(back, long_ascii);
	free(back);
	buf_reset(&b);
	/* "=?" in plain text would be read as an encoded-word: encoded instead; control characters too */
	smtp_encode_text(&b, "a =?x?= b", 9);
	assert_true(strncmp(b.data, "=?UTF-8?B?", 10) == 0);
	back = decode_header(b.data, 9);
	assert_string_equal(back, "a =?x?= b");
	free(back);
	buf_reset(&b);
	smtp_encode_text(&b, "a\r\nBcc: x@y", 9);
	assert_null(strstr(b.data, "\r\nBcc"));
	assert_true(strncmp(b.data, "=?UTF-8?B?", 10) == 0);
	buf_free(&b);
}

static void test_mailbox(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	smtp_format_mailbox(&b, "Ozel Kalem \"Mudurlugu\"", "ozelkalem@meram.bel.tr", 6);
	assert_string_equal(b.data, "\"Ozel Kalem \\\"Mudurlugu\\\"\" <ozelkalem@meram.bel.tr>");
	buf_reset(&b);
	smtp_format_mailbox(&b, "", "ozelkalem@meram.bel.tr", 6);
	assert_string_equal(b.data, "<ozelkalem@meram.bel.tr>");
	buf_reset(&b);
	smtp_format_mailbox(&b, "Özel Kalem Müdürlüğü", "ozelkalem@meram.bel.tr", 6);
	const char *lt = strrchr(b.data, '<');
	assert_non_null(lt);
	assert_string_equal(lt, "<ozelkalem@meram.bel.tr>");
	char *name = strndup(b.data, (size_t)(lt - b.data));
	char *back = decode_header(name, 6);
	/* the separator before "<" unfolds to a space */
	assert_string_equal(back, "Özel Kalem Müdürlüğü ");
	free(back);
	free(name);
	buf_free(&b);
}

static void test_date_and_message_id(void **state)
{
	(void)state;
	char date[40];
	smtp_format_date(date, 0);
	assert_string_equal(date, "Thu, 01 Jan 1970 03:00:00 +0300");
	smtp_format_date(date, 1764667800); /* 2025-12-02 09:30:00 UTC */
	assert_string_equal(date, "Tue, 02 Dec 2025 12:30:00 +0300");
	char id[128];
	smtp_message_id(id, sizeof id, 42, 1764667800, "ozelkalem@meram.bel.tr");
	assert_string_equal(id, "<kalem.42.1764667800@meram.bel.tr>");
	smtp_message_id(id, sizeof id, 42, 1764667800, "");
	assert_string_equal(id, "<kalem.42.1764667800@kalem.invalid>");
}

static const struct sms_fields fields = {
	.to = "+905321234567",
	.text = "Sayın Işık \"Şüküroğlu\" & eşi: randevu 3/12 10:30\nTeşekkürler <Özel Kalem>",
	.sender = "MERAM BLD",
	.ref = "kalem-17",
};

static void test_sms_json_body(void **state)
{
	(void)state;
	const char *tmpl = "{\"to\":\"{to}\",\"message\":\"{text}\",\"from\":\"{sender}\",\"ref\":\"{ref}\",\"n\":{x}}";
	assert_int_equal(sms_body_format(tmpl), SMS_JSON);
	assert_int_equal(sms_body_format("  \n[{\"to\":\"{to}\"}]"), SMS_JSON);
	struct buf b = BUF_INIT;
	sms_fill(&b, tmpl, SMS_JSON, &fields);
	/* replace the unknown placeholder, which is copied as is, to parse the rest as JSON */
	char *x = strstr(b.data, "{x}");
	assert_non_null(x);
	memcpy(x, " 1 ", 3);
	json_error_t err;
	json_t *j = json_loads(b.data, 0, &err);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "to")), "+905321234567");
	assert_string_equal(json_string_value(json_object_get(j, "message")), fields.text);
	assert_string_equal(json_string_value(json_object_get(j, "from")), "MERAM BLD");
	assert_string_equal(json_string_value(json_object_get(j, "ref")), "kalem-17");
	json_decref(j);
	buf_free(&b);
}

static void test_sms_form_and_url(void **state)
{
	(void)state;
	const char *tmpl = "usercode=abc&gsmno={to_digits}&message={text}&msgheader={sender}";
	assert_int_equal(sms_body_format(tmpl), SMS_FORM);
	struct buf b = BUF_INIT;
	sms_fill(&b, tmpl, SMS_FORM, &fields);
	assert_true(strncmp(b.data, "usercode=abc&gsmno=905321234567&message=Say%C4%B1n%20I%C5%9F%C4%B1k%20%22", 73) ==
		    0);
	assert_non_null(strstr(b.data, "%26%20e%C5%9Fi%3A%20randevu%203%2F12%2010%3A30%0ATe"));
	assert_non_null(strstr(b.data, "&msgheader=MERAM%20BLD"));
	assert_null(strchr(b.data, ' '));
	assert_null(strchr(b.data, '\n'));
	/* three separators: the text's own "&" is encoded */
	int amps = 0;
	for (const char *p = b.data; *p; p++)
		amps += *p == '&';
	assert_int_equal(amps, 3);
	buf_reset(&b);
	/* a GET URL is filled the same way; the "+" of E.164 is encoded */
	sms_fill(&b, "https://sms.example/send?to={to}&text={text}", SMS_FORM, &fields);
	assert_true(strncmp(b.data, "https://sms.example/send?to=%2B905321234567&text=Say%C4%B1n", 59) == 0);
	buf_free(&b);
}

static void test_sms_xml_and_literals(void **state)
{
	(void)state;
	const char *tmpl = "<?xml version=\"1.0\"?><sms><to>{to}</to><msg>{text}</msg></sms>";
	assert_int_equal(sms_body_format(tmpl), SMS_XML);
	struct buf b = BUF_INIT;
	sms_fill(&b, tmpl, SMS_XML, &fields);
	assert_non_null(strstr(b.data, "<to>+905321234567</to>"));
	assert_non_null(strstr(b.data, "&quot;Şüküroğlu&quot; &amp; eşi"));
	assert_non_null(strstr(b.data, "&lt;Özel Kalem&gt;</msg>"));
	buf_reset(&b);
	/* near misses and braces are not placeholders */
	sms_fill(&b, "{tox} {to {TEXT} {} {{to}}", SMS_FORM, &fields);
	assert_string_equal(b.data, "{tox} {to {TEXT} {} {%2B905321234567}");
	buf_reset(&b);
	sms_fill(&b, "", SMS_FORM, &fields);
	assert_string_equal(b.data, "");
	buf_free(&b);
	assert_string_equal(sms_content_type(SMS_JSON), "application/json; charset=utf-8");
	assert_string_equal(sms_content_type(SMS_FORM), "application/x-www-form-urlencoded; charset=utf-8");
}

static void test_sms_provider_id(void **state)
{
	(void)state;
	char id[64];
	sms_provider_id("{\"status\":\"ok\",\"message_id\":\"A1B2\"}", id, sizeof id);
	assert_string_equal(id, "A1B2");
	sms_provider_id("{\"data\":{\"jobid\":123456}}", id, sizeof id);
	assert_string_equal(id, "123456");
	sms_provider_id("{\"status\":\"ok\"}", id, sizeof id);
	assert_string_equal(id, "");
	sms_provider_id("  00 987654321\r\nmore", id, sizeof id);
	assert_string_equal(id, "00 987654321");
	sms_provider_id("", id, sizeof id);
	assert_string_equal(id, "");
	char longline[300];
	memset(longline, 'x', sizeof longline - 1);
	longline[sizeof longline - 1] = '\0';
	sms_provider_id(longline, id, sizeof id);
	assert_string_equal(id, "");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subject_turkish_encoded),
		cmocka_unit_test(test_long_subject_folds_on_characters),
		cmocka_unit_test(test_ascii_subject_stays_readable),
		cmocka_unit_test(test_mailbox),
		cmocka_unit_test(test_date_and_message_id),
		cmocka_unit_test(test_sms_json_body),
		cmocka_unit_test(test_sms_form_and_url),
		cmocka_unit_test(test_sms_xml_and_literals),
		cmocka_unit_test(test_sms_provider_id),
	};
	return cmocka_run_group_tests_name("notification formats", tests, NULL, NULL);
}
