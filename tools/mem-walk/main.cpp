// mem-walk IMAGE --satp VALUE VA... : loads a raw physical memory image into
// vm::mem guest RAM and prints the Sv39/48/57 walk of each virtual address.
// Exit status: 0 when every walk ran (faults included), 1 on bad input.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "options.hpp"
#include "vm/mem/page_walker.hpp"
#include "vm/mem/physical_bus.hpp"
#include "walk_report.hpp"

namespace {

using namespace vm::mem;

int fail(const std::string& message) {
  fmt::print(stderr, "mem-walk: {}\n", message);
  return 1;
}

vm::Result<std::vector<char>> read_image(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return vm::make_error(vm::ErrorCode::kNotFound,
                          fmt::format("cannot open image '{}': {}", path, std::strerror(errno)));
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty()) {
    return vm::make_error(vm::ErrorCode::kMalformed, fmt::format("image '{}' is empty", path));
  }
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  auto options = mem_walk::parse_options(argc, argv);
  if (!options) return fail(options.error().message());
  if (options->image.empty()) {  // --help
    std::fputs(mem_walk::kUsage, stdout);
    return 0;
  }
  auto image = read_image(options->image);
  if (!image) return fail(image.error().message());
  const std::uint64_t rounded = (image->size() + kPageSize - 1) & ~kPageOffsetMask;
  auto ram = GuestRam::create({.base = GuestPhysAddr{options->base}, .size = rounded});
  if (!ram) return fail(ram.error().message());
  std::memcpy(ram->host_base(), image->data(), image->size());
  PhysicalBus bus;
  if (auto mapped = bus.map_ram("image", *ram); !mapped) return fail(mapped.error().message());

  MmuContext ctx;
  ctx.satp = *Satp::decode(options->satp);  // parse_options checked the mode
  ctx.priv = options->priv;
  ctx.sum = options->sum;
  ctx.mxr = options->mxr;
  static const char* const kModes[] = {"Bare", "", "", "", "", "", "", "", "Sv39", "Sv48", "Sv57"};
  fmt::print("satp {:#018x}: mode {}, asid {}, root table {:#x}\n", options->satp,
             kModes[static_cast<unsigned>(ctx.satp.mode)], ctx.satp.asid, ctx.satp.root_ppn << kPageShift);
  const PageWalker walker(bus, {.ad_update = options->update_ad ? AdUpdate::kHardware : AdUpdate::kFault});
  for (std::uint64_t va : options->vas) {
    auto done = mem_walk::report_walk(walker, ctx, *options, image->size(), va, stdout);
    if (!done) return fail(done.error().message());
  }
  return 0;
}
