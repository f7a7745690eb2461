// Thin wrappers over the host's mmap family for the user address space: the
// one place that knows which flags give "reserved", "fresh zeroed" and
// "released" pages.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vm::mem::detail {

// Reserves `bytes` of PROT_NONE address space; nullptr on failure (errno set).
std::uint8_t* reserve_pages(std::size_t bytes) noexcept;
// Reserves `bytes` of read/write memory committed lazily on first touch.
std::uint8_t* reserve_zeroed_pages(std::size_t bytes) noexcept;
// Replaces [at, at+bytes) with fresh zero-filled read/write pages.
bool commit_zeroed(std::uint8_t* at, std::size_t bytes) noexcept;
// Drops [at, at+bytes)'s memory and makes it PROT_NONE again. Falls back to
// discarding the contents if the host will not split the mapping further,
// so the memory is released either way.
void decommit(std::uint8_t* at, std::size_t bytes) noexcept;
// Zeroes a read/write range, giving whole host pages back to the host.
void zero_and_release(std::uint8_t* at, std::size_t bytes) noexcept;
void release_pages(std::uint8_t* at, std::size_t bytes) noexcept;

}  // namespace vm::mem::detail
