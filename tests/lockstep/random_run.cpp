#include "random_run.hpp"

#include "insn_classes.hpp"
#include "lockstep_session.hpp"
#include "random_program.hpp"
#include "vm/cross_arch/riscv/decoder.hpp"

namespace vm::lockstep {

namespace rv = vm::cross_arch::riscv;

vm::Result<RandomRunResult> run_random(const RandomRunOptions& options) {
  const MemoryLayout layout;
  auto session = LockstepSession::create(layout);
  if (!session) return vm::make_error(session.error().code(), session.error().message());
  LockstepSession& s = **session;
  RandomProgram program(options.seed, layout);
  RandomRunResult result;
  result.retired_by_insn.assign(rv::kInsnCount, 0);

  ArchState registers;
  std::vector<std::uint8_t> data(layout.data_size);
  program.randomize_bytes(data);
  s.set_data(data);
  for (std::uint64_t i = 0; i < options.count; ++i) {
    if (i % options.rerandomize_every == 0) {
      program.randomize_registers(registers);
      s.set_registers(registers);
      // Fresh memory now and then, but never under a live reservation.
      if (i % (16 * options.rerandomize_every) == 0 && !program.reservation_live()) {
        program.randomize_bytes(data);
        s.set_data(data);
      }
    }
    const PlannedInsn insn = program.next(s.pc(), s.vm_state());
    result.mismatch = s.execute(insn);
    ++result.executed;
    if (s.last_outcome().trapped) {
      ++result.trapped;
    } else {
      const rv::InsnId id = rv::decode(insn.raw).id;
      ++result.retired_by_insn[static_cast<std::size_t>(id)];
      if (classify(id) == InsnClass::kBranch) ++(s.last_jumped() ? result.branches_taken : result.branches_not_taken);
      if (insn.length == 2) ++result.compressed_by_group[(insn.raw & 3) * 8 + ((insn.raw >> 13) & 7)];
    }
    if (insn.length == 2) ++result.compressed;
    if (result.mismatch) break;
  }
  return result;
}

}  // namespace vm::lockstep
