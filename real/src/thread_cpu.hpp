// Where the calling thread runs and how often the kernel has switched it out (Linux). A rank
// records both around its recovery's retrieval, so a run shows how its ranks were spread over
// the CPUs when the slowest one set the retrieval time (with more ranks than CPUs, the most
// crowded CPU decides). Torch-free.
#pragma once
#include <sched.h>
#include <sys/resource.h>

namespace gemini::real {

struct ThreadCpuSample {
  int cpu = -1;          // sched_getcpu(); -1 where the kernel cannot tell
  long preemptions = 0;  // involuntary context switches so far (time slice over, or a task woke with priority)
  long waits = 0;        // voluntary ones (the thread blocked)
};

inline ThreadCpuSample sample_thread_cpu() {
  ThreadCpuSample s;
  s.cpu = ::sched_getcpu();
  rusage usage{};
  if (::getrusage(RUSAGE_THREAD, &usage) == 0) s.preemptions = usage.ru_nivcsw, s.waits = usage.ru_nvcsw;
  return s;
}

}  // namespace gemini::real
