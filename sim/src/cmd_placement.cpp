// `gemini-sim placement`: probability of recovering from CPU memory when k machines fail at once.
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "gemini/analytic.hpp"
#include "gemini/commands.hpp"
#include "gemini/placement.hpp"

namespace gemini {

int placement_command(const PlacementOptions& o) {
  if (o.machines < 1 || o.replicas < 1 || o.replicas > o.machines || o.lost < 0 || o.lost > o.machines) {
    std::cerr << "error: need 1 <= replicas <= machines and 0 <= lost <= machines\n";
    return kExitBadInput;
  }
  if (o.placement != "group" && o.placement != "ring" && o.placement != "mixed") {
    std::cerr << "error: --placement must be group, ring or mixed\n";
    return kExitBadInput;
  }
  // "mixed" names what Algorithm 1 does when m does not divide N: groups plus a ring tail.
  const Placement placement = o.placement == "ring" ? Placement::ring : Placement::group;
  const int n = o.machines, m = o.replicas, k = o.lost;
  const double exact = recovery_probability_exact(n, m, k, placement);
  const MonteCarloEstimate mc = recovery_probability_monte_carlo(n, m, k, placement, o.trials, o.seed);
  const bool corollary = placement == Placement::group && n % m == 0;

  const int ring_tail = placement == Placement::group && n % m != 0 ? n - m * (n / m - 1) : 0;
  std::cout << "placement " << o.placement << " (N=" << n << " machines, m=" << m << " replicas, k=" << k
            << " lost at once";
  if (ring_tail > 0) std::cout << "; the last " << ring_tail << " machines use ring placement";
  std::cout << ")\nPr[recover from CPU memory]\n" << std::fixed << std::setprecision(6)
            << "  exact        " << exact << "\n";
  if (corollary) {
    std::cout << "  Corollary 1  " << corollary1_bound(n, m, k) << " (a lower bound; exact for m <= k < 2m)\n";
  }
  std::cout << "  Monte Carlo  " << mc.estimate << " +- " << mc.ci95_half_width << " (" << mc.trials
            << " draws through the engine's placement code)\n";

  if (!o.json_path.empty()) {
    nlohmann::json j{{"machines", n}, {"replicas", m}, {"lost", k}, {"placement", o.placement},
                     {"exact", exact},
                     {"monte_carlo",
                      {{"estimate", mc.estimate},
                       {"ci95", {mc.estimate - mc.ci95_half_width, mc.estimate + mc.ci95_half_width}},
                       {"trials", mc.trials},
                       {"seed", o.seed}}}};
    if (corollary) j["corollary1_bound"] = corollary1_bound(n, m, k);
    try {
      write_file_atomically(o.json_path, j.dump(2) + "\n");
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << "\n";
      return kExitFailure;
    }
  }
  return kExitOk;
}

}  // namespace gemini
