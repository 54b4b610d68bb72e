// gemini-calibrate: runs the microbenchmarks, fits cost = alpha + bytes/beta, writes JSON + YAML.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <functional>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <unistd.h>

#include "gemini/calibrate/benchmarks.hpp"
#include "gemini/calibrate/profile.hpp"
#include "gemini/calibrate/sizes.hpp"
#include "glibc_tunables.hpp"

#ifndef GEMINI_VERSION
#define GEMINI_VERSION "unknown"
#endif

using namespace gemini::calibrate;

namespace {

// Expands names and groups ("all", "cpu", "gpu", "disk", "memcpy", "tcp", "nccl") in list order.
std::vector<std::string> expand_benchmarks(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  auto add = [&out](const std::string& n) {
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  };
  for (const auto& raw : items) {
    const std::string& i = raw;
    if (i == "all" || i == "cpu") for (const auto& n : cpu_benchmark_names()) add(n);
    if (i == "all" || i == "gpu") for (const auto& n : gpu_benchmark_names()) add(n);
    if (i == "all" || i == "model") for (const auto& n : model_benchmark_names()) add(n);
    if (i == "all" || i == "cpu" || i == "gpu" || i == "model") continue;
    if (i == "disk") {
      for (const char* n : {"disk-write", "disk-read-cold", "disk-write-concurrent", "disk-read-cold-concurrent",
                              "disk-read-cold-beside-memory"})
        add(n);
      continue;
    }
    if (i == "memcpy") { add("host-memcpy"); add("host-memcpy-concurrent"); continue; }
    if (i == "tcp") { add("tcp-loopback"); add("tcp-loopback-fresh"); add("tcp-loopback-concurrent"); continue; }
    if (i == "checksum") { add("checksum-xxh64"); add("checksum-xxh64-concurrent"); continue; }
    if (i == "shm") {
      for (const char* n : {"shm-write-fresh", "shm-write-fresh-concurrent", "shm-read-fresh", "memory-retrieval-concurrent",
                            "memory-retrieval-busiest"})
        add(n);
      continue;
    }
    if (i == "nccl") { add("nccl-allreduce"); continue; }
    bool known = false;
    for (const auto* names : {&cpu_benchmark_names(), &gpu_benchmark_names(), &model_benchmark_names()})
      known = known || std::find(names->begin(), names->end(), i) != names->end();
    if (!known) throw std::invalid_argument("unknown benchmark '" + i + "'");
    add(i);
  }
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string own_executable(const char* argv0) {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string(argv0);
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
  f.close();
  if (!f) {
    std::fprintf(stderr, "gemini-calibrate: cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gemini-calibrate: microbenchmarks and cost-model fits for a gemini-sim hardware profile"};
  bool quick = false, quiet = false;
  std::string out_json = "calibration.json", out_profile = "calibration-profile.yaml", profile_name;
  const char* tmpdir = std::getenv("TMPDIR");
  std::string dir = tmpdir && *tmpdir ? tmpdir : "/tmp";
  std::string max_bytes_s = "1GiB", min_bytes_s = "1MiB", gpu_max_bytes_s = "4GiB";
  int reps = 10, reps_min = 3, warmups = 1;
  unsigned factor = 4;
  int concurrency = 4;
  double disk_stagger_ms = 0, disk_rest_ms = 0;
  std::string disk_io = "direct";
  std::string landing = "resident";
  ModelBenchConfig model;
  double time_limit_s = 0;
  std::vector<std::string> benchmarks_arg = {"all"};

  app.add_flag("--quick", quick, "Small sweep: --max-bytes 64MiB, --gpu-max-bytes 256MiB, --reps 5 "
                                 "(explicit options win)");
  app.add_option("--out-json", out_json, "Raw results (every size, every fit) as JSON; '' to skip");
  app.add_option("--out-profile", out_profile, "Fitted hardware profile as YAML; '' to skip");
  app.add_option("--profile-name", profile_name, "Profile name (default cpu-<cpu model> or gpu-<gpu model>)");
  app.add_option("--dir", dir, "Directory for the disk benchmarks (a temporary directory is made inside)");
  auto* max_opt = app.add_option("--max-bytes", max_bytes_s, "Largest CPU size, e.g. 64MB, 1GiB (default 1GiB)");
  app.add_option("--min-bytes", min_bytes_s, "Smallest size (default 1MiB)");
  auto* gmax_opt = app.add_option("--gpu-max-bytes", gpu_max_bytes_s, "Largest GPU copy size (default 4GiB)");
  app.add_option("--size-factor", factor, "Ratio between successive sizes (default 4)")->check(CLI::Range(2u, 1024u));
  std::vector<std::string> also_bytes_s;
  app.add_option("--also-bytes", also_bytes_s,
                 "Sizes to measure besides the sweep, e.g. the image a run's ranks move (real/'s checkpoint_bytes_per_rank): "
                 "measured exactly there, which gemini-sim compare --medians reads, instead of between two sweep sizes; "
                 "each must lie within the CPU or the GPU sweep")
      ->delimiter(',');
  auto* reps_opt = app.add_option("--reps", reps, "Repetitions per size up to 64 MiB; fewer above (min 3)")
                       ->check(CLI::Range(1, 100000));
  app.add_option("--min-reps", reps_min, "Repetitions at the biggest sizes, at least (default 3)")
      ->check(CLI::Range(1, 100000));
  app.add_option("--warmups", warmups, "Untimed runs before each size (none from 1 GiB up)")->check(CLI::Range(0, 1000));
  app.add_option("--concurrency", concurrency,
                 "Threads at once in the *-concurrent benchmarks (copies, checksums, disk writers and "
                 "readers, loopback transfers), e.g. the ranks of a run on one host (default 4; "
                 "disk-read-cold-beside-memory needs 4 or more)")
      ->check(CLI::Range(2, 256));
  app.add_option("--disk-stagger-ms", disk_stagger_ms,
                 "disk-write-concurrent: writer j starts j x this many ms after the others' release "
                 "(default 0: all at once)")
      ->check(CLI::Range(0.0, 10000.0));
  app.add_option("--disk-rest-ms", disk_rest_ms,
                 "disk-write, disk-write-concurrent: pause this many ms (untimed) before each run, like the "
                 "time between two checkpoints; on VMs that return freed memory to the host the page cache "
                 "(--disk-io buffered) then costs more to fill than in back-to-back runs (default 0)")
      ->check(CLI::Range(0.0, 600000.0));
  app.add_option("--disk-io", disk_io,
                 "disk benchmarks: direct (O_DIRECT where the file system allows, as real/ writes checkpoints "
                 "by default) or buffered (through the page cache, real/'s --disk-io buffered)")
      ->check(CLI::IsMember({"direct", "buffered"}));
  app.add_option("--landing", landing,
                 "retrieval benchmarks (disk-read-cold*, shm-read-fresh, tcp-loopback-fresh, memory-retrieval-concurrent): read into resident "
                 "memory, as real/'s restarted ranks do (their buffer is written when they start; default), or "
                 "untouched (the read faults every page in; these benchmarks' landing before 2026-11-29)")
      ->check(CLI::IsMember({"resident", "untouched"}));
  std::vector<int> pin_cpus;
  app.add_option("--pin-cpus", pin_cpus,
                 "memory-retrieval-concurrent: pin process i to CPU i of this list (one per --concurrency), "
                 "e.g. 0,1,1,1 for three ranks crowded on one CPU; default: wherever the kernel puts them")
      ->delimiter(',');
  app.add_option("--model-bench", model.exe,
                 "real/'s gemini-bench-model for the model benchmarks (default: the one beside this build)");
  app.add_option("--model-threads", model.threads, "Its --threads (default 0: all CPUs)")->check(CLI::Range(0, 4096));
  app.add_option("--model-device", model.device, "Its --device: cpu (default), cuda or cuda:N");
  app.add_option("--model-sizes", model.sizes, "Its --sizes, e.g. tiny,2x128,small (default: its own; --quick: tiny,2x128)");
  app.add_option("--time-limit-s", time_limit_s, "Per benchmark: skip larger sizes once this much time is spent (0: none)");
  app.add_option("--benchmarks", benchmarks_arg,
                 "Comma-separated names or groups: all, cpu, gpu, model, disk, memcpy, tcp, nccl, checksum, shm, "
                 "host-memcpy, host-memcpy-concurrent, checksum-xxh64-concurrent, disk-write, disk-read-cold, disk-write-concurrent, disk-read-cold-concurrent, "
                 "disk-read-cold-beside-memory (half of --concurrency read, half copy memory), tcp-loopback, tcp-loopback-fresh (received into untouched memory), tcp-loopback-concurrent, checksum-xxh64, shm-write-fresh, shm-write-fresh-concurrent, "
                 "shm-read-fresh, memory-retrieval-concurrent, memory-retrieval-busiest (memory-retrieval-concurrent pinned: "
                 "one result per count of processes on the busiest CPU), model-capture, model-restore, model-iteration, gpu-h2d-pinned, gpu-d2h-pinned, "
                 "gpu-h2d-pageable, gpu-d2h-pageable, gpu-d2d, nccl-allreduce")
      ->delimiter(',');
  app.add_flag("--quiet", quiet, "No progress lines");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // --help is 0; every bad flag or value is 2, like the other tools
  }

  model.quick = quick;
  if (model.exe.empty()) model.exe = find_model_bench(own_executable(argv[0]));
  SweepConfig cpu, gpu;
  std::vector<std::string> wanted;
  try {
    if (quick) {
      if (max_opt->count() == 0) max_bytes_s = "64MiB";
      if (gmax_opt->count() == 0) gpu_max_bytes_s = "256MiB";
      if (reps_opt->count() == 0) reps = 5;
    }
    const uint64_t min_b = parse_bytes(min_bytes_s);
    cpu.sizes = size_sweep(min_b, std::max(min_b, parse_bytes(max_bytes_s)), factor);
    gpu.sizes = size_sweep(min_b, std::max(min_b, parse_bytes(gpu_max_bytes_s)), factor);
    std::vector<uint64_t> also;
    for (const std::string& text : also_bytes_s) {
      also.push_back(parse_bytes(text));
      const auto inside = [n = also.back()](const std::vector<uint64_t>& sweep) { return n >= sweep.front() && n <= sweep.back(); };
      if (!inside(cpu.sizes) && !inside(gpu.sizes))
        throw std::invalid_argument("--also-bytes " + text + " lies outside the sweep (" + format_bytes(min_b) + " to " +
                                    format_bytes(static_cast<double>(std::max(cpu.sizes.back(), gpu.sizes.back()))) + ")");
    }
    cpu.sizes = with_sizes(cpu.sizes, also);
    gpu.sizes = with_sizes(gpu.sizes, also);
    wanted = expand_benchmarks(benchmarks_arg);
    if (!pin_cpus.empty()) {
      if (static_cast<int>(pin_cpus.size()) != concurrency)
        throw std::invalid_argument("--pin-cpus names " + std::to_string(pin_cpus.size()) + " CPUs, --concurrency is " +
                                    std::to_string(concurrency) + ": give one per process");
      const long cpus = ::sysconf(_SC_NPROCESSORS_CONF);
      for (int c : pin_cpus)
        if (c < 0 || c >= cpus)
          throw std::invalid_argument("--pin-cpus: CPU " + std::to_string(c) + " is not one of this host's 0.." +
                                      std::to_string(cpus - 1));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gemini-calibrate: %s\n", e.what());
    return 2;
  }
  for (auto* c : {&cpu, &gpu}) {
    c->reps_max = reps;
    c->reps_min = reps_min;
    c->warmups = warmups;
    c->time_limit_s = time_limit_s;
    c->landing_resident = landing == "resident";
    c->pin_cpus = pin_cpus;
  }
  SweepConfig disk = cpu;  // the disk writes alone rest between runs
  disk.rest_s = disk_rest_ms / 1e3;
  disk.direct_io = disk_io == "direct";

  CalibrationRun run;
  run.tool_version = GEMINI_VERSION;
  run.date_utc = utc_now_iso8601();
  run.command_line = shell_join(argc, argv);
  run.machine = describe_host();
  run.config = {{"cpu_sizes_bytes", cpu.sizes}, {"gpu_sizes_bytes", gpu.sizes}, {"reps_max", reps}, {"reps_min", reps_min},
                {"warmups", warmups}, {"size_factor", factor}, {"time_limit_s", time_limit_s},
                {"disk_dir", dir}, {"concurrency", concurrency}, {"disk_stagger_ms", disk_stagger_ms}, {"disk_rest_ms", disk_rest_ms}, {"disk_io", disk_io}, {"landing", landing}, {"pin_cpus", pin_cpus}, {"model_bench", model.exe}, {"model_device", model.device}, {"benchmarks", wanted}, {"quick", quick},
                {"cuda_compiled", gpu_support_compiled()}, {"nccl_compiled", nccl_support_compiled()}};

  std::vector<std::string> gpu_wanted;
  for (const auto& n : gpu_benchmark_names())
    if (has(wanted, n)) gpu_wanted.push_back(n);
  int cpu_steps = 0, gpu_steps = 0;
  for (const auto& n : cpu_benchmark_names()) {
    if (!has(wanted, n)) continue;
    const size_t sweeps = n == "memory-retrieval-busiest" ? busiest_cpu_layouts(concurrency, allowed_cpus()).size() : 1;
    cpu_steps += static_cast<int>(sweeps * (is_concurrent_benchmark(n) ? concurrent_sizes(cpu, concurrency).size()
                                                                       : cpu.sizes.size()));
  }
  for (const auto& n : gpu_wanted)
    gpu_steps += n == "nccl-allreduce" ? 0 : static_cast<int>(gpu.sizes.size());
  Progress progress(cpu_steps + gpu_steps, quiet);

  bool ok = true;
  auto save = [&] {
    for (auto& b : run.benchmarks) detail::note_memcpy_regimes(b, run.machine.memcpy_non_temporal_threshold_bytes);
    if (!out_json.empty()) ok = write_file(out_json, to_json(run).dump(2) + "\n") && ok;
    if (!out_profile.empty()) ok = write_file(out_profile, to_profile_yaml(run, profile_name)) && ok;
  };
  auto record_error = [&](const std::string& name, const std::exception& e) {
    std::fprintf(stderr, "gemini-calibrate: %s failed: %s\n", name.c_str(), e.what());
    BenchmarkResult r = BenchmarkResult::skipped(name, "", e.what());
    r.status = "error";
    run.benchmarks.push_back(r);
  };

  progress.note("gemini-calibrate " + run.tool_version + " on " + run.machine.hostname + " (" +
                run.machine.cpu_model + ", " + std::to_string(run.machine.logical_cpus) + " CPUs)");
  // A benchmark giving several results, run when `wanted` (the one named `name` on failure);
  // its failure is recorded, not fatal.
  auto run_several = [&](bool wanted_now, const char* name, const std::function<std::vector<BenchmarkResult>()>& bench) {
    if (!wanted_now) return;
    try {
      for (auto& r : bench()) run.benchmarks.push_back(std::move(r));
    } catch (const std::exception& e) {
      record_error(name, e);
    }
    save();
  };
  run_several(!gpu_wanted.empty(), "gpu", [&] { return bench_gpu(gpu, gpu_wanted, run.machine, progress); });
  // The GPU benchmarks may stop early (no device): the CPU ones are what is left.
  if (!gpu_wanted.empty()) progress.set_total(progress.done() + cpu_steps);
  // A benchmark giving one result, run when wanted.
  auto run_single = [&](const char* name, const std::function<BenchmarkResult()>& bench) {
    run_several(has(wanted, name), name, [&] { return std::vector<BenchmarkResult>{bench()}; });
  };
  run_single("host-memcpy", [&] { return bench_host_memcpy(cpu, progress); });
  for (const char* name : {"host-memcpy-concurrent", "checksum-xxh64-concurrent"})
    run_single(name, [&] { return bench_host_concurrent(cpu, name, concurrency, progress); });
  run_single("tcp-loopback", [&] { return bench_tcp_loopback(cpu, progress); });
  run_single("tcp-loopback-fresh", [&] { return bench_tcp_loopback_fresh(cpu, progress); });
  run_single("tcp-loopback-concurrent", [&] { return bench_tcp_loopback_concurrent(cpu, concurrency, progress); });
  run_single("checksum-xxh64", [&] { return bench_checksum(cpu, progress); });
  const bool sw = has(wanted, "shm-write-fresh"), sr = has(wanted, "shm-read-fresh");
  run_several(sw || sr, sw ? "shm-write-fresh" : "shm-read-fresh", [&] { return bench_shm_fresh(cpu, sw, sr, progress); });
  run_single("shm-write-fresh-concurrent", [&] { return bench_shm_write_fresh_concurrent(cpu, concurrency, progress); });
  run_single("memory-retrieval-concurrent", [&] { return bench_memory_retrieval_concurrent(cpu, concurrency, progress); });
  run_several(has(wanted, "memory-retrieval-busiest"), "memory-retrieval-busiest",
              [&] { return bench_memory_retrieval_busiest(cpu, concurrency, progress); });
  const bool dw = has(wanted, "disk-write"), dr = has(wanted, "disk-read-cold");
  run_several(dw || dr, dw ? "disk-write" : "disk-read-cold", [&] { return bench_disk(disk, dir, dw, dr, progress); });
  run_several(has(wanted, "model-capture") || has(wanted, "model-restore") || has(wanted, "model-iteration"),
              "model-iteration", [&] {
                std::vector<BenchmarkResult> kept;
                for (auto& r : bench_model(model, dir, progress))
                  if (has(wanted, r.name)) kept.push_back(std::move(r));
                return kept;
              });
  const bool cw = has(wanted, "disk-write-concurrent"), cr = has(wanted, "disk-read-cold-concurrent");
  bool cb = has(wanted, "disk-read-cold-beside-memory");
  if (cb && concurrency < 4) {
    record_error("disk-read-cold-beside-memory",
                 std::invalid_argument("needs --concurrency 4 or more (half the processes read, half stream memory)"));
    cb = false;
  }
  run_several(cw || cr || cb, cw ? "disk-write-concurrent" : cr ? "disk-read-cold-concurrent" : "disk-read-cold-beside-memory",
              [&] { return bench_disk_concurrent(disk, dir, concurrency, cw, cr, cb, progress, disk_stagger_ms); });
  save();

  int errors = 0;
  for (const auto& b : run.benchmarks) {
    if (b.status == "error") ++errors;
    if (quiet) continue;
    const bool two_regimes = detail::has_memcpy_regimes_note(b);
    if (b.fit)
      std::fprintf(stderr, "  %-18s alpha %.3g s, beta %.4g %s, R^2 %.5f%s%s\n", b.name.c_str(), b.fit->alpha_s,
                   b.fit->beta_bytes_per_s / 1e9, b.extra.value("x_unit", "") == "flop" ? "GFLOP/s" : "GB/s",
                   b.fit->r_squared, b.fit->alpha_clamped ? " (alpha clamped to 0)" : "",
                   two_regimes ? " (sizes on both sides of glibc's memcpy regime boundary: see its notes)" : "");
    else
      std::fprintf(stderr, "  %-18s %s\n", b.name.c_str(),
                   !b.message.empty() ? b.message.c_str() : (b.status + ": " + b.fit_error).c_str());
  }
  if (!quiet) {
    if (!out_json.empty()) std::fprintf(stderr, "wrote %s\n", out_json.c_str());
    if (!out_profile.empty()) std::fprintf(stderr, "wrote %s\n", out_profile.c_str());
  }
  return ok && errors == 0 ? 0 : 1;
}
