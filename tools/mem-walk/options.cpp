// Command-line parsing for mem-walk; every refusal names the bad argument.
#include "options.hpp"

#include <cerrno>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

namespace mem_walk {

const char* const kUsage =
    "usage: mem-walk IMAGE --satp VALUE [options] VA...\n"
    "  IMAGE            raw guest physical memory, loaded at --base\n"
    "  --satp VALUE     satp CSR (MODE 0 Bare, 8 Sv39, 9 Sv48, 10 Sv57)\n"
    "  --base ADDR      physical address of the image's first byte (0x80000000)\n"
    "  --access KIND    load (default), store or fetch\n"
    "  --priv MODE      S (default), U or M\n"
    "  --sum, --mxr     set mstatus.SUM / mstatus.MXR\n"
    "  --update-ad      set A/D bits like Svadu hardware (default: fault like Svade)\n"
    "Numbers may be decimal or 0x-prefixed hex. Exit status 1 on bad input.\n";

namespace {

vm::Result<std::uint64_t> parse_number(std::string_view what, const char* text) {
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text, &end, 0);
  if (*text == '\0' || *text == '-' || *end != '\0' || errno == ERANGE) {
    return vm::make_error(vm::ErrorCode::kInvalidArgument, fmt::format("{} '{}' is not a 64-bit number", what, text));
  }
  return static_cast<std::uint64_t>(v);
}

vm::Result<void> apply(Options& o, std::string_view flag, const char* value) {
  using vm::mem::AccessType;
  using vm::mem::Privilege;
  if (flag == "--satp") {
    VM_TRY_ASSIGN(o.satp, parse_number("satp", value));
    o.satp_given = true;
    if (!vm::mem::Satp::decode(o.satp)) {
      return vm::make_error(vm::ErrorCode::kInvalidArgument,
                            fmt::format("satp {:#x} has MODE {}; supported are 0 (Bare), 8 (Sv39), "
                                        "9 (Sv48) and 10 (Sv57)",
                                        o.satp, o.satp >> 60));
    }
  } else if (flag == "--base") {
    VM_TRY_ASSIGN(o.base, parse_number("base", value));
  } else if (flag == "--access") {
    const std::string_view v(value);
    if (v == "load")
      o.access = AccessType::kLoad;
    else if (v == "store")
      o.access = AccessType::kStore;
    else if (v == "fetch")
      o.access = AccessType::kFetch;
    else
      return vm::make_error(vm::ErrorCode::kInvalidArgument,
                            fmt::format("--access '{}' must be load, store or fetch", v));
  } else if (flag == "--priv") {
    const std::string_view v(value);
    if (v == "S" || v == "s")
      o.priv = Privilege::kSupervisor;
    else if (v == "U" || v == "u")
      o.priv = Privilege::kUser;
    else if (v == "M" || v == "m")
      o.priv = Privilege::kMachine;
    else
      return vm::make_error(vm::ErrorCode::kInvalidArgument, fmt::format("--priv '{}' must be U, S or M", v));
  }
  return {};
}

}  // namespace

vm::Result<Options> parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    if (arg == "-h" || arg == "--help") return Options{};
    if (arg == "--sum") {
      o.sum = true;
      continue;
    }
    if (arg == "--mxr") {
      o.mxr = true;
      continue;
    }
    if (arg == "--update-ad") {
      o.update_ad = true;
      continue;
    }
    if (arg == "--satp" || arg == "--base" || arg == "--access" || arg == "--priv") {
      if (i + 1 >= argc) {
        return vm::make_error(vm::ErrorCode::kInvalidArgument, fmt::format("{} needs a value", arg));
      }
      VM_TRY_VOID(apply(o, arg, argv[++i]));
      continue;
    }
    if (arg.starts_with("--")) {
      return vm::make_error(vm::ErrorCode::kInvalidArgument, fmt::format("unknown option '{}'", arg));
    }
    if (o.image.empty()) {
      o.image = std::string(arg);
      continue;
    }
    VM_TRY_ASSIGN(std::uint64_t va, parse_number("virtual address", argv[i]));
    o.vas.push_back(va);
  }
  if (o.image.empty()) {
    return vm::make_error(vm::ErrorCode::kInvalidArgument, std::string("no image file given\n") + kUsage);
  }
  if (!o.satp_given) return vm::make_error(vm::ErrorCode::kInvalidArgument, "--satp is required");
  if (o.vas.empty()) {
    return vm::make_error(vm::ErrorCode::kInvalidArgument, "no virtual address given");
  }
  return o;
}

}  // namespace mem_walk
