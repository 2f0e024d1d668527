# fuzz.cmake: libFuzzer targets for the parsers of untrusted input (tests/fuzz/fuzz_<name>.c),
# each with a seed corpus in corpus/<name>/, kept crashing inputs in regressions/<name>/ and
# optionally a libFuzzer dictionary in dict/<name>.dict.
# Included by the top-level CMakeLists.txt when KALEM_FUZZ is ON; needs clang.
#
# Per target two ctest tests:
#   fuzz/<name>/regressions  every file in regressions/<name>/ and corpus/<name>/ run once
#   fuzz/<name>/run          20 s of fuzzing on a copy of the corpus in <build>/fuzz/<name>/
#                            (the source tree is never written); crashes land in
#                            <build>/fuzz/<name>/artifacts/: add them to regressions/<name>/.
# Reproduce one input: <build>/fuzz_<name> path/to/input

if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "KALEM_FUZZ needs clang (configure with -DCMAKE_C_COMPILER=clang)")
endif()
if(NOT KALEM_SANITIZE)
  # The coverage instrumentation of kalemlib needs the sanitizer runtime in every program that
  # links it, and fuzzing without ASan/UBSan misses most bugs anyway.
  message(FATAL_ERROR "KALEM_FUZZ needs KALEM_SANITIZE=ON")
endif()

# Coverage feedback from the library code, not just from the fuzz target itself.
target_compile_options(kalemlib PRIVATE -fsanitize=fuzzer-no-link)

set(FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})
file(GLOB FUZZ_SOURCES CONFIGURE_DEPENDS ${FUZZ_DIR}/fuzz_*.c)
foreach(src ${FUZZ_SOURCES})
  get_filename_component(target ${src} NAME_WE)        # fuzz_urlencoded
  string(REGEX REPLACE "^fuzz_" "" name ${target})     # urlencoded
  set(corpus ${FUZZ_DIR}/corpus/${name})
  set(regressions ${FUZZ_DIR}/regressions/${name})
  set(work ${CMAKE_BINARY_DIR}/fuzz/${name})
  # A new target may come without them; libFuzzer wants the directories to exist.
  file(MAKE_DIRECTORY ${corpus} ${regressions} ${work}/artifacts)
  set(dict_option "")
  if(EXISTS ${FUZZ_DIR}/dict/${name}.dict)
    set(dict_option -dict=${FUZZ_DIR}/dict/${name}.dict)
  endif()

  add_executable(${target} ${src})
  target_compile_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${target} PRIVATE kalemlib)

  add_test(NAME fuzz/${name}/regressions
    COMMAND ${target} -runs=0 ${regressions} ${corpus}
    WORKING_DIRECTORY ${work})
  # The build copy keeps what earlier runs found; libFuzzer writes new inputs to the first
  # directory only, so regressions/ is read as extra seeds and never written.
  add_test(NAME fuzz/${name}/run
    COMMAND sh -c "mkdir -p corpus && cp -R \"$1\"/. corpus/ && exec \"$2\" -max_total_time=20 -rss_limit_mb=2048 -artifact_prefix=artifacts/ corpus \"$3\" \${4:+\"$4\"}"
            fuzz-run ${corpus} $<TARGET_FILE:${target}> ${regressions} ${dict_option}
    WORKING_DIRECTORY ${work})
  set_tests_properties(fuzz/${name}/regressions PROPERTIES LABELS fuzz TIMEOUT 120)
  set_tests_properties(fuzz/${name}/run PROPERTIES LABELS fuzz TIMEOUT 120)
endforeach()
