# e2e.cmake: registers the browser tests (node --test driving Debian's chromium through playwright-core) with ctest.
# Included from the top-level CMakeLists.txt inside if(KALEM_BROWSER_TESTS). Each *.test.mjs is one ctest test
# labelled "browser"; each starts its own server, port, database and browser profile, so `ctest -j` is safe.
# Without tests/e2e/node_modules the tests FAIL (telling to run scripts/deps.sh); they never pass silently.
find_program(KALEM_NODE node)
set(KALEM_CHROMIUM /usr/bin/chromium)
if(NOT KALEM_NODE OR NOT EXISTS ${KALEM_CHROMIUM})
  message(STATUS "Browser tests not registered: they need node and ${KALEM_CHROMIUM} (scripts/deps.sh)")
  return()
endif()

file(GLOB KALEM_E2E_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.test.mjs)
foreach(file ${KALEM_E2E_TESTS})
  get_filename_component(name ${file} NAME)
  string(REPLACE ".test.mjs" "" name ${name})
  add_test(NAME browser/${name}
           COMMAND ${KALEM_NODE} --test --test-reporter=spec ${file}
           WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
  set_tests_properties(browser/${name} PROPERTIES
    LABELS browser
    TIMEOUT 120
    ENVIRONMENT "KALEM_BIN=$<TARGET_FILE:kalem>;KALEM_CHROMIUM=${KALEM_CHROMIUM};KALEM_E2E_ARTIFACTS=${CMAKE_BINARY_DIR}/e2e-artifacts")
endforeach()
