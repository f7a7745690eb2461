// The per-recorder sample queue: a bounded single-producer (the recording
// thread) single-consumer (Monitor::drain_samples) lock-free ring.
#pragma once

#include <boost/lockfree/spsc_queue.hpp>

#include "vm/core/perf/recorder.hpp"

namespace vm::core::perf {

class SampleRing {
 public:
  explicit SampleRing(std::size_t capacity) : queue_(capacity) {}
  bool push(const Sample& s) noexcept { return queue_.push(s); }  // false when full
  bool pop(Sample& s) noexcept { return queue_.pop(s); }

 private:
  boost::lockfree::spsc_queue<Sample> queue_;
};

}  // namespace vm::core::perf
