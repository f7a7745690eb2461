// mem-walk's command line: what to walk and how to present the access.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vm/core/result.hpp"
#include "vm/mem/mmu_types.hpp"

namespace mem_walk {

struct Options {
  std::string image;
  std::uint64_t base = 0x8000'0000;  // guest physical address of the image's first byte
  std::uint64_t satp = 0;
  bool satp_given = false;
  vm::mem::AccessType access = vm::mem::AccessType::kLoad;
  vm::mem::Privilege priv = vm::mem::Privilege::kSupervisor;
  bool sum = false;
  bool mxr = false;
  bool update_ad = false;  // default: report A/D faults and leave the image untouched
  std::vector<std::uint64_t> vas;
};

vm::Result<Options> parse_options(int argc, char** argv);
extern const char* const kUsage;

}  // namespace mem_walk
