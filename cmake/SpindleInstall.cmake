# cmake --install support: headers, libraries and a CONFIG package giving spindle::spindle
# (and spindle::twist, spindle::sim).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS spindle spindle_context spindle_twist spindle_sim EXPORT spindle-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/twist/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sim/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  PATTERN ".keep" EXCLUDE)
install(FILES ${PROJECT_BINARY_DIR}/twist/include/spindle/twist/build_config.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/spindle/twist)

set(config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/spindle)
install(EXPORT spindle-targets NAMESPACE spindle:: DESTINATION ${config_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/spindleConfig.cmake.in
  ${PROJECT_BINARY_DIR}/spindleConfig.cmake INSTALL_DESTINATION ${config_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/spindleConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/spindleConfig.cmake ${PROJECT_BINARY_DIR}/spindleConfigVersion.cmake
  DESTINATION ${config_dir})
