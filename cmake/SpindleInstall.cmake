# cmake --install support: headers, libraries and a CONFIG package giving spindle::spindle
# (and the layers below it: spindle::twist, spindle::sim, spindle::context, spindle::base, and
# the test-side spindle::testing).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS spindle spindle_testing spindle_twist spindle_sim spindle_context spindle_base
  EXPORT spindle-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(layer_include base/include context/include sim/include twist/include testing/include include)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${layer_include}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endforeach()
install(FILES ${PROJECT_BINARY_DIR}/base/include/spindle/base/build_config.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/spindle/base)

set(config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/spindle)
install(EXPORT spindle-targets NAMESPACE spindle:: DESTINATION ${config_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/spindleConfig.cmake.in
  ${PROJECT_BINARY_DIR}/spindleConfig.cmake INSTALL_DESTINATION ${config_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/spindleConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/spindleConfig.cmake ${PROJECT_BINARY_DIR}/spindleConfigVersion.cmake
  DESTINATION ${config_dir})
