
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/build/embedded.c" "CMakeFiles/kalemlib.dir/embedded.c.o" "gcc" "CMakeFiles/kalemlib.dir/embedded.c.o.d"
  "/work/main/src/cli/common.c" "CMakeFiles/kalemlib.dir/src/cli/common.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/cli/common.c.o.d"
  "/work/main/src/cli/data.c" "CMakeFiles/kalemlib.dir/src/cli/data.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/cli/data.c.o.d"
  "/work/main/src/cli/users.c" "CMakeFiles/kalemlib.dir/src/cli/users.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/cli/users.c.o.d"
  "/work/main/src/core/audit_chain.c" "CMakeFiles/kalemlib.dir/src/core/audit_chain.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/core/audit_chain.c.o.d"
  "/work/main/src/core/bizcal.c" "CMakeFiles/kalemlib.dir/src/core/bizcal.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/core/bizcal.c.o.d"
  "/work/main/src/core/holidays.c" "CMakeFiles/kalemlib.dir/src/core/holidays.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/core/holidays.c.o.d"
  "/work/main/src/core/password.c" "CMakeFiles/kalemlib.dir/src/core/password.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/core/password.c.o.d"
  "/work/main/src/core/phone.c" "CMakeFiles/kalemlib.dir/src/core/phone.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/core/phone.c.o.d"
  "/work/main/src/core/tckn.c" "CMakeFiles/kalemlib.dir/src/core/tckn.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/core/tckn.c.o.d"
  "/work/main/src/core/token.c" "CMakeFiles/kalemlib.dir/src/core/token.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/core/token.c.o.d"
  "/work/main/src/core/validate.c" "CMakeFiles/kalemlib.dir/src/core/validate.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/core/validate.c.o.d"
  "/work/main/src/http/auth.c" "CMakeFiles/kalemlib.dir/src/http/auth.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/http/auth.c.o.d"
  "/work/main/src/http/cookie.c" "CMakeFiles/kalemlib.dir/src/http/cookie.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/http/cookie.c.o.d"
  "/work/main/src/http/dispatch.c" "CMakeFiles/kalemlib.dir/src/http/dispatch.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/http/dispatch.c.o.d"
  "/work/main/src/http/json_body.c" "CMakeFiles/kalemlib.dir/src/http/json_body.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/http/json_body.c.o.d"
  "/work/main/src/http/metrics.c" "CMakeFiles/kalemlib.dir/src/http/metrics.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/http/metrics.c.o.d"
  "/work/main/src/http/multipart.c" "CMakeFiles/kalemlib.dir/src/http/multipart.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/http/multipart.c.o.d"
  "/work/main/src/http/params.c" "CMakeFiles/kalemlib.dir/src/http/params.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/http/params.c.o.d"
  "/work/main/src/http/roles.c" "CMakeFiles/kalemlib.dir/src/http/roles.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/http/roles.c.o.d"
  "/work/main/src/http/router.c" "CMakeFiles/kalemlib.dir/src/http/router.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/http/router.c.o.d"
  "/work/main/src/http/server.c" "CMakeFiles/kalemlib.dir/src/http/server.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/http/server.c.o.d"
  "/work/main/src/http/urlencoded.c" "CMakeFiles/kalemlib.dir/src/http/urlencoded.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/http/urlencoded.c.o.d"
  "/work/main/src/store/accounts.c" "CMakeFiles/kalemlib.dir/src/store/accounts.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/store/accounts.c.o.d"
  "/work/main/src/store/audit.c" "CMakeFiles/kalemlib.dir/src/store/audit.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/store/audit.c.o.d"
  "/work/main/src/store/db.c" "CMakeFiles/kalemlib.dir/src/store/db.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/store/db.c.o.d"
  "/work/main/src/store/db_pg.c" "CMakeFiles/kalemlib.dir/src/store/db_pg.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/store/db_pg.c.o.d"
  "/work/main/src/store/db_sqlite.c" "CMakeFiles/kalemlib.dir/src/store/db_sqlite.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/store/db_sqlite.c.o.d"
  "/work/main/src/store/directorates.c" "CMakeFiles/kalemlib.dir/src/store/directorates.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/store/directorates.c.o.d"
  "/work/main/src/store/listing.c" "CMakeFiles/kalemlib.dir/src/store/listing.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/store/listing.c.o.d"
  "/work/main/src/store/setup.c" "CMakeFiles/kalemlib.dir/src/store/setup.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/store/setup.c.o.d"
  "/work/main/src/util/buf.c" "CMakeFiles/kalemlib.dir/src/util/buf.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/util/buf.c.o.d"
  "/work/main/src/util/embedded.c" "CMakeFiles/kalemlib.dir/src/util/embedded.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/util/embedded.c.o.d"
  "/work/main/src/util/i18n.c" "CMakeFiles/kalemlib.dir/src/util/i18n.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/util/i18n.c.o.d"
  "/work/main/src/util/log.c" "CMakeFiles/kalemlib.dir/src/util/log.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/util/log.c.o.d"
  "/work/main/src/util/turkish.c" "CMakeFiles/kalemlib.dir/src/util/turkish.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/util/turkish.c.o.d"
  "/work/main/src/util/xalloc.c" "CMakeFiles/kalemlib.dir/src/util/xalloc.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/util/xalloc.c.o.d"
  "/work/main/src/web/auth_pages.c" "CMakeFiles/kalemlib.dir/src/web/auth_pages.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/web/auth_pages.c.o.d"
  "/work/main/src/web/directorates.c" "CMakeFiles/kalemlib.dir/src/web/directorates.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/web/directorates.c.o.d"
  "/work/main/src/web/form.c" "CMakeFiles/kalemlib.dir/src/web/form.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/web/form.c.o.d"
  "/work/main/src/web/home.c" "CMakeFiles/kalemlib.dir/src/web/home.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/web/home.c.o.d"
  "/work/main/src/web/page.c" "CMakeFiles/kalemlib.dir/src/web/page.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/web/page.c.o.d"
  "/work/main/src/web/routes.c" "CMakeFiles/kalemlib.dir/src/web/routes.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/web/routes.c.o.d"
  "/work/main/src/web/system.c" "CMakeFiles/kalemlib.dir/src/web/system.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/web/system.c.o.d"
  "/work/main/src/web/template.c" "CMakeFiles/kalemlib.dir/src/web/template.c.o" "gcc" "CMakeFiles/kalemlib.dir/src/web/template.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
