/* test_template.c: the template engine: escaping, sections, lookup, partials, translations, syntax errors, limits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util/i18n.h"
#include "util/xalloc.h"
#include "web/template.h"

static const char test_catalogue[] = "t.hello\tMerhaba <dünya> & 'biz'\tHello <world> & \"us\"\n"
				     "t.save\tKaydet\tSave\n";

static int setup(void **state)
{
	(void)state;
	tmpl_shutdown();
	return i18n_load_text("test", test_catalogue, sizeof test_catalogue - 1);
}

static json_t *parse(const char *json)
{
	json_error_t err;
	json_t *v = json_loads(json, JSON_DECODE_ANY, &err);
	if (!v)
		fail_msg("bad test JSON '%s': %s", json, err.text);
	return v;
}

static void compile_ok(const char *name, const char *src)
{
	if (tmpl_compile_string(name, src, strlen(src)) != 0)
		fail_msg("template '%s' did not compile: %s", name, src);
}

static void compile_fails(const char *src)
{
	if (tmpl_compile_string("bad", src, strlen(src)) != -1)
		fail_msg("template compiled but should not: %s", src);
}

/* Renders a registered template; NULL when tmpl_render fails. */
static char *render_lang(const char *name, const char *json, enum lang lang)
{
	json_t *ctx = json ? parse(json) : NULL;
	struct buf b = BUF_INIT;
	int rc = tmpl_render(&b, name, ctx, lang);
	json_decref(ctx);
	if (rc < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* Compiles src as template "t" and renders it in Turkish. */
static char *render_src(const char *src, const char *json)
{
	compile_ok("t", src);
	return render_lang("t", json, LANG_TR);
}

#define assert_render(want, src, json)                          \
	do {                                                    \
		char *got_ = render_src(src, json);             \
		assert_non_null(got_);                          \
		assert_string_equal(got_, want);                \
		free(got_);                                     \
	} while (0)

static void test_variables_escaped(void **state)
{
	(void)state;
	assert_render("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;", "{{v}}",
		      "{\"v\": \"<a href=\\\"x\\\">'&'</a>\"}");
	assert_render("<p title=\"&quot; onclick=&quot;x\">Şeyma Öztürk</p>",
		      "<p title=\"{{t}}\">{{n}}</p>", "{\"t\": \"\\\" onclick=\\\"x\", \"n\": \"Şeyma Öztürk\"}");
	assert_render("a  b", "a {{ v }} b", "{\"v\": \"\"}");
	/* text outside tags is copied as is, including lone braces */
	assert_render("<b>{ } }} {x</b>", "<b>{ } }} {x</b>", "{}");
}

static void test_raw_output(void **state)
{
	(void)state;
	assert_render("<i>'&'</i>|<i>'&'</i>|&lt;i&gt;&#39;&amp;&#39;&lt;/i&gt;", "{{{v}}}|{{&v}}|{{v}}", "{\"v\": \"<i>'&'</i>\"}");
	assert_render("<x>", "{{{ v }}}", "{\"v\": \"<x>\"}");
	assert_render("7", "{{& n }}", "{\"n\": 7}");
}

static void test_value_types(void **state)
{
	(void)state;
	assert_render("42|-7|0|-9223372036854775808|9223372036854775807", "{{a}}|{{b}}|{{c}}|{{d}}|{{e}}",
		      "{\"a\": 42, \"b\": -7, \"c\": 0, \"d\": -9223372036854775808, \"e\": 9223372036854775807}");
	assert_render("2.5|0.1|-3", "{{a}}|{{b}}|{{c}}", "{\"a\": 2.5, \"b\": 0.1, \"c\": -3.0}");
	assert_render("true|false", "{{a}}|{{b}}", "{\"a\": true, \"b\": false}");
	/* null, missing, objects and arrays render as nothing */
	assert_render("[][][][]", "[{{a}}][{{missing}}][{{o}}][{{l}}]",
		      "{\"a\": null, \"o\": {\"x\": 1}, \"l\": [1, 2]}");
	/* no context at all */
	assert_render("[]", "[{{a}}]", NULL);
}

static void test_dotted_names(void **state)
{
	(void)state;
	const char *ctx = "{\"a\": {\"b\": {\"c\": \"deep <\"}, \"s\": \"str\"}, \"n\": 1}";
	assert_render("deep &lt;", "{{a.b.c}}", ctx);
	assert_render("[][][]", "[{{a.x.c}}][{{a.s.c}}][{{n.x}}]", ctx);
	assert_render("yes", "{{#a.b}}yes{{/a.b}}", ctx);
	assert_render("deep &lt;", "{{#a}}{{#b}}{{c}}{{/b}}{{/a}}", ctx);
	/* numeric segments index arrays */
	const char *list = "{\"xs\": [{\"n\": \"a\"}, \"b\", [\"c\"]], \"o\": {\"0\": \"zero\"}}";
	assert_render("a|b|c|[][][]|zero", "{{xs.0.n}}|{{xs.1}}|{{xs.2.0}}|[{{xs.3}}][{{xs.01x}}][{{xs.-1}}]|{{o.0}}", list);
	assert_render("some", "{{#xs.0}}some{{/xs.0}}{{^xs.0}}none{{/xs.0}}", list);
	assert_render("none", "{{#xs.0}}some{{/xs.0}}{{^xs.0}}none{{/xs.0}}", "{\"xs\": []}");
	/* an index section tests "not empty" without entering the element: names inside resolve outside it */
	assert_render("[outer]", "{{#xs.0}}[{{n}}]{{/xs.0}}",
		      "{\"n\": \"outer\", \"xs\": [{\"n\": \"first\"}, {\"m\": 1}]}");
	assert_render("[]", "[{{xs.99999999999999999999999}}]", list);
	/* once the first segment is found in an inner context, the outer ones are not consulted */
	assert_render("[]", "{{#list}}[{{a.b}}]{{/list}}", "{\"a\": {\"b\": \"outer\"}, \"list\": [{\"a\": {}}]}");
	assert_render("[outer]", "{{#list}}[{{a.b}}]{{/list}}", "{\"a\": {\"b\": \"outer\"}, \"list\": [{\"x\": 1}]}");
}

static void test_sections_arrays(void **state)
{
	(void)state;
	assert_render("<a><&lt;b&gt;><1>", "{{#xs}}<{{.}}>{{/xs}}", "{\"xs\": [\"a\", \"<b>\", 1]}");
	/* elements pushed; names missing there come from outside */
	assert_render("Ali (Konya); Ayşe (Meram); ",
		      "{{#people}}{{name}} ({{city}}); {{/people}}",
		      "{\"city\": \"Konya\", \"people\": [{\"name\": \"Ali\"}, {\"name\": \"Ayşe\", \"city\": \"Meram\"}]}");
	assert_render("", "{{#xs}}x{{/xs}}", "{\"xs\": []}");
	/* nested arrays and {{.}} of the current item */
	assert_render("(12)(3)", "{{#rows}}({{#.}}{{.}}{{/.}}){{/rows}}", "{\"rows\": [[1, 2], [3]]}");
	/* a section over a root that is an array */
	assert_render("a,b,", "{{#.}}{{.}},{{/.}}", "[\"a\", \"b\"]");
}

static void test_sections_values(void **state)
{
	(void)state;
	const char *src = "{{#v}}[{{.}}]{{/v}}";
	assert_render("[true]", src, "{\"v\": true}");
	assert_render("[text]", src, "{\"v\": \"text\"}");
	assert_render("[3]", src, "{\"v\": 3}");
	assert_render("[-0.5]", src, "{\"v\": -0.5}");
	assert_render("", src, "{\"v\": false}");
	assert_render("", src, "{\"v\": null}");
	assert_render("", src, "{}");
	assert_render("", src, "{\"v\": \"\"}");
	assert_render("", src, "{\"v\": 0}");
	assert_render("", src, "{\"v\": 0.0}");
	assert_render("", src, "{\"v\": []}");
	/* an object is pushed once, even an empty one */
	assert_render("Ali/x", "{{#user}}{{name}}/{{other}}{{/user}}", "{\"other\": \"x\", \"user\": {\"name\": \"Ali\"}}");
	assert_render("[]", "{{#user}}[{{name}}]{{/user}}", "{\"user\": {}}");
}

static void test_inverted_sections(void **state)
{
	(void)state;
	const char *src = "{{^xs}}none{{/xs}}{{#xs}}some{{/xs}}";
	assert_render("none", src, "{\"xs\": []}");
	assert_render("none", src, "{}");
	assert_render("none", src, "{\"xs\": false}");
	assert_render("none", src, "{\"xs\": \"\"}");
	assert_render("none", src, "{\"xs\": 0}");
	assert_render("some", src, "{\"xs\": [1]}");
	assert_render("some", src, "{\"xs\": true}");
	assert_render("some", src, "{\"xs\": {}}");
	/* the inverted body sees the unchanged context */
	assert_render("Ali", "{{^admin}}{{name}}{{/admin}}", "{\"name\": \"Ali\", \"admin\": false}");
}

static void test_comments_and_standalone_lines(void **state)
{
	(void)state;
	assert_render("ab", "a{{! a comment with {braces} }}b", "{}");
	assert_render("ab", "a{{!\nmulti\nline\n}}b", "{}");
	/* section tags alone on their lines vanish with the line */
	assert_render("<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n",
		      "<ul>\n  {{#xs}}\n  <li>{{.}}</li>\n  {{/xs}}\n</ul>\n", "{\"xs\": [\"a\", \"b\"]}");
	assert_render("<p>\r\nx\r\n</p>", "<p>\r\n{{#t}}\r\nx\r\n{{/t}}\r\n</p>", "{\"t\": true}");
	assert_render("x\n", "\t{{! note }}\nx\n{{^t}}\n{{/t}}", "{\"t\": true}");
	/* inline tags and variables keep their surroundings */
	assert_render("a x b\n", "a {{#t}}x{{/t}} b\n", "{\"t\": true}");
	assert_render("  v\n", "  {{v}}\n", "{\"v\": \"v\"}");
	assert_render("x  ", "x {{^t}}{{/t}}{{#t}}{{/t}}{{#t}}{{/t}} ", "{}");
}

static void test_partials(void **state)
{
	(void)state;
	compile_ok("item", "<li>{{name}} ({{dept}})</li>");
	compile_ok("list", "<ul>{{#items}}{{> item}}{{/items}}</ul>");
	char *got = render_lang("list", "{\"dept\": \"Fen İşleri\", \"items\": [{\"name\": \"<a>\"}, {\"name\": \"b\", \"dept\": \"Zabıta\"}]}", LANG_TR);
	assert_non_null(got);
	assert_string_equal(got, "<ul><li>&lt;a&gt; (Fen İşleri)</li><li>b (Zabıta)</li></ul>");
	free(got);

	/* replacing a partial in place changes what includes it */
	compile_ok("item", "[{{name}}]");
	got = render_lang("list", "{\"items\": [{\"name\": \"x\"}]}", LANG_TR);
	assert_string_equal(got, "<ul>[x]</ul>");
	free(got);

	/* standalone partial tag takes its line; names may contain '/' */
	compile_ok("admin/row", "row\n");
	compile_ok("page", "a\n  {{> admin/row }}\nb\n");
	got = render_lang("page", NULL, LANG_TR);
	assert_string_equal(got, "a\nrow\nb\n");
	free(got);

	/* unknown partial: rejected, and the name is not registered */
	assert_int_equal(tmpl_compile_string("orphan", "{{> nowhere}}", 13), -1);
	assert_null(render_lang("orphan", NULL, LANG_TR));
	compile_fails("{{> ../etc}}");
	compile_fails("{{> /abs}}");
	compile_fails("{{> a//b}}");
}

static void test_translations(void **state)
{
	(void)state;
	compile_ok("tr", "<button title=\"{{@t.hello}}\">{{@ t.save }}</button>");
	char *tr = render_lang("tr", NULL, LANG_TR);
	char *en = render_lang("tr", NULL, LANG_EN);
	assert_string_equal(tr, "<button title=\"Merhaba &lt;dünya&gt; &amp; &#39;biz&#39;\">Kaydet</button>");
	assert_string_equal(en, "<button title=\"Hello &lt;world&gt; &amp; &quot;us&quot;\">Save</button>");
	free(tr);
	free(en);
	/* an out-of-range language renders Turkish */
	char *other = render_lang("tr", NULL, (enum lang)5);
	assert_non_null(other);
	assert_non_null(strstr(other, "Kaydet"));
	free(other);
	/* an unknown key is a compile error, not a blank on the page */
	compile_fails("{{@t.nope}}");
	compile_fails("{{@t hello}}");
	compile_fails("{{@}}");
}

static void test_syntax_errors(void **state)
{
	(void)state;
	compile_fails("{{#a}}x");                 /* unclosed section */
	compile_fails("{{#a}}{{^b}}x{{/b}}");     /* unclosed outer section */
	compile_fails("{{#a}}x{{/b}}");           /* mismatched close */
	compile_fails("{{#a}}{{#b}}{{/a}}{{/b}}"); /* crossed */
	compile_fails("x{{/a}}");                 /* close without open */
	compile_fails("{{a");                     /* unclosed tag */
	compile_fails("{{{a}}");                  /* unclosed triple */
	compile_fails("{{}}");
	compile_fails("{{ }}");
	compile_fails("{{#}}{{/}}");
	compile_fails("{{a b}}");
	compile_fails("{{a..b}}");
	compile_fails("{{.a}}");
	compile_fails("{{a.}}");
	compile_fails("{{a<b}}");
	compile_fails("{{=<% %>=}}");
	assert_int_equal(tmpl_compile_string("bad", "a\0b", 3), -1);

	/* the must-pass twins */
	compile_ok("good", "{{#a}}x{{/a}}{{a-b_c.d}}{{ . }}{{{a}}}");
	compile_ok("good", "");

	/* a failed compile leaves the previous version in place */
	compile_ok("keep", "old");
	assert_int_equal(tmpl_compile_string("keep", "{{#x}}", 6), -1);
	char *got = render_lang("keep", NULL, LANG_TR);
	assert_string_equal(got, "old");
	free(got);

	/* deep section nesting is refused at compile time */
	struct buf src = BUF_INIT;
	for (int i = 0; i < 65; i++)
		buf_adds(&src, "{{^a}}");
	for (int i = 0; i < 65; i++)
		buf_adds(&src, "{{/a}}");
	assert_int_equal(tmpl_compile_string("deep", src.data, src.len), -1);
	buf_reset(&src);
	for (int i = 0; i < 64; i++)
		buf_adds(&src, "{{^a}}");
	buf_adds(&src, "x");
	for (int i = 0; i < 64; i++)
		buf_adds(&src, "{{/a}}");
	assert_int_equal(tmpl_compile_string("deep", src.data, src.len), 0);
	got = render_lang("deep", "{}", LANG_TR);
	assert_string_equal(got, "x");
	free(got);
	buf_free(&src);
}

/* Runs a compile with stderr captured, returning what was logged. */
static char *compile_capturing(const char *name, const char *src)
{
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	dup2(fileno(tmp), STDERR_FILENO);
	int rc = tmpl_compile_string(name, src, strlen(src));
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	assert_int_equal(rc, -1);
	long size = ftell(tmp);
	rewind(tmp);
	char *text = xcalloc(1, (size_t)size + 1);
	size_t got = fread(text, 1, (size_t)size, tmp);
	assert_int_equal(got, (size_t)size);
	fclose(tmp);
	return text;
}

static void test_error_messages_name_the_line(void **state)
{
	(void)state;
	char *log = compile_capturing("page.html", "<p>\n{{#items}}\n<li>\n</p>\n");
	assert_non_null(strstr(log, "page.html:2: unclosed section '{{#items}}'"));
	free(log);
	log = compile_capturing("p", "a\nb\n{{#x}}\n{{! a\ncomment }}\n{{/y}}\n");
	assert_non_null(strstr(log, "p:6: '{{/y}}' does not match '{{#x}}' opened at line 3"));
	free(log);
	log = compile_capturing("p", "\n\n\n{{> missing}}");
	assert_non_null(strstr(log, "p:4: unknown partial 'missing'"));
	free(log);
}

static void test_missing_template(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_int_equal(tmpl_render(&b, "no-such-page", NULL, LANG_TR), -1);
	assert_int_equal(tmpl_render(&b, NULL, NULL, LANG_TR), -1);
	buf_free(&b);
}

static void test_render_appends(void **state)
{
	(void)state;
	compile_ok("t", "{{a}}");
	json_t *ctx = parse("{\"a\": \"b\"}");
	struct buf b = BUF_INIT;
	buf_adds(&b, "a");
	assert_int_equal(tmpl_render(&b, "t", ctx, LANG_TR), 0);
	assert_string_equal(b.data, "ab");
	/* an empty render still leaves a valid string */
	struct buf empty = BUF_INIT;
	compile_ok("e", "");
	assert_int_equal(tmpl_render(&empty, "e", ctx, LANG_TR), 0);
	assert_non_null(empty.data);
	assert_string_equal(empty.data, "");
	json_decref(ctx);
	buf_free(&b);
	buf_free(&empty);
}

/* {"child": {"child": ... {"name": "leaf", "child": false}}} with depth levels of "child"; the leaf's
 * own "child" stops the lookup from finding its parent's again. */
static json_t *chain(int depth)
{
	json_t *node = json_pack("{s:s,s:b}", "name", "leaf", "child", 0);
	for (int i = 0; i < depth; i++)
		node = json_pack("{s:o}", "child", node);
	return node;
}

static int render_ctx(const char *name, json_t *ctx)
{
	struct buf b = BUF_INIT;
	int rc = tmpl_render(&b, name, ctx, LANG_TR);
	buf_free(&b);
	json_decref(ctx);
	return rc;
}

static void test_recursion_limits(void **state)
{
	(void)state;
	/* a template including itself: fine to the limit, refused beyond it */
	compile_ok("tree", "<{{name}}{{#child}}{{> tree}}{{/child}}>");
	char *got = render_lang("tree", "{\"child\": {\"child\": {\"name\": \"x\", \"child\": false}}}", LANG_TR);
	assert_string_equal(got, "<<<x>>>");
	free(got);
	assert_int_equal(render_ctx("tree", chain(TMPL_MAX_PARTIAL_DEPTH)), 0);
	assert_int_equal(render_ctx("tree", chain(TMPL_MAX_PARTIAL_DEPTH + 1)), -1);
	/* a partial loop with no data to stop it */
	compile_ok("loop", "{{> loop}}");
	assert_int_equal(render_ctx("loop", json_object()), -1);

	/* contexts: the root plus 31 pushed sections fit, 32 do not */
	struct buf src = BUF_INIT;
	for (int i = 0; i < TMPL_MAX_CONTEXTS - 1; i++)
		buf_adds(&src, "{{#child}}");
	buf_adds(&src, "{{name}}");
	for (int i = 0; i < TMPL_MAX_CONTEXTS - 1; i++)
		buf_adds(&src, "{{/child}}");
	assert_int_equal(tmpl_compile_string("nest", src.data, src.len), 0);
	json_t *ctx = chain(TMPL_MAX_CONTEXTS - 1);
	struct buf out = BUF_INIT;
	assert_int_equal(tmpl_render(&out, "nest", ctx, LANG_TR), 0);
	assert_string_equal(out.data, "leaf");
	json_decref(ctx);
	buf_free(&out);
	buf_reset(&src);
	for (int i = 0; i < TMPL_MAX_CONTEXTS; i++)
		buf_adds(&src, "{{#child}}");
	for (int i = 0; i < TMPL_MAX_CONTEXTS; i++)
		buf_adds(&src, "{{/child}}");
	assert_int_equal(tmpl_compile_string("nest", src.data, src.len), 0);
	assert_int_equal(render_ctx("nest", chain(TMPL_MAX_CONTEXTS)), -1);
	buf_free(&src);
}

struct thread_job {
	json_t *ctx;
	const char *want;
	int failures;
};

static void *render_many(void *arg)
{
	struct thread_job *job = arg;
	for (int i = 0; i < 200; i++) {
		struct buf b = BUF_INIT;
		if (tmpl_render(&b, "rows", job->ctx, i % 2 ? LANG_EN : LANG_TR) < 0 ||
		    (i % 2 == 0 && strcmp(b.data, job->want) != 0))
			job->failures++;
		buf_free(&b);
	}
	return NULL;
}

static void test_concurrent_renders(void **state)
{
	(void)state;
	compile_ok("row", "<tr><td>{{id}}</td><td>{{name}}</td></tr>");
	compile_ok("rows", "<table>{{#rows}}{{> row}}{{/rows}}</table>{{@t.save}}");
	json_t *rows = json_array();
	struct buf want = BUF_INIT;
	buf_adds(&want, "<table>");
	for (int i = 0; i < 100; i++) {
		json_array_append_new(rows, json_pack("{s:i,s:s}", "id", i, "name", "Ayşe & Ali"));
		buf_addf(&want, "<tr><td>%d</td><td>Ayşe &amp; Ali</td></tr>", i);
	}
	buf_adds(&want, "</table>Kaydet");
	struct thread_job jobs[4];
	pthread_t threads[4];
	json_t *ctx = json_pack("{s:o}", "rows", rows);
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct thread_job){.ctx = ctx, .want = want.data};
		assert_int_equal(pthread_create(&threads[i], NULL, render_many, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(threads[i], NULL);
		assert_int_equal(jobs[i].failures, 0);
	}
	json_decref(ctx);
	buf_free(&want);
}

static void test_embedded_templates_compile(void **state)
{
	(void)state;
	/* every real template (whatever the pages are by now) must compile against the real catalogue */
	assert_int_equal(i18n_load(), 0);
	assert_int_equal(tmpl_init(), 0);
	/* tmpl_init replaced what the tests registered */
	struct buf b = BUF_INIT;
	assert_int_equal(tmpl_render(&b, "t", NULL, LANG_TR), -1);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_variables_escaped, setup),
		cmocka_unit_test_setup(test_raw_output, setup),
		cmocka_unit_test_setup(test_value_types, setup),
		cmocka_unit_test_setup(test_dotted_names, setup),
		cmocka_unit_test_setup(test_sections_arrays, setup),
		cmocka_unit_test_setup(test_sections_values, setup),
		cmocka_unit_test_setup(test_inverted_sections, setup),
		cmocka_unit_test_setup(test_comments_and_standalone_lines, setup),
		cmocka_unit_test_setup(test_partials, setup),
		cmocka_unit_test_setup(test_translations, setup),
		cmocka_unit_test_setup(test_syntax_errors, setup),
		cmocka_unit_test_setup(test_error_messages_name_the_line, setup),
		cmocka_unit_test_setup(test_missing_template, setup),
		cmocka_unit_test_setup(test_render_appends, setup),
		cmocka_unit_test_setup(test_recursion_limits, setup),
		cmocka_unit_test_setup(test_concurrent_renders, setup),
		cmocka_unit_test_setup(test_embedded_templates_compile, setup),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	tmpl_shutdown();
	i18n_unload();
	return rc;
}
