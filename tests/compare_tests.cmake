# gemini-sim compare (issue 4): bad inputs, the plot script, and an end-to-end run of the real
# component, a quick calibration and the comparison. Included by tests/CMakeLists.txt when
# gemini_engine exists.
gemini_test(compare_medians_test LIBS gemini_engine)
gemini_test(disk_overlap_test LIBS gemini_engine)
add_test(NAME compare_cli
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/compare_test.sh cli $<TARGET_FILE:gemini-sim> ${PROJECT_SOURCE_DIR})
set_tests_properties(compare_cli PROPERTIES TIMEOUT 60)
add_test(NAME compare_plot
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/compare_test.sh plot $<TARGET_FILE:gemini-sim> ${PROJECT_SOURCE_DIR})
set_tests_properties(compare_plot PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 90)
if(TARGET gemini-launch AND TARGET gemini-calibrate)
  add_test(NAME compare_e2e
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/compare_test.sh e2e $<TARGET_FILE:gemini-sim>
                   $<TARGET_FILE:gemini-launch> $<TARGET_FILE:gemini-calibrate> ${PROJECT_SOURCE_DIR})
  # Must stay under 90 s on 2 loaded cores (launch ~15 s, calibrate ~25 s, compare ~2 s).
  set_tests_properties(compare_e2e PROPERTIES TIMEOUT 90 RUN_SERIAL TRUE)
endif()
