# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
# The pure HTTP layer's benchmarks (included from bench/http/CMakeLists.txt): bench_parser
# (Catch2) and compare_parser (socklite vs Debian's libhttp-parser-dev, GB/s and ratio).
find_path(SOCKLITE_HTTP_PARSER_INCLUDE_DIR http_parser.h)
find_library(SOCKLITE_HTTP_PARSER_LIBRARY http_parser)
if(SOCKLITE_HTTP_PARSER_INCLUDE_DIR AND SOCKLITE_HTTP_PARSER_LIBRARY)
  socklite_add_bench(bench_parser ${CMAKE_CURRENT_LIST_DIR}/bench_parser.cpp)
  socklite_add_compare(compare_parser ${CMAKE_CURRENT_LIST_DIR}/compare_parser.cpp)
  foreach(t bench_parser compare_parser)
    target_include_directories(${t} SYSTEM PRIVATE ${SOCKLITE_HTTP_PARSER_INCLUDE_DIR})
    target_link_libraries(${t} PRIVATE ${SOCKLITE_HTTP_PARSER_LIBRARY})
  endforeach()
else()
  message(STATUS "socklite bench: http_parser.h not found (libhttp-parser-dev); parser benchmarks left out")
endif()
