# Tests of calibrate/ (fits, timing statistics, sizes, the profile writer, and an end-to-end run of
# gemini-calibrate with tiny sizes). No timing assertions.
gemini_test(fit_test LIBS gemini_calibrate)
gemini_test(calibrate_timing_test LIBS gemini_calibrate)
gemini_test(calibrate_processes_test LIBS gemini_calibrate)
target_include_directories(calibrate_processes_test PRIVATE ${PROJECT_SOURCE_DIR}/calibrate/src)
gemini_test(calibrate_sizes_test LIBS gemini_calibrate)
gemini_test(calibrate_time_guard_test LIBS gemini_calibrate)
gemini_test(calibrate_profile_test LIBS gemini_calibrate)
find_package(yaml-cpp QUIET)
if(TARGET yaml-cpp)
  target_link_libraries(calibrate_profile_test PRIVATE yaml-cpp)
  target_compile_definitions(calibrate_profile_test PRIVATE GEMINI_HAVE_YAML_CPP=1)
endif()
if(TARGET gemini-calibrate)
  gemini_test(calibrate_cli_test LIBS gemini_calibrate)
  target_compile_definitions(calibrate_cli_test PRIVATE
    GEMINI_CALIBRATE_EXE="$<TARGET_FILE:gemini-calibrate>")
  add_dependencies(calibrate_cli_test gemini-calibrate)
  if(TARGET gemini-bench-model)  # the model benchmarks run real/'s LibTorch program
    target_compile_definitions(calibrate_cli_test PRIVATE
      GEMINI_BENCH_MODEL_EXE="$<TARGET_FILE:gemini-bench-model>")
    add_dependencies(calibrate_cli_test gemini-bench-model)
  endif()
  if(TARGET yaml-cpp)
    target_link_libraries(calibrate_cli_test PRIVATE yaml-cpp)
    target_compile_definitions(calibrate_cli_test PRIVATE GEMINI_HAVE_YAML_CPP=1)
  endif()
endif()
