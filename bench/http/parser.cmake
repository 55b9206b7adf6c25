# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
# The pure HTTP layer's benchmarks (included from bench/http/CMakeLists.txt): bench_parser
# (Catch2) and compare_parser (socklite vs Debian's libhttp-parser-dev, GB/s and ratio; also vs
# picohttpparser when -DSOCKLITE_PICOHTTPPARSER_DIR=<a copy of its sources> is given: Debian has
# no package, and the copy is never committed).
set(SOCKLITE_PICOHTTPPARSER_DIR "" CACHE PATH
    "picohttpparser sources (picohttpparser.c/.h) for compare_parser; empty: left out")
find_path(SOCKLITE_HTTP_PARSER_INCLUDE_DIR http_parser.h)
find_library(SOCKLITE_HTTP_PARSER_LIBRARY http_parser)
if(SOCKLITE_HTTP_PARSER_INCLUDE_DIR AND SOCKLITE_HTTP_PARSER_LIBRARY)
  socklite_add_bench(bench_parser ${CMAKE_CURRENT_LIST_DIR}/bench_parser.cpp)
  socklite_add_compare(compare_parser ${CMAKE_CURRENT_LIST_DIR}/compare_parser.cpp)
  foreach(t bench_parser compare_parser)
    target_include_directories(${t} SYSTEM PRIVATE ${SOCKLITE_HTTP_PARSER_INCLUDE_DIR})
    target_link_libraries(${t} PRIVATE ${SOCKLITE_HTTP_PARSER_LIBRARY})
  endforeach()
  if(SOCKLITE_PICOHTTPPARSER_DIR)
    if(NOT EXISTS ${SOCKLITE_PICOHTTPPARSER_DIR}/picohttpparser.c)
      message(FATAL_ERROR "SOCKLITE_PICOHTTPPARSER_DIR: no picohttpparser.c in ${SOCKLITE_PICOHTTPPARSER_DIR}")
    endif()
    enable_language(C)
    # Built with the same optimisation as ours (-O2, plus whatever CMAKE_C_FLAGS add, e.g.
    # -march=native to match CMAKE_CXX_FLAGS). Its functions start on 64-byte boundaries: where
    # they land otherwise depends on the size of our code linked before them, and at some
    # offsets its loops ran 20-30 % slower (docs/benchmarks.md, "Parser ahead of
    # picohttpparser").
    add_library(socklite_bench_pico STATIC ${SOCKLITE_PICOHTTPPARSER_DIR}/picohttpparser.c)
    target_compile_options(socklite_bench_pico PRIVATE -O2 -falign-functions=64)
    target_include_directories(socklite_bench_pico SYSTEM PUBLIC ${SOCKLITE_PICOHTTPPARSER_DIR})
    target_link_libraries(compare_parser PRIVATE socklite_bench_pico)
    target_compile_definitions(compare_parser PRIVATE SOCKLITE_BENCH_HAVE_PICO=1)
  endif()
else()
  message(STATUS "socklite bench: http_parser.h not found (libhttp-parser-dev); parser benchmarks left out")
endif()
