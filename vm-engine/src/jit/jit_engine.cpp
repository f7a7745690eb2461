// The JIT/tiered dispatcher: looks up the compiled code for cpu.pc (jump
// cache, then a map), runs it, and otherwise either compiles on the spot
// (jit) or interprets one block and counts it towards promotion (tiered).
// Tiered promotion is interpreter -> baseline block (compiled here, on the
// spot) -> baseline region (the region just queued for LLVM, compiled here
// in tens of microseconds) -> LLVM (background compilers, which publish
// code with one atomic store per region).
#include "vm/engine/jit_engine.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <semaphore>
#include <thread>
#include <unordered_map>
#include <utility>

#include <boost/lockfree/queue.hpp>

#include "interp/host_fp.hpp"
#include "interp/translate.hpp"
#include "jit/compile_batch.hpp"
#include "jit/llvm_tier.hpp"
#include "jit/perf_map.hpp"
#include "jit/region.hpp"
#include "jit/region_compiler.hpp"
#include "jit/runtime.hpp"
#include "jit/x64/baseline_compiler.hpp"
#include "jit/x64/code_arena.hpp"
#include "vm/cross_arch/frontend.hpp"
#include "vm/engine/interpreter.hpp"

namespace vm::engine {

using jit::BlockFn;

namespace host_fp = interp::host_fp;

namespace {

using jit::CodeEntry;

struct Request {
  CodeEntry* entry;
  jit::Region region;
  std::chrono::steady_clock::time_point queued_at = std::chrono::steady_clock::now();
  bool heat_counted = false;  // the entry's baseline code reports its runs (CodeEntry::heat)
};

// A queued region whose entry has not run another `threshold` times
// within this long is parked: not compiled until it gets hot again (or
// wait_for_compiles). Start-up code (libc's initialisation loops) gets hot
// once and never runs again; compiling it took 14-20 ms of the compiler
// thread while branchy's hot loops, queued just after, waited.
constexpr std::chrono::milliseconds kParkAfter{10};

// Tiered: the LLVM tier is loaded no sooner than this after the engine
// starts, unless JitOptions::abandon_compiles_at_exit. Loading it costs
// 5-20 ms of the compiler thread, and a run that ends meanwhile waits for
// the load to finish (dlopen cannot be abandoned): a short program whose
// start-up code merely gets warm is done before this.
constexpr std::chrono::milliseconds kFirstLoadDelay{20};

// Tiered regions follow the interpreter's profile and may be larger; jit
// mode has no profile, so it keeps regions small to bound compile time.
// 24 blocks hold branchy's bytecode interpreter loop (a dispatch switch of
// 12 cases) in one region: at 16 (and 20) every case the limit left out
// became the entry of a near-copy of the loop, 18 regions and 440 ms of
// compiling instead of 6 and 115 ms (fp_nbody 227 -> 121 ms). More
// instructions than 512 only made libc's string functions' regions bigger.
// Jit mode at 6 blocks (enough for jit_vs_interp/mixed's loop with its
// call, callee and return site in one region) ran the guest workloads
// 23-35% slower: its synchronous compiles of bigger regions.
constexpr jit::RegionLimits kTieredRegionLimits{24, 512};
constexpr jit::RegionLimits kJitRegionLimits{4, 192};

// Baseline code needs ~40 bytes per guest instruction; 64 MiB holds over a
// million instructions of warm code before the tier stops compiling (it is
// reset whenever the code cache is flushed).
constexpr std::size_t kBaselineArenaBytes = std::size_t{64} << 20;

}  // namespace

struct JitEngine::Impl {
  Impl(mem::UserAddressSpace& m, JitOptions o) : memory(m), options(std::move(o)), translator(m) {}
  ~Impl() { stop_workers(); }

  mem::UserAddressSpace& memory;
  JitOptions options;
  interp::Translator translator;
  std::unique_ptr<Interpreter> interpreter;
  std::unique_ptr<jit::RegionCompiler> sync_compiler;  // jit mode
  std::vector<std::thread> workers;                    // tiered mode, each with its own compiler
  boost::lockfree::queue<Request*> queue{1024};
  std::counting_semaphore<> pending{0};
  std::atomic<bool> stopping{false};
  std::mutex stop_mutex;  // with stop_signal: wakes a worker delaying the first load
  std::condition_variable stop_signal;
  const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  // Tiered: the LLVM tier could not be loaded; hot blocks stay interpreted.
  std::atomic<bool> compiler_unavailable{false};
  std::atomic<std::uint64_t> in_flight{0};
  std::atomic<bool> draining{false};  // wait_for_compiles: parked requests compile too
  // Times hot baseline code asked for optimisation (written by the
  // dispatcher thread; CodeEntry::last_hot).
  std::atomic<std::uint32_t> hot_requests{0};
  std::unique_ptr<jit::PerfMap> perf_map;
  std::unique_ptr<jit::x64::CodeArena> baseline_arena;  // null: no baseline tier
  std::vector<double> baseline_seconds;                 // per block
  std::vector<double> baseline_region_seconds;          // per region

  // Slots are never freed before the engine: compiled code holds their
  // addresses, and a compiler thread may publish into one after a flush
  // unhooked it.
  std::deque<std::unique_ptr<CodeEntry>> entries;
  std::unordered_map<std::uint64_t, CodeEntry*> map;
  std::array<CodeEntry*, jit::kJumpCacheSize> jump_cache{};
  jit::JitContext ctx;
  Trap trap;

  mutable std::mutex stats_mutex;
  JitStats stats;
  std::vector<double> compile_seconds;  // per region

  CodeEntry* slot_for(std::uint64_t pc) {
    CodeEntry*& e = map[pc];
    if (!e) {
      entries.push_back(std::make_unique<CodeEntry>());
      e = entries.back().get();
      e->pc = pc;
    }
    return e;
  }

  CodeEntry* lookup(std::uint64_t pc) {
    CodeEntry*& cached = jump_cache[jit::jump_cache_slot(pc)];
    if (cached && cached->pc == pc) return cached;
    cached = slot_for(pc);
    return cached;
  }

  void record_compiles(const std::vector<jit::CompiledBlock>& compiled, const std::vector<Request*>& batch,
                       double seconds) {
    std::lock_guard lock(stats_mutex);
    stats.blocks_compiled += compiled.size();
    stats.compile_seconds_total += seconds;
    for (std::size_t i = 0; i < compiled.size(); ++i) {
      stats.region_guest_insns += batch[i]->region.guest_insn_count();
      compile_seconds.push_back(seconds / static_cast<double>(compiled.size()));
      if (perf_map)
        perf_map->add(reinterpret_cast<const void*>(compiled[i].fn), compiled[i].code_size,
                      batch[i]->region.entry_pc());
    }
  }

  // Compiles a batch and publishes each region with a release store.
  void compile_batch(jit::RegionCompiler& compiler, const std::vector<Request*>& batch) {
    std::vector<const jit::Region*> regions;
    for (Request* r : batch) regions.push_back(&r->region);
    const auto start = std::chrono::steady_clock::now();
    auto compiled = compiler.compile(regions);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!compiled) {
      std::lock_guard lock(stats_mutex);
      stats.compile_failures += batch.size();
      return;
    }
    record_compiles(*compiled, batch, seconds);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      batch[i]->entry->fn.store((*compiled)[i].fn, std::memory_order_release);
      if (options.on_optimized) options.on_optimized(batch[i]->entry->pc);
    }
  }

  // Each worker creates its compiler when the first region reaches it, so
  // loading the LLVM tier never delays the interpreter and a run that never
  // gets hot never loads it.
  void worker_loop() {
    std::unique_ptr<jit::RegionCompiler> compiler;
    // Requests this worker took off the queue and has not compiled yet.
    std::vector<Request*> backlog;
    for (;;) {
      // A bounded wait, re-checking `stopping`: the batch loop below may
      // consume a permit that stop_workers() released for this thread, so
      // a plain acquire() could sleep forever at shutdown.
      if (stopping.load(std::memory_order_acquire)) return drop(backlog);
      bool have_permit = false;
      if (backlog.empty() || all_parked(backlog)) {
        // Parked requests are looked at again when the wait times out.
        have_permit = pending.try_acquire_for(std::chrono::milliseconds(20));
        if (!have_permit && backlog.empty()) continue;
      }
      if (stopping.load(std::memory_order_acquire)) return drop(backlog);
      take_queued(backlog, have_permit);
      if (backlog.empty()) continue;
      if (!compiler && !compiler_unavailable.load(std::memory_order_acquire) && delay_first_load()) {
        compiler = create_worker_compiler();
        take_queued(backlog, false);  // what got hot while the tier was loading competes too
      }
      // Loading takes tens of milliseconds: a shutdown meanwhile drops the
      // backlog rather than compiling it.
      if (stopping.load(std::memory_order_acquire)) return drop(backlog);
      std::vector<Request*> batch = next_batch(backlog);
      if (batch.empty()) continue;  // all parked
      if (compiler) {
        compile_batch(*compiler, batch);
      } else {
        std::lock_guard lock(stats_mutex);
        stats.compile_failures += batch.size();
      }
      for (Request* done : batch) delete done;
      in_flight.fetch_sub(batch.size(), std::memory_order_acq_rel);
    }
  }

  // Moves everything queued into the backlog, taking each request's permit
  // (`have_permit`: one was taken already). A permit another worker took
  // for a request this one popped only wakes it to an empty queue.
  void take_queued(std::vector<Request*>& backlog, bool have_permit) {
    Request* r = nullptr;
    while (queue.pop(r)) {
      if (!have_permit) (void)pending.try_acquire();
      have_permit = false;
      backlog.push_back(r);
    }
  }

  // The hottest requests first: code still running in the baseline tier
  // keeps asking (CodeEntry::heat), while start-up code queued first may
  // never run again. Before this, FIFO order made int_mix's hot loops wait
  // ~110 ms behind libc's start-up regions. Heat is divided by how many
  // requests other blocks made since the entry last asked, so a loop that
  // has finished stops competing: fp_nbody's first matrix multiply (heat
  // 107, then never again) went before its n-body loop (heat 47 and
  // rising) and delayed it by the multiply's 15 ms compile. Small regions
  // are batched, a large one goes alone (see batch_size).
  std::vector<Request*> next_batch(std::vector<Request*>& backlog) {
    // Sorted on a snapshot: the dispatcher keeps raising heat meanwhile,
    // and a comparison that changes during a sort breaks the sort.
    const std::uint32_t requests = hot_requests.load(std::memory_order_relaxed);
    const auto now = std::chrono::steady_clock::now();
    std::vector<jit::QueuedRegion> queue;
    for (std::size_t i = 0; i < backlog.size(); ++i) {
      const Request* r = backlog[i];
      queue.push_back({r->entry->compile_priority(requests), r->region.guest_insn_count(), parked(r, now), i});
    }
    jit::sort_for_batching(queue);
    const std::size_t taken = jit::batch_size(queue);
    std::vector<Request*> batch, rest;
    for (std::size_t i = 0; i < queue.size(); ++i) (i < taken ? batch : rest).push_back(backlog[queue[i].index]);
    backlog = std::move(rest);
    return batch;
  }

  bool parked(const Request* r, std::chrono::steady_clock::time_point now) const {
    return r->heat_counted && !draining.load(std::memory_order_acquire) && now - r->queued_at > kParkAfter &&
           r->entry->heat.load(std::memory_order_relaxed) == 0;
  }
  bool all_parked(const std::vector<Request*>& backlog) const {
    const auto now = std::chrono::steady_clock::now();
    return std::all_of(backlog.begin(), backlog.end(), [&](const Request* r) { return parked(r, now); });
  }

  void drop(std::vector<Request*>& backlog) {
    for (Request* r : backlog) delete r;
    in_flight.fetch_sub(backlog.size(), std::memory_order_acq_rel);
    backlog.clear();
  }

  // Waits out kFirstLoadDelay unless the tier is already loaded; false when
  // the engine stops meanwhile.
  bool delay_first_load() {
    if (jit::llvm_tier_loaded()) return true;
    std::unique_lock lock(stop_mutex);
    const auto delay = options.abandon_compiles_at_exit ? std::chrono::milliseconds{0} : kFirstLoadDelay;
    return !stop_signal.wait_until(lock, started + delay, [this] { return stopping.load(std::memory_order_acquire); });
  }

  std::unique_ptr<jit::RegionCompiler> create_worker_compiler() {
    auto compiler = jit::create_llvm_compiler(options.opt_level);
    if (compiler) return std::move(*compiler);
    // One line however many workers fail; the dispatcher stops queueing.
    if (!compiler_unavailable.exchange(true, std::memory_order_acq_rel))
      std::fprintf(stderr, "vm: %s; hot code stays in the interpreter\n", compiler.error().message().c_str());
    return nullptr;
  }

  // Stops the compiler threads: joined, or (abandon_compiles_at_exit)
  // detached, when the caller leaks this object, which they still use.
  void stop_workers(bool abandon = false) {
    {
      std::lock_guard lock(stop_mutex);
      stopping.store(true, std::memory_order_release);
    }
    stop_signal.notify_all();
    for (std::size_t i = 0; i < workers.size(); ++i) pending.release();
    for (std::thread& t : workers) abandon ? t.detach() : t.join();
    workers.clear();
    if (abandon) return;
    Request* r = nullptr;
    while (queue.pop(r)) delete r;
  }

  // Whether an entry runs LLVM code (as opposed to none or baseline code).
  bool is_optimized(const CodeEntry* e) const { return is_llvm_code(e->fn.load(std::memory_order_acquire)); }
  bool is_llvm_code(BlockFn fn) const {
    return fn && !(baseline_arena && baseline_arena->contains(reinterpret_cast<const void*>(fn)));
  }

  // Tiered: counts an interpreted run of `e` and, at the threshold, compiles
  // it with the baseline tier and publishes it. Null while it stays in the
  // interpreter (cold, unfetchable, or the arena is full).
  BlockFn maybe_compile_baseline(CodeEntry* e) {
    if (e->no_baseline || ++e->count < options.baseline_threshold) return nullptr;
    host_fp::HostFpPause keep_guest_fp_flags;  // the timing below computes in doubles
    const auto start = std::chrono::steady_clock::now();
    cross_arch::ir::Block block = lift(e->pc);
    if (interp::Translator::is_fetch_fault(block)) return nullptr;  // the interpreter reports it
    // At threshold 1 the interpreter never translated this block: -d in_asm
    // hears of it from here.
    if (options.baseline_threshold <= 1 && options.on_translate) options.on_translate(block);
    jit::x64::BaselineOptions baseline_options;
    const bool to_llvm = options.optimize && !compiler_unavailable.load(std::memory_order_relaxed);
    baseline_options.count_hot = to_llvm || (!options.optimize && options.baseline_regions);
    baseline_options.note_targets = baseline_options.count_hot;
    const std::vector<std::uint8_t> code = jit::x64::compile_baseline(
        block, e, [this](std::uint64_t pc) { return slot_for(pc); }, baseline_options);
    const void* fn = baseline_arena->add(code.data(), code.size());
    if (!fn) {
      e->no_baseline = true;  // full: LLVM promotion counts interpreted runs again
      return nullptr;
    }
    const std::uint64_t runs = e->count;
    e->hot_countdown = static_cast<std::int32_t>(options.threshold > runs ? options.threshold - runs : 1);
    return publish_baseline(e, fn, code.size(), start, /*region=*/false);
  }

  // Counts baseline code compiled since `start` (a block's or a region's),
  // names it in the perf map and publishes it at `e`.
  BlockFn publish_baseline(CodeEntry* e, const void* fn, std::size_t bytes, std::chrono::steady_clock::time_point start,
                           bool region) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    {
      std::lock_guard lock(stats_mutex);
      ++(region ? stats.baseline_regions : stats.baseline_blocks);
      (region ? stats.baseline_region_code_bytes : stats.baseline_code_bytes) += bytes;
      (region ? stats.baseline_region_seconds_total : stats.baseline_seconds_total) += seconds;
      (region ? baseline_region_seconds : baseline_seconds).push_back(seconds);
    }
    if (perf_map) perf_map->add(fn, bytes, e->pc, region ? ".baseline_region" : ".baseline");
    auto block_fn = reinterpret_cast<BlockFn>(const_cast<void*>(fn));
    e->fn.store(block_fn, std::memory_order_release);
    return block_fn;
  }

  // Tiered: compiles a region just formed for LLVM with the baseline tier
  // and publishes it at its entry, where it runs until LLVM's code replaces
  // it (milliseconds later, or much later behind a queue of other regions).
  void publish_baseline_region(CodeEntry* e, const jit::Region& region) {
    if (!baseline_arena || !options.baseline_regions || e->no_baseline) return;
    host_fp::HostFpPause keep_guest_fp_flags;  // the timing below computes in doubles
    const auto start = std::chrono::steady_clock::now();
    jit::x64::BaselineOptions baseline_options;
    // Counts heat for the queued region, as block code did; with no LLVM
    // tier there is nothing more to ask for.
    baseline_options.count_hot = options.optimize;
    baseline_options.arena_base = baseline_arena->exec_base();
    baseline_options.arena_size = baseline_arena->capacity();
    const std::vector<std::uint8_t> code = jit::x64::compile_baseline_region(
        region, e, [this](std::uint64_t pc) { return slot_for(pc); }, baseline_options);
    const void* fn = baseline_arena->add(code.data(), code.size());
    if (fn) publish_baseline(e, fn, code.size(), start, /*region=*/true);  // else full: the block code stays
  }

  // Baseline code at `e` asked for optimisation (kExitHot).
  void promote_hot(CodeEntry* e, const CpuState& cpu) {
    if (!options.optimize) return region_without_llvm(e);
    if (compiler_unavailable.load(std::memory_order_relaxed)) return;
    // Whatever happens below, the block counts another threshold of runs:
    // as the heat of its queued region, or while a region covering it
    // compiles (then counting again, see counts_towards_compiling).
    e->hot_countdown = static_cast<std::int32_t>(std::max(1u, options.threshold));
    const std::uint32_t now = hot_requests.load(std::memory_order_relaxed) + 1;
    hot_requests.store(now, std::memory_order_relaxed);
    e->last_hot.store(now, std::memory_order_relaxed);
    if (e->queued) {
      e->heat.fetch_add(1, std::memory_order_relaxed);  // the compiler takes the hottest first
      return;
    }
    if (e->covered_by && !is_optimized(e->covered_by)) return;
    e->covered_by = nullptr;
    enqueue(e, cpu);
  }

  // The baseline tier alone (--engine baseline): a hot block's region is
  // compiled by the baseline tier, once per entry, on the spot.
  void region_without_llvm(CodeEntry* e) {
    if (e->queued) return;
    e->queued = true;
    cross_arch::ir::Block entry = lift(e->pc);
    if (interp::Translator::is_fetch_fault(entry)) return;
    publish_baseline_region(e, form_region(std::move(entry)));
  }

  cross_arch::ir::Block lift(std::uint64_t pc) {
    host_fp::HostFpPause keep_guest_fp_flags;
    cross_arch::ir::Block block = translator.lift(pc, options.max_block_insns);
    ++stats.blocks_translated;
    return block;
  }

  // The region growing from an entry block whose first instruction could be
  // fetched; in jit mode every lifted block is reported (-d in_asm).
  jit::Region form_region(cross_arch::ir::Block entry) {
    const bool report = !options.tiered && options.on_translate;
    if (report) options.on_translate(entry);
    auto lift_more = [&](std::uint64_t pc) -> std::optional<cross_arch::ir::Block> {
      cross_arch::ir::Block block = lift(pc);
      if (interp::Translator::is_fetch_fault(block)) return std::nullopt;
      if (report) options.on_translate(block);
      return block;
    };
    auto slot_of = [&](std::uint64_t pc) -> const CodeEntry* { return slot_for(pc); };
    // Only blocks that ran at least twice: a block run once by the time its
    // loop got hot is start-up code, a loop's first-iteration special case
    // or a call made every thousandth iteration. fp_nbody's hot loop took in
    // its every-20000-steps matrix multiply (run once so far), 141 of the
    // region's 283 instructions, and published ~10 ms later; the p99 region
    // compile of int_mix and memory fell from 31 ms to 8-11 ms. A block
    // reaches the baseline tier on its second run (baseline_threshold), so
    // having code means it ran twice (at baseline_threshold 1, once).
    // An indirect jump's seen target is in once it ran: a dispatch loop's
    // rare case (branchy's bytecode DEC_R0_JNZ, once per ~100 dispatches)
    // left out would leave the region on every visit, get hot by itself and
    // start a near-copy of the whole loop (27 ms of compiling).
    auto include = [&](std::uint64_t pc, bool indirect_target) {
      if (!options.tiered) return true;
      auto it = map.find(pc);
      if (it == map.end()) return false;
      const CodeEntry& e = *it->second;
      return e.count >= (indirect_target ? 1u : 2u) || e.fn.load(std::memory_order_relaxed);
    };
    auto seen_targets = [&](std::uint64_t pc) {
      const CodeEntry* e = slot_for(pc);
      return std::vector<std::uint64_t>(e->seen_targets.begin(), e->seen_targets.begin() + e->seen_count);
    };
    if (!options.tiered) return jit::form_region(std::move(entry), lift_more, slot_of, include, kJitRegionLimits);
    return jit::form_region(std::move(entry), lift_more, slot_of, include, kTieredRegionLimits, seen_targets);
  }

  // A block that a queued region already contains keeps running in the
  // interpreter until that region is published (compiles take milliseconds)
  // and would otherwise start a near-copy of the same region: it is not
  // counted until then, and becomes an entry of its own only if it stays
  // hot afterwards (reached from elsewhere).
  bool counts_towards_compiling(CodeEntry* e) {
    if (!e->covered_by) return true;
    if (!is_optimized(e->covered_by)) return false;
    e->covered_by = nullptr;
    e->count = 0;
    return true;
  }

  // `cpu` is at e's pc: the values the region may assume (Region::assumed).
  void enqueue(CodeEntry* e, const CpuState& cpu) {
    e->queued = true;
    cross_arch::ir::Block entry = lift(e->pc);
    if (interp::Translator::is_fetch_fault(entry)) return;
    auto* request = new Request{e, form_region(std::move(entry))};
    if (!e->no_assumptions)
      for (cross_arch::ir::Slot s : jit::invariant_divisors(request->region))
        if (cpu.regs[s] != 0) request->region.assumed.emplace_back(s, cpu.regs[s]);
    request->heat_counted = baseline_arena && !e->no_baseline;
    for (std::size_t i = 1; i < request->region.blocks.size(); ++i) {
      CodeEntry* covered = slot_for(request->region.blocks[i].start_pc);
      if (!covered->queued) covered->covered_by = e;
    }
    publish_baseline_region(e, request->region);
    in_flight.fetch_add(1, std::memory_order_acq_rel);
    if (!queue.push(request)) {
      in_flight.fetch_sub(1, std::memory_order_acq_rel);
      delete request;
      return;
    }
    pending.release();
  }

  HaltReason run(CpuState& cpu, std::uint64_t max_insns);
  // `counts`: whether this run counts towards compiling a region at e->pc.
  HaltReason interpret_one(CpuState& cpu, CodeEntry* e, bool counts = true);
  BlockFn compile_now(CodeEntry* e, CpuState& cpu, HaltReason& fetch_fault);
};

// Jit mode: compile the region starting here before it first runs. Fetch
// faults are not cached (the page may be mapped later) and are reported
// directly.
BlockFn JitEngine::Impl::compile_now(CodeEntry* e, CpuState& cpu, HaltReason& fetch_fault) {
  cross_arch::ir::Block entry = lift(e->pc);
  if (interp::Translator::is_fetch_fault(entry)) {
    if (options.on_translate) options.on_translate(entry);
    const cross_arch::ir::Op& op = entry.ops[0];
    trap = Trap{op.aux, static_cast<std::uint64_t>(op.imm), cpu.pc};
    fetch_fault = HaltReason::kFault;
    return nullptr;
  }
  e->queued = true;
  Request request{e, form_region(std::move(entry))};
  host_fp::HostFpPause keep_guest_fp_flags;
  compile_batch(*sync_compiler, {&request});
  return e->fn.load(std::memory_order_acquire);
}

// Tiered mode (and the jit mode's fallback): one block in the interpreter.
HaltReason JitEngine::Impl::interpret_one(CpuState& cpu, CodeEntry* e, bool counts) {
  // With the baseline tier, promotion to LLVM is counted by baseline code.
  const bool counts_here = counts && (!baseline_arena || e->no_baseline);
  if (options.tiered && options.optimize && counts_here && !e->queued && counts_towards_compiling(e) &&
      ++e->count >= options.threshold && !compiler_unavailable.load(std::memory_order_relaxed))
    enqueue(e, cpu);
  const std::uint64_t before = cpu.instret;
  const HaltReason r = interpreter->run(cpu, 1);
  stats.insns_interpreted += cpu.instret - before;
  if (options.tiered && r == HaltReason::kInstructionLimit) e->note_target(cpu.pc);
  if (any(r, HaltReason::kFault | HaltReason::kBreakpoint)) trap = interpreter->last_trap();
  return r;
}

HaltReason JitEngine::Impl::run(CpuState& cpu, std::uint64_t max_insns) {
  host_fp::GuestFpScope guest_fp;  // the FP thunks keep flags pending in MXCSR like the interpreter
  const std::uint64_t stop_at =
      (max_insns > ~std::uint64_t{0} - cpu.instret) ? ~std::uint64_t{0} : cpu.instret + max_insns;
  ctx.base = memory.host_base();
  ctx.perms = memory.perm_table();
  ctx.limit = memory.limit();
  ctx.memory = &memory;
  // Compiled code returns once it gets near the budget; the interpreter
  // runs the last blocks, so the run stops at the same block boundary as an
  // interpreted one (see jit::kMaxUncheckedInsns).
  ctx.stop_at = stop_at > jit::kMaxUncheckedInsns ? stop_at - jit::kMaxUncheckedInsns : 0;
  ctx.jump_cache = jump_cache.data();
  HaltReason reason = HaltReason::kNone;
  for (;;) {
    CodeEntry* e = lookup(cpu.pc);
    BlockFn fn = e->fn.load(std::memory_order_acquire);
    if (!fn && !options.tiered) {
      HaltReason fault = HaltReason::kNone;
      fn = compile_now(e, cpu, fault);
      if (fault != HaltReason::kNone) {
        reason = fault;
        break;
      }
    }
    if (!fn && baseline_arena) fn = maybe_compile_baseline(e);
    if (fn && cpu.instret >= ctx.stop_at) fn = nullptr;  // near the budget
    if (!fn) {
      const HaltReason r = interpret_one(cpu, e);
      if (r != HaltReason::kInstructionLimit) {
        reason = r;
        break;
      }
    } else {
      const std::uint64_t before = cpu.instret;
      const std::uint32_t code = fn(&cpu, &ctx);
      if (ctx.raw_nan_slots != 0) jit::canonicalise_raw_nans(cpu.regs, ctx.raw_nan_slots);
      stats.insns_compiled_code += cpu.instret - before;
      ++stats.compiled_code_entries;
      if (is_llvm_code(fn)) ++stats.optimized_code_entries;
      if (code == jit::kExitNext && memory.code_write_pending()) {
        reason = HaltReason::kCodeInvalidated;
        break;
      }
      if (code == jit::kExitHot) {
        promote_hot(lookup(cpu.pc), cpu);
      } else if (code == jit::kExitAssumptionFailed) {
        // Unpublish the region; its block goes back to the lower tiers and
        // is queued again, to be compiled without assumptions.
        CodeEntry* failed = lookup(cpu.pc);
        failed->fn.store(nullptr, std::memory_order_release);
        failed->queued = false;
        failed->no_assumptions = true;
        ++stats.assumption_failures;
      } else if (code == jit::kExitSlowAccess || code == jit::kExitOddNan) {
        // Never compiled code at this pc, which would leave again: the
        // interpreter runs the access (and raises its fault) or the block,
        // and a region starting here would be no better, so the run is not
        // counted.
        if (code == jit::kExitSlowAccess) ++stats.slow_access_exits;
        const HaltReason r = interpret_one(cpu, lookup(cpu.pc), /*counts=*/false);
        if (r != HaltReason::kInstructionLimit) {
          reason = r;
          break;
        }
      } else if (code == jit::kExitInterpret) {
        // cpu.pc's entry, not necessarily `e`: code chained to the region
        // that returned.
        const HaltReason r = interpret_one(cpu, lookup(cpu.pc));
        if (r != HaltReason::kInstructionLimit) {
          reason = r;
          break;
        }
      } else if (code != jit::kExitNext) {
        if (code == jit::kExitEcall)
          reason = HaltReason::kEcall;
        else if (code == jit::kExitFenceI)
          reason = HaltReason::kCodeInvalidated;
        else {
          trap = ctx.trap;
          trap.pc = cpu.pc;  // compiled code leaves cpu.pc at the trapping instruction
          reason = trap.cause == static_cast<std::uint64_t>(cross_arch::TrapCause::kBreakpoint)
                       ? HaltReason::kBreakpoint
                       : HaltReason::kFault;
        }
        break;
      }
    }
    if (cpu.instret >= stop_at) {
      reason = HaltReason::kInstructionLimit;
      break;
    }
  }
  host_fp::fold_flags(cpu.fcsr);
  return reason;
}

JitEngine::JitEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JitEngine::~JitEngine() {
  if (impl_ && impl_->options.abandon_compiles_at_exit && !impl_->workers.empty()) {
    impl_->stop_workers(/*abandon=*/true);
    (void)impl_.release();  // deliberately leaked: detached workers still use it until the process ends
  }
}

vm::Result<std::unique_ptr<JitEngine>> JitEngine::create(mem::UserAddressSpace& memory, JitOptions options) {
  if (options.max_block_insns == 0 || options.max_block_insns > 255) options.max_block_insns = 64;
  if (options.threads == 0) options.threads = 1;
  if (options.baseline_threshold == 0) options.baseline_threshold = 1;
  if (options.opt_level > 3) options.opt_level = 3;
  auto impl = std::make_unique<Impl>(memory, options);
  InterpreterOptions interp_options;
  interp_options.max_block_insns = options.max_block_insns;
  if (options.tiered) interp_options.on_translate = options.on_translate;
  impl->interpreter = std::make_unique<Interpreter>(memory, interp_options);
  if (options.tiered && !options.optimize && !jit::x64::baseline_supported())
    return vm::make_error(vm::ErrorCode::kUnsupported, "the baseline tier needs an x86-64 host");
  if (options.tiered && options.baseline && jit::x64::baseline_supported()) {
    auto arena = jit::x64::CodeArena::create(kBaselineArenaBytes);
    if (!arena) return vm::make_error(arena.error().code(), arena.error().message());
    impl->baseline_arena = std::move(*arena);
  }
  if (options.perf_map) {
    auto map = jit::PerfMap::open_for_this_process();
    if (!map) return vm::make_error(map.error().code(), map.error().message());
    impl->perf_map = std::move(*map);
  }
  if (!options.tiered) {
    // Jit mode compiles before the first block runs: load the tier now.
    auto compiler = jit::create_llvm_compiler(options.opt_level);
    if (!compiler) return vm::make_error(compiler.error().code(), compiler.error().message());
    impl->sync_compiler = std::move(*compiler);
  } else {
    Impl* raw = impl.get();
    for (unsigned i = 0; i < options.threads; ++i) impl->workers.emplace_back([raw] { raw->worker_loop(); });
  }
  return std::unique_ptr<JitEngine>(new JitEngine(std::move(impl)));
}

HaltReason JitEngine::run(CpuState& cpu, std::uint64_t max_insns) { return impl_->run(cpu, max_insns); }

const Trap& JitEngine::last_trap() const noexcept { return impl_->trap; }

void JitEngine::flush_code_cache() {
  impl_->ctx.stop_at = 0;  // code still running (if any) returns at its next exit
  impl_->map.clear();
  impl_->jump_cache.fill(nullptr);
  // Nothing runs during a flush and the old slots that lead into baseline
  // code are unreachable now, so its memory can be reused.
  if (impl_->baseline_arena) impl_->baseline_arena->reset();
  impl_->interpreter->flush_code_cache();
  std::lock_guard lock(impl_->stats_mutex);
  ++impl_->stats.cache_flushes;
}

void JitEngine::wait_for_compiles() {
  impl_->draining.store(true, std::memory_order_release);
  while (impl_->in_flight.load(std::memory_order_acquire) != 0)
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  impl_->draining.store(false, std::memory_order_release);
}

namespace {

void percentiles(std::vector<double> times, double& median, double& p99) {
  if (times.empty()) return;
  std::sort(times.begin(), times.end());
  median = times[times.size() / 2];
  p99 = times[std::min(times.size() - 1, times.size() * 99 / 100)];
}

}  // namespace

JitStats JitEngine::stats() const {
  std::lock_guard lock(impl_->stats_mutex);
  JitStats s = impl_->stats;
  s.blocks_translated += impl_->interpreter->stats().blocks_translated;
  percentiles(impl_->compile_seconds, s.compile_seconds_median, s.compile_seconds_p99);
  percentiles(impl_->baseline_region_seconds, s.baseline_region_seconds_median, s.baseline_region_seconds_p99);
  percentiles(impl_->baseline_seconds, s.baseline_seconds_median, s.baseline_seconds_p99);
  return s;
}

}  // namespace vm::engine
