# tests.cmake: registers the HTTP tests (tests/http/test_*.py against a running kalem) and the browser tests' hook.
# Included by the top-level CMakeLists.txt.
#
# Each tests/http/test_<name>.py becomes
#   http/sqlite/<name>   on a fresh SQLite database in a temporary directory, and, with KALEM_PG_TESTS=ON,
#   http/pg/<name>       on a fresh database of the PostgreSQL server named by KALEM_TEST_PG_URL at run time
#                        (`make test` starts one with scripts/pg-test-server.sh); without it the test FAILS.
# Every module starts its own servers on free ports with its own database, so `ctest -j` is safe.
# By hand: KALEM_BIN=build/kalem /usr/bin/python3 tests/http/test_auth.py [--pg] [-k pattern]

set(KALEM_PYTHON /usr/bin/python3 CACHE FILEPATH "Python 3 that runs the HTTP tests (standard library only)")

file(GLOB KALEM_HTTP_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/http/test_*.py)
foreach(py ${KALEM_HTTP_TESTS})
  get_filename_component(module ${py} NAME_WE)           # test_auth
  string(REGEX REPLACE "^test_" "" name ${module})       # auth
  set(backends sqlite)
  if(KALEM_PG_TESTS)
    list(APPEND backends pg)
  endif()
  foreach(backend ${backends})
    set(args ${py})
    if(backend STREQUAL "pg")
      list(APPEND args --pg)
    endif()
    add_test(NAME http/${backend}/${name} COMMAND ${KALEM_PYTHON} ${args})
    set_tests_properties(http/${backend}/${name} PROPERTIES
      ENVIRONMENT "KALEM_BIN=$<TARGET_FILE:kalem>;PYTHONDONTWRITEBYTECODE=1;PYTHONUNBUFFERED=1"
      LABELS "http;http-${backend}"
      TIMEOUT 300
      SKIP_RETURN_CODE 77)                               # a module with nothing for this backend
  endforeach()
endforeach()

# Browser tests: tests/e2e registers its own tests (label "e2e") in tests/e2e/e2e.cmake.
if(KALEM_BROWSER_TESTS AND EXISTS ${CMAKE_CURRENT_LIST_DIR}/e2e/e2e.cmake)
  include(${CMAKE_CURRENT_LIST_DIR}/e2e/e2e.cmake)
endif()
