# Tests of sweeps, merges and traces (issue 6). Included by tests/CMakeLists.txt with the engine.
gemini_test(sweep_spec_test LIBS gemini_core)

# Runs the built gemini-sim binary as a subprocess: resume, shards, merge, --trace.
gemini_test(sweep_cli_test LIBS gemini_engine)
target_compile_definitions(sweep_cli_test PRIVATE GEMINI_SIM_BIN="$<TARGET_FILE:gemini-sim>")
add_dependencies(sweep_cli_test gemini-sim)
