#include "random_program.hpp"

#include <array>

#include "insn_classes.hpp"
#include "vm/cross_arch/riscv/fp.hpp"

namespace vm::lockstep {
namespace {

using cross_arch::riscv::decode;
using cross_arch::riscv::DecodedInsn;
namespace fp = cross_arch::riscv::fp;

// Values where integer semantics have edges (signs, 32-bit boundaries).
constexpr std::array<std::uint64_t, 14> kEdgeInts = {0,
                                                     1,
                                                     ~0ull,
                                                     2,
                                                     ~1ull,
                                                     0x8000000000000000ull,
                                                     0x7fffffffffffffffull,
                                                     0xffffffff80000000ull,
                                                     0x7fffffffull,
                                                     0x80000000ull,
                                                     0xffffffffull,
                                                     0x100000000ull,
                                                     0xffffffff7fffffffull,
                                                     0x00000000ffff8000ull};

// Doubles where FP semantics have edges: signed zeros and infinities, quiet
// and signalling NaNs with payloads, subnormals, ties, and the boundaries of
// every integer conversion target.
constexpr std::array<std::uint64_t, 33> kEdgeDoubles = {
    0x0000000000000000, 0x8000000000000000, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000,
    0x7ff8000000000123, 0xfff8000000000000, 0x7ff0000000000001, 0x7ff4000000000000, 0xfff4000000000abc,
    0x0000000000000001, 0x000fffffffffffff, 0x0010000000000000, 0x8000000000000001, 0x3ff0000000000000,
    0xbff0000000000000, 0x3fe0000000000000, 0xbfe0000000000000, 0x3ff8000000000000, 0x4004000000000000,
    0xc004000000000000, 0x7fefffffffffffff, 0x41e0000000000000, 0x41dfffffffc00000, 0xc1e0000000000000,
    0xc1e0000000200000, 0x41f0000000000000, 0x41efffffffe00000, 0x43e0000000000000, 0xc3e0000000000000,
    0x43f0000000000000, 0x3ca0000000000000, 0x7fe0000000000000};

constexpr std::array<std::uint32_t, 28> kEdgeSingles = {
    0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fc00123, 0xffc00000,
    0x7f800001, 0x7fa00000, 0xffa00abc, 0x00000001, 0x007fffff, 0x00800000, 0x3f800000,
    0xbf800000, 0x3f000000, 0xbf000000, 0x3fc00000, 0x40200000, 0xc0200000, 0x7f7fffff,
    0x4f000000, 0x4effffff, 0xcf000000, 0x4f800000, 0x5f000000, 0xdf000000, 0x5f800000};

constexpr std::array<unsigned, 6> kRoundingModes = {0, 1, 2, 3, 4, 7};  // never the reserved 5 and 6

bool has_rm(cross_arch::riscv::InsnId id) { return cross_arch::riscv::format_info(id).has_rm; }

// Rewrites the offset of a branch or jal (32- or 16-bit) to kJumpDistance:
// offset bit 3 sits at bit 10 (B-type, CB), 23 (J-type) or 5 (CJ).
std::uint32_t with_jump_distance(std::uint32_t raw, const DecodedInsn& d) {
  static_assert(kJumpDistance == 8);
  const bool jal = classify(d.id) == InsnClass::kJal;
  if (d.length == 4) return jal ? (raw & 0x00000fffu) | (1u << 23) : (raw & 0x01fff07fu) | (1u << 10);
  return jal ? (raw & ~0x1ffcu) | (1u << 5) : (raw & ~0x1c7cu) | (1u << 10);
}

}  // namespace

RandomProgram::RandomProgram(std::uint64_t seed, const MemoryLayout& layout) : layout_(layout), rng_(seed) {
  for (std::size_t i = 1; i < cross_arch::riscv::kInsnCount; ++i) {
    const auto id = static_cast<cross_arch::riscv::InsnId>(i);
    if (classify(id) != InsnClass::kExcluded) candidates_.push_back(id);
  }
}

PlannedInsn RandomProgram::next(std::uint64_t pc, const ArchState& before) {
  for (;;) {
    PlannedInsn insn;
    insn.raw = pick_encoding();
    if (shape(pc, before, insn)) return insn;
  }
}

// A table row with its free bits random (or a random 16-bit parcel), with
// the fields that must be constrained already fixed.
std::uint32_t RandomProgram::pick_encoding() {
  using cross_arch::riscv::InsnId;
  if (reservation_live() && chance(30)) {
    const auto& info = cross_arch::riscv::insn_info(reservation_size_ == 4 ? InsnId::SC_W : InsnId::SC_D);
    return info.match | (static_cast<std::uint32_t>(rng_()) & ~info.mask & ~(0x1fu << 15)) |
           static_cast<std::uint32_t>(1 + rng_() % 31) << 15;
  }
  if (chance(25)) {
    for (;;) {
      const auto parcel = static_cast<std::uint32_t>(rng_() & 0xffff);
      if ((parcel & 3) != 3) return parcel;
    }
  }
  const InsnId id = candidates_[rng_() % candidates_.size()];
  const auto& info = cross_arch::riscv::insn_info(id);
  std::uint32_t raw = info.match | (static_cast<std::uint32_t>(rng_()) & ~info.mask);
  if (has_rm(id)) raw = (raw & ~(7u << 12)) | (kRoundingModes[rng_() % kRoundingModes.size()] << 12);
  const InsnClass cls = classify(id);
  // Only the FP CSRs: counters differ between any two machines, and
  // machine-mode CSRs do not exist for a user-mode program.
  if (cls == InsnClass::kCsr) raw = (raw & 0x000fffff) | static_cast<std::uint32_t>(1 + rng_() % 3) << 20;
  // Memory operands and jalr need a base register the harness can set.
  const bool needs_base = cls == InsnClass::kLoad || cls == InsnClass::kStore || cls == InsnClass::kAmo ||
                          cls == InsnClass::kLr || cls == InsnClass::kSc || cls == InsnClass::kJalr;
  if (needs_base && ((raw >> 15) & 31) == 0) raw |= static_cast<std::uint32_t>(1 + rng_() % 31) << 15;
  return raw;
}

// Decodes the candidate and derives the register presets that keep it inside
// the single-step model; false rejects it.
bool RandomProgram::shape(std::uint64_t pc, const ArchState& before, PlannedInsn& insn) {
  DecodedInsn d = decode(insn.raw);
  if (d.id == cross_arch::riscv::InsnId::kIllegal) return false;
  insn.length = d.length;
  switch (classify(d.id)) {
    case InsnClass::kExcluded:
      return false;
    case InsnClass::kBranch:
    case InsnClass::kJal:
      insn.raw = with_jump_distance(insn.raw, d);
      d = decode(insn.raw);
      if (d.imm != static_cast<std::int64_t>(kJumpDistance)) return false;
      insn.jump_target = pc + kJumpDistance;
      break;
    case InsnClass::kJalr:
      if (d.rs1 == 0) return false;
      insn.presets.push_back({false, d.rs1, pc + kJumpDistance - static_cast<std::uint64_t>(d.imm)});
      insn.jump_target = pc + kJumpDistance;
      break;
    case InsnClass::kPlain:
    case InsnClass::kCsr:
      break;
    default:
      if (!shape_memory(d, insn)) return false;
      break;
  }
  box_single_sources(d, before, insn);
  return true;
}

bool RandomProgram::shape_memory(const DecodedInsn& d, PlannedInsn& insn) {
  const InsnClass cls = classify(d.id);
  const unsigned size = access_size(d.id);
  if (d.rs1 == 0) return false;
  // Between LR and SC memory stays unchanged: QEMU's SC succeeds only if the
  // reserved word still holds the loaded value, vm's on the reservation alone.
  if (reservation_live() && (cls == InsnClass::kStore || cls == InsnClass::kAmo)) return false;
  std::uint64_t addr = 0;
  if (cls == InsnClass::kLoad || cls == InsnClass::kStore) {
    addr = data_address(size, !chance(15));
  } else if (cls == InsnClass::kSc && reservation_live()) {
    // Same address and width as the LR: both machines must succeed.
    if (size != reservation_size_) return false;
    addr = reservation_addr_;
  } else {
    addr = data_address(size, true);  // AMOs and LR/SC must be aligned
  }
  if (cls == InsnClass::kLr) {
    reservation_addr_ = addr;
    reservation_size_ = size;
  } else if (cls == InsnClass::kSc) {
    reservation_size_ = 0;  // an SC always ends the reservation
  }
  insn.presets.push_back({false, d.rs1, addr - static_cast<std::uint64_t>(d.imm)});
  return true;
}

// Unicorn 2.0 (QEMU 5.0) reads single operands from the low 32 bits without
// checking the NaN-box; vm (like the current spec) reads an improperly boxed
// value as the canonical NaN. Give single operations boxed operands only;
// the unboxed case is covered by a directed vm test.
void RandomProgram::box_single_sources(const DecodedInsn& d, const ArchState& before, PlannedInsn& insn) {
  if (!reads_single(d.id)) return;
  const auto& format = cross_arch::riscv::format_info(d.id);
  const std::pair<cross_arch::riscv::RegClass, unsigned> sources[] = {
      {format.rs1, d.rs1}, {format.rs2, d.rs2}, {format.rs3, d.rs3}};
  for (const auto& [cls, reg] : sources) {
    if (cls != cross_arch::riscv::RegClass::kF || (before.f[reg] >> 32) == 0xffffffffu) continue;
    const auto low = static_cast<std::uint32_t>(before.f[reg]);
    insn.presets.push_back({true, reg, fp::nan_box(chance(50) ? low : random_single())});
  }
}

std::uint64_t RandomProgram::data_address(unsigned size, bool aligned) {
  const std::uint64_t span = layout_.data_size;
  if (aligned) return layout_.data_base + (rng_() % (span / size)) * size;
  // Misaligned accesses straddling the page boundary inside the region are
  // the interesting ones (split accesses); make them common.
  if (size > 1 && chance(30)) return layout_.data_base + 4096 - 1 - rng_() % (size - 1);
  return layout_.data_base + rng_() % (span - size + 1);
}

void RandomProgram::randomize_registers(ArchState& state) {
  for (unsigned r = 1; r < 32; ++r) state.x[r] = random_x();
  for (unsigned r = 0; r < 32; ++r) state.f[r] = random_f();
  // A valid dynamic rounding mode nearly always; sometimes a reserved one,
  // so that dynamic-rm instructions must be illegal in both machines.
  const std::uint32_t frm =
      chance(97) ? static_cast<std::uint32_t>(rng_() % 5) : 5 + static_cast<std::uint32_t>(rng_() % 3);
  state.fcsr = (frm << 5) | static_cast<std::uint32_t>(rng_() & 31);
}

void RandomProgram::randomize_bytes(std::vector<std::uint8_t>& bytes) {
  for (auto& b : bytes) b = static_cast<std::uint8_t>(rng_());
}

std::uint64_t RandomProgram::random_x() {
  switch (rng_() % 8) {
    case 0:
    case 1:
      return kEdgeInts[rng_() % kEdgeInts.size()];
    case 2:
      return static_cast<std::uint64_t>(static_cast<std::int64_t>(rng_() % 256) - 128);
    case 3:
      return static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(rng_())));
    case 4:
      return rng_() & 0xffffffffu;
    case 5:
      return (1ull << (rng_() % 64)) - (rng_() % 2);
    case 6:
      return layout_.data_base + rng_() % layout_.data_size;
    default:
      return rng_();
  }
}

std::uint64_t RandomProgram::random_f() {
  const unsigned pick = rng_() % 10;
  if (pick < 5) return random_double();
  if (pick < 9) return fp::nan_box(random_single());
  // Improperly boxed singles: fine for double and raw-move operations.
  return (chance(50) ? 0 : rng_() << 32) | random_single();
}

std::uint32_t RandomProgram::random_single() {
  switch (rng_() % 4) {
    case 0:
    case 1:
      return kEdgeSingles[rng_() % kEdgeSingles.size()];
    case 2: {  // a normal number near 1, so arithmetic results stay normal and round
      const auto exponent = static_cast<std::uint32_t>(127 - 8 + rng_() % 16);
      return (static_cast<std::uint32_t>(rng_() & 1) << 31) | (exponent << 23) |
             static_cast<std::uint32_t>(rng_() & 0x7fffff);
    }
    default:
      return static_cast<std::uint32_t>(rng_());
  }
}

std::uint64_t RandomProgram::random_double() {
  switch (rng_() % 5) {
    case 0:
    case 1:
      return kEdgeDoubles[rng_() % kEdgeDoubles.size()];
    case 2: {
      const std::uint64_t exponent = 1023 - 16 + rng_() % 32;
      return ((rng_() & 1) << 63) | (exponent << 52) | (rng_() & 0xfffffffffffffull);
    }
    case 3: {  // an integer value, exact or just off, near conversion limits
      const double v = static_cast<double>(static_cast<std::int64_t>(rng_()) >> (rng_() % 64));
      std::uint64_t bits;
      static_assert(sizeof bits == sizeof v);
      __builtin_memcpy(&bits, &v, sizeof bits);
      return bits + (rng_() % 3) - 1;
    }
    default:
      return rng_();
  }
}

}  // namespace vm::lockstep
