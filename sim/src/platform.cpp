// Builds the SimGrid platform (hosts, NIC/PCIe/storage links, routes) for a scenario.
#include "gemini/platform.hpp"

#include <simgrid/s4u.hpp>
#include <string>

namespace sg4 = simgrid::s4u;

namespace gemini {
namespace {

using Dir = sg4::LinkInRoute::Direction;

sg4::Link* make_link(sg4::NetZone* zone, const std::string& name, const LinkCost& cost) {
  auto* link = zone->create_split_duplex_link(name, cost.bandwidth_bytes_per_s);
  link->set_latency(cost.latency_s)->seal();
  return link;
}

MachineHosts add_machine(sg4::NetZone* zone, const std::string& name, const LinkCost& nic,
                         const LinkCost& pcie) {
  MachineHosts m;
  m.gpu = zone->create_host(name + ".gpu", 1.0)->seal();
  m.mem = zone->create_host(name + ".mem", 1.0)->seal();
  const sg4::Link* nic_link = make_link(zone, name + ".nic", nic);
  const sg4::Link* pcie_link = make_link(zone, name + ".pcie", pcie);
  zone->add_route(m.gpu->get_netpoint(), nullptr, nullptr, nullptr, {{nic_link, Dir::UP}}, true);
  zone->add_route(m.mem->get_netpoint(), nullptr, nullptr, nullptr, {{nic_link, Dir::UP}}, true);
  zone->add_bypass_route(m.mem->get_netpoint(), m.gpu->get_netpoint(), nullptr, nullptr,
                         {{pcie_link, Dir::DOWN}});
  zone->add_bypass_route(m.gpu->get_netpoint(), m.mem->get_netpoint(), nullptr, nullptr,
                         {{pcie_link, Dir::UP}});
  return m;
}

}  // namespace

Platform build_platform(const Scenario& s) {
  const HardwareProfile& hw = s.hardware;
  const LinkCost nic{hw.network.bandwidth_bytes_per_s, hw.network_latency_s};
  const LinkCost pcie{hw.gpu_to_cpu.bandwidth_bytes_per_s, hw.gpu_to_cpu.alpha_s};

  auto* zone = sg4::create_star_zone("cluster");
  Platform p;
  p.machines.reserve(s.machines);
  for (int i = 0; i < s.machines; ++i) {
    p.machines.push_back(add_machine(zone, "m" + std::to_string(i), nic, pcie));
  }
  const double n = s.machines;
  p.cohort = add_machine(zone, "cohort", {nic.bandwidth_bytes_per_s * n, nic.latency_s},
                         {pcie.bandwidth_bytes_per_s * n, pcie.latency_s});

  p.storage = zone->create_host("storage", 1.0)->seal();
  // One shared (not split-duplex) link: reads and writes draw on the same aggregate bandwidth.
  const sg4::Link* storage_link = zone->create_link("storage.link", s.storage.bandwidth_bytes_per_s)
                                      ->set_latency(s.storage.latency_s)
                                      ->seal();
  zone->add_route(p.storage->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute{storage_link}},
                  true);
  zone->seal();
  return p;
}

}  // namespace gemini
