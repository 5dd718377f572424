# Runs at install time (`cmake --install BUILD --prefix P`, `make install`,
# CPack): the systemd unit and the example configuration name paths of the
# prefix chosen then, not at configure time. With the prefix /usr (the .deb)
# they go where Debian wants them: /etc/centinela and /lib/systemd/system;
# with any other prefix P, under P.
#
# Inputs: CENTINELA_PACKAGING_DIR (this folder), CENTINELA_DOCDIR (relative).
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(etc_dir "/etc/centinela")
  set(unit_dir "/lib/systemd/system")
else()
  set(etc_dir "${CMAKE_INSTALL_PREFIX}/etc/centinela")
  set(unit_dir "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
endif()
set(CMAKE_INSTALL_FULL_BINDIR "${CMAKE_INSTALL_PREFIX}/bin")
set(CMAKE_INSTALL_FULL_DOCDIR "${CMAKE_INSTALL_PREFIX}/${CENTINELA_DOCDIR}")
set(CENTINELA_CONFIG_FILE "${etc_dir}/centinela.yaml")

set(unit "$ENV{DESTDIR}${unit_dir}/centinela.service")
message(STATUS "Installing: ${unit}")
configure_file("${CENTINELA_PACKAGING_DIR}/centinela.service.in" "${unit}" @ONLY)
list(APPEND CMAKE_INSTALL_MANIFEST_FILES "${unit}")

# An operator's configuration is never overwritten by `make install`.
set(config "$ENV{DESTDIR}${CENTINELA_CONFIG_FILE}")
if(EXISTS "${config}")
  message(STATUS "Kept: ${config}")
else()
  message(STATUS "Installing: ${config}")
  file(MAKE_DIRECTORY "$ENV{DESTDIR}${etc_dir}")
  file(COPY_FILE "${CENTINELA_PACKAGING_DIR}/centinela.yaml" "${config}")
  list(APPEND CMAKE_INSTALL_MANIFEST_FILES "${config}")
endif()
