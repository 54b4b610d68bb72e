# Tests of sweeps, merges and traces (issue 6). Included by tests/CMakeLists.txt with the engine.
gemini_test(sweep_spec_test LIBS gemini_core)

# Runs the built gemini-sim binary as a subprocess: resume, shards, merge, --trace.
gemini_test(sweep_cli_test LIBS gemini_engine)
target_compile_definitions(sweep_cli_test PRIVATE GEMINI_SIM_BIN="$<TARGET_FILE:gemini-sim>")
add_dependencies(sweep_cli_test gemini-sim)

# analysis/ scripts on small inputs (skipped without Python's matplotlib, pandas, numpy).
add_test(NAME analysis_scripts
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/analysis_test.sh $<TARGET_FILE:gemini-sim> ${PROJECT_SOURCE_DIR})
set_tests_properties(analysis_scripts PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)

# Byte-identical outputs across runs and --jobs 1 vs 2, for runs and sweeps (issue 8).
gemini_test(determinism_test LIBS gemini_engine)
target_compile_definitions(determinism_test PRIVATE GEMINI_SIM_BIN="$<TARGET_FILE:gemini-sim>")
add_dependencies(determinism_test gemini-sim)
