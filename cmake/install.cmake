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
if(TARGET socklite_openssl)
  install(TARGETS socklite_openssl EXPORT socklite-targets)
endif()
install(EXPORT socklite-targets NAMESPACE socklite:: FILE socklite-targets.cmake
        DESTINATION "${SOCKLITE_INSTALL_CMAKEDIR}")

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
else()
  file(RELATIVE_PATH _socklite_pc_up "/socklite-root/${SOCKLITE_INSTALL_PKGCONFIGDIR}" "/socklite-root")
  string(REGEX REPLACE "/$" "" _socklite_pc_up "${_socklite_pc_up}")
  set(SOCKLITE_PC_PREFIX "\${pcfiledir}/${_socklite_pc_up}")
  set(SOCKLITE_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file("${CMAKE_CURRENT_LIST_DIR}/socklite.pc.in" "${PROJECT_BINARY_DIR}/socklite.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/socklite.pc" DESTINATION "${SOCKLITE_INSTALL_PKGCONFIGDIR}")

install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DOCDIR}" OPTIONAL)
if(EXISTS "${PROJECT_SOURCE_DIR}/README.md")
  install(FILES "${PROJECT_SOURCE_DIR}/README.md" DESTINATION "${CMAKE_INSTALL_DOCDIR}")
endif()
