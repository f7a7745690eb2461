# vm_add_library(<name> SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
#
# Creates the shared library vm_<name> with alias vm::<name>, hidden
# visibility, an export header <vm/<name>/export.hpp> defining VM_<NAME>_API,
# a SOVERSION, and an install rule into its own export set so that
# find_package(vm COMPONENTS <name>) can load it alone.
function(vm_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS;VM_DEPS" ${ARGN})
  set(target vm_${name})
  add_library(${target} SHARED ${ARG_SOURCES})
  add_library(vm::${name} ALIAS ${target})
  string(TOUPPER ${name} upper)
  string(REPLACE "_" "/" _unused ${name})
  generate_export_header(${target}
    BASE_NAME VM_${upper}
    EXPORT_MACRO_NAME VM_${upper}_API
    EXPORT_FILE_NAME ${CMAKE_CURRENT_BINARY_DIR}/generated/include/vm/${name}/export.hpp)
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${CMAKE_CURRENT_BINARY_DIR}/generated/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  foreach(dep ${ARG_VM_DEPS})
    target_link_libraries(${target} PUBLIC vm::${dep})
  endforeach()
  target_link_libraries(${target} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(VM_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  set_target_properties(${target} PROPERTIES
    VERSION ${PROJECT_VERSION}
    SOVERSION ${PROJECT_VERSION_MAJOR}
    EXPORT_NAME ${name}
    OUTPUT_NAME vm-${name})
  install(TARGETS ${target} EXPORT vm_${name}_targets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/generated/include/
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(EXPORT vm_${name}_targets NAMESPACE vm::
    FILE vm-${name}-targets.cmake
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vm)
  set_property(GLOBAL APPEND PROPERTY VM_COMPONENTS ${name})
  set_property(GLOBAL PROPERTY VM_COMPONENT_DEPS_${name} ${ARG_VM_DEPS})
endfunction()

# vm_add_tests(<name> SOURCES ...) — one Catch2 executable per library,
# registered with CTest as a single test (fast to run on 2 cores).
function(vm_add_tests name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  set(target vm_${name}_tests)
  add_executable(${target} ${ARG_SOURCES} ${PROJECT_SOURCE_DIR}/cmake/catch_main.cpp)
  target_link_libraries(${target} PRIVATE vm::${name} Catch2::Catch2 ${ARG_DEPS})
  target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src ${CMAKE_CURRENT_SOURCE_DIR}/tests)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  add_test(NAME ${target} COMMAND ${target} --use-colour no)
  set_tests_properties(${target} PROPERTIES LABELS unit)
endfunction()
