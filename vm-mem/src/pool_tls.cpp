// The thread-local pointer to ConcurrentBlockPool's per-thread cache, alone
// in its file: a source with a dynamically initialised thread_local (the
// cache's owner in pool_thread_cache.cpp) would give this variable a TLS
// init function too, and every inline acquire()/release() would call it.
#include "vm/mem/pool.hpp"

namespace vm::mem::pool_detail {

// Initial-exec: one %fs-relative load; the cache itself is on the heap, so
// the library takes only these 8 bytes of static TLS.
__attribute__((tls_model("initial-exec"))) thread_local ThreadCache* tls_cache = nullptr;

}  // namespace vm::mem::pool_detail
