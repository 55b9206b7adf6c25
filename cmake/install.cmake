# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the socklite authors
# Install rules: the headers, an exported target socklite::socklite with a package config and a
# version file (find_package(socklite CONFIG)), and socklite.pc for pkg-config. Header-only, so
# everything goes under share/ and is architecture independent.

# The version is written in three places (CMakeLists.txt, meson.build, version.hpp): refuse drift.
file(STRINGS "${PROJECT_SOURCE_DIR}/include/socklite/version.hpp" _socklite_version_line
     REGEX "^#define SOCKLITE_VERSION_STRING ")
if(NOT _socklite_version_line MATCHES "\"${PROJECT_VERSION}\"")
  message(FATAL_ERROR "project() version ${PROJECT_VERSION} differs from version.hpp: ${_socklite_version_line}")
endif()

option(SOCKLITE_INSTALL "Generate socklite's install rules" ${SOCKLITE_IS_TOP_LEVEL})
if(NOT SOCKLITE_INSTALL)
  return()
endif()

include(CMakePackageConfigHelpers)

set(SOCKLITE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/socklite" CACHE STRING
    "Where to install socklite-config.cmake (relative to the prefix)")
set(SOCKLITE_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_DATADIR}/pkgconfig" CACHE STRING
    "Where to install socklite.pc (relative to the prefix)")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        FILES_MATCHING PATTERN "*.hpp")
install(TARGETS socklite EXPORT socklite-targets)
install(EXPORT socklite-targets NAMESPACE socklite:: FILE socklite-targets.cmake
        DESTINATION "${SOCKLITE_INSTALL_CMAKEDIR}")

# --- the compiled library (optional) ---
# socklite::compiled (libsocklite.a) in an export set of its own, as socklite::openssl below.
if(TARGET socklite_compiled AND SOCKLITE_IS_TOP_LEVEL)
  install(TARGETS socklite_compiled EXPORT socklite-compiled-targets
          ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
  install(EXPORT socklite-compiled-targets NAMESPACE socklite:: FILE socklite-compiled-targets.cmake
          DESTINATION "${SOCKLITE_INSTALL_CMAKEDIR}")
endif()
# --- end of the compiled library ---

# --- OpenSSL (optional) ---
# socklite::openssl in an export set of its own, as socklite::zlib below: loaded by the package
# config only when the consumer's find_package(OpenSSL) succeeds.
if(TARGET socklite_openssl)
  install(TARGETS socklite_openssl EXPORT socklite-openssl-targets)
  install(EXPORT socklite-openssl-targets NAMESPACE socklite:: FILE socklite-openssl-targets.cmake
          DESTINATION "${SOCKLITE_INSTALL_CMAKEDIR}")
endif()
# --- end of OpenSSL ---

# --- zlib (optional) ---
# socklite::zlib goes in an export set of its own, loaded by the package config only when the
# consumer's find_package(ZLIB) succeeds: a consumer without zlib still gets socklite::socklite.
if(TARGET socklite_zlib)
  install(TARGETS socklite_zlib EXPORT socklite-zlib-targets)
  install(EXPORT socklite-zlib-targets NAMESPACE socklite:: FILE socklite-zlib-targets.cmake
          DESTINATION "${SOCKLITE_INSTALL_CMAKEDIR}")
endif()
# --- end of zlib ---

configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/socklite-config.cmake.in"
  "${PROJECT_BINARY_DIR}/socklite-config.cmake"
  INSTALL_DESTINATION "${SOCKLITE_INSTALL_CMAKEDIR}")
# 0.x: a minor release may break the API, so only the same minor version is compatible.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/socklite-config-version.cmake"
  VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES "${PROJECT_BINARY_DIR}/socklite-config.cmake"
              "${PROJECT_BINARY_DIR}/socklite-config-version.cmake"
        DESTINATION "${SOCKLITE_INSTALL_CMAKEDIR}")

# socklite.pc finds its prefix relative to its own location (${pcfiledir}), so the installed tree
# stays usable when moved or installed with `cmake --install --prefix`.
if(IS_ABSOLUTE "${SOCKLITE_INSTALL_PKGCONFIGDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(SOCKLITE_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(SOCKLITE_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
  set(SOCKLITE_PC_LIBDIR "${CMAKE_INSTALL_FULL_LIBDIR}")
else()
  file(RELATIVE_PATH _socklite_pc_up "/socklite-root/${SOCKLITE_INSTALL_PKGCONFIGDIR}" "/socklite-root")
  string(REGEX REPLACE "/$" "" _socklite_pc_up "${_socklite_pc_up}")
  set(SOCKLITE_PC_PREFIX "\${pcfiledir}/${_socklite_pc_up}")
  set(SOCKLITE_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
  if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
    set(SOCKLITE_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
  else()
    set(SOCKLITE_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
  endif()
endif()
configure_file("${CMAKE_CURRENT_LIST_DIR}/socklite.pc.in" "${PROJECT_BINARY_DIR}/socklite.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/socklite.pc" DESTINATION "${SOCKLITE_INSTALL_PKGCONFIGDIR}")
# --- OpenSSL (optional) ---
# socklite-openssl.pc: `pkg-config --cflags --libs socklite-openssl` adds OpenSSL and
# SOCKLITE_WITH_OPENSSL=1.
if(TARGET socklite_openssl)
  configure_file("${CMAKE_CURRENT_LIST_DIR}/socklite-openssl.pc.in"
                 "${PROJECT_BINARY_DIR}/socklite-openssl.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/socklite-openssl.pc"
          DESTINATION "${SOCKLITE_INSTALL_PKGCONFIGDIR}")
endif()
# --- end of OpenSSL ---
# --- the compiled library (optional) ---
# socklite-compiled.pc: `pkg-config --cflags --libs socklite-compiled` adds libsocklite.a and
# SOCKLITE_SEPARATE_COMPILATION=1.
if(TARGET socklite_compiled AND SOCKLITE_IS_TOP_LEVEL)
  configure_file("${CMAKE_CURRENT_LIST_DIR}/socklite-compiled.pc.in"
                 "${PROJECT_BINARY_DIR}/socklite-compiled.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/socklite-compiled.pc"
          DESTINATION "${SOCKLITE_INSTALL_PKGCONFIGDIR}")
endif()
# --- end of the compiled library ---
# --- zlib (optional) ---
# socklite-zlib.pc: `pkg-config --cflags --libs socklite-zlib` adds zlib and SOCKLITE_WITH_ZLIB=1.
if(TARGET socklite_zlib)
  configure_file("${CMAKE_CURRENT_LIST_DIR}/socklite-zlib.pc.in"
                 "${PROJECT_BINARY_DIR}/socklite-zlib.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/socklite-zlib.pc"
          DESTINATION "${SOCKLITE_INSTALL_PKGCONFIGDIR}")
endif()
# --- end of zlib ---

install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DOCDIR}" OPTIONAL)
if(EXISTS "${PROJECT_SOURCE_DIR}/README.md")
  install(FILES "${PROJECT_SOURCE_DIR}/README.md" DESTINATION "${CMAKE_INSTALL_DOCDIR}")
endif()
