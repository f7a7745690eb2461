// A guest writing to a broken pipe must get EPIPE and its own SIGPIPE, but
// the host's SIGPIPE would kill the whole VM (or the program embedding it).
// SigpipeShield blocks SIGPIPE for the calling thread around one host write
// and swallows the one that write raised, leaving process-wide signal
// dispositions alone.
#pragma once

#include <signal.h>

namespace vm::engine::linux_user {

class SigpipeShield {
 public:
  SigpipeShield();
  ~SigpipeShield();
  SigpipeShield(const SigpipeShield&) = delete;
  SigpipeShield& operator=(const SigpipeShield&) = delete;

 private:
  sigset_t saved_{};
  bool was_pending_ = false;
};

}  // namespace vm::engine::linux_user
