#include "host_sigpipe.hpp"

#include <pthread.h>

#include <ctime>

namespace vm::engine::linux_user {
namespace {

sigset_t only_sigpipe() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  return set;
}

}  // namespace

SigpipeShield::SigpipeShield() {
  const sigset_t set = only_sigpipe();
  pthread_sigmask(SIG_BLOCK, &set, &saved_);
  sigset_t pending;
  sigpending(&pending);
  was_pending_ = sigismember(&pending, SIGPIPE) == 1;
}

SigpipeShield::~SigpipeShield() {
  // Take back only a SIGPIPE that appeared during the write: one that was
  // already pending belongs to someone else.
  if (!was_pending_) {
    sigset_t pending;
    sigpending(&pending);
    if (sigismember(&pending, SIGPIPE) == 1) {
      const sigset_t set = only_sigpipe();
      const timespec no_wait{0, 0};
      sigtimedwait(&set, nullptr, &no_wait);
    }
  }
  pthread_sigmask(SIG_SETMASK, &saved_, nullptr);
}

}  // namespace vm::engine::linux_user
