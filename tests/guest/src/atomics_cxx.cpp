// std::atomic on 32- and 64-bit integers and a pointer, with explicit memory
// orders, plus a small spin lock built from exchange, all single-threaded so
// the output is deterministic.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <type_traits>

namespace {

class SpinLock {
 public:
  void lock() {
    while (locked_.exchange(1, std::memory_order_acquire) != 0) {
    }
  }
  void unlock() { locked_.store(0, std::memory_order_release); }
  bool held() const { return locked_.load(std::memory_order_relaxed) != 0; }

 private:
  // A word rather than a bool: GCC 12 sends sub-word atomics to
  // libatomic, which the riscv64 cross toolchain ships only as a .so.
  std::atomic<std::uint32_t> locked_{0};
};

struct Text {
  char buf[32];
};

template <typename T>
Text text(T v) {
  Text t;
  if constexpr (std::is_signed_v<T>)
    std::snprintf(t.buf, sizeof t.buf, "%lld", static_cast<long long>(v));
  else
    std::snprintf(t.buf, sizeof t.buf, "%llu", static_cast<unsigned long long>(v));
  return t;
}

template <typename T>
void exercise(const char* name, T start) {
  std::atomic<T> a{start};
  T r1 = a.fetch_add(3, std::memory_order_relaxed);
  T r2 = a.fetch_sub(10, std::memory_order_acq_rel);
  T r3 = a.exchange(static_cast<T>(~start), std::memory_order_seq_cst);
  T expected = start;
  bool cas1 = a.compare_exchange_strong(expected, 1);
  bool cas2 = a.compare_exchange_strong(expected, 1);
  a += 41;
  ++a;
  T after = a.load(std::memory_order_acquire);
  std::printf("%s: fetch_add %s, fetch_sub %s, exchange %s, cas %d/%d (saw %s), final %s\n", name, text(r1).buf,
              text(r2).buf, text(r3).buf, cas1, cas2, text(expected).buf, text(after).buf);
}

}  // namespace

int main() {
  exercise<std::int32_t>("int32", -7);
  exercise<std::uint32_t>("uint32", 7);
  exercise<std::int64_t>("int64", -7000000000LL);
  exercise<std::uint64_t>("uint64", 7000000000ULL);

  int values[4] = {10, 20, 30, 40};
  std::atomic<int*> ptr{values};
  int* old = ptr.fetch_add(2);
  std::printf("pointer: old -> %d, new -> %d, lock free %d\n", *old, *ptr.load(), ptr.is_lock_free() ? 1 : 0);

  SpinLock lock;
  std::uint64_t total = 0;
  for (int i = 0; i < 1000; ++i) {
    lock.lock();
    total += static_cast<std::uint64_t>(i) * i;
    lock.unlock();
  }
  std::printf("spin lock: total %llu, held at end %d\n", static_cast<unsigned long long>(total), lock.held() ? 1 : 0);

  std::atomic<std::uint64_t> bits{0};
  for (int i = 0; i < 64; i += 3) bits.fetch_or(std::uint64_t{1} << i);
  for (int i = 0; i < 64; i += 9) bits.fetch_and(~(std::uint64_t{1} << i));
  bits.fetch_xor(0xffff);
  std::printf("bit ops: %016llx\n", static_cast<unsigned long long>(bits.load()));
  return 0;
}
