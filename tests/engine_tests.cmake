# Tests of the SimGrid engine (gemini_engine) and the gemini-sim command. Included by
# tests/CMakeLists.txt when gemini_engine exists. gemini_test() registers each TEST with
# gtest_discover_tests, so each runs in its own process: SimGrid allows one simulation per
# process, and every TEST that simulates creates at most one engine.
gemini_test(placement_test LIBS gemini_engine)
gemini_test(analytic_test LIBS gemini_engine)
gemini_test(interleave_test LIBS gemini_engine)
gemini_test(periodic_checkpoints_test LIBS gemini_engine)
gemini_test(failure_trace_test LIBS gemini_engine)
gemini_test(failure_sources_test LIBS gemini_engine)
gemini_test(fuzz_corpus_test LIBS gemini_engine)
target_compile_definitions(fuzz_corpus_test PRIVATE GEMINI_SIM_BIN="$<TARGET_FILE:gemini-sim>")
add_dependencies(fuzz_corpus_test gemini-sim)
gemini_test(simulation_test LIBS gemini_engine)
gemini_test(engine_flows_test LIBS gemini_engine)

# Runs the built gemini-sim binary as a subprocess.
gemini_test(cli_test LIBS gemini_engine)
target_compile_definitions(cli_test PRIVATE GEMINI_SIM_BIN="$<TARGET_FILE:gemini-sim>")
add_dependencies(cli_test gemini-sim)
