// `-d in_asm`: prints each guest block, disassembled, as it is translated
// (the same role as qemu's -d in_asm).
#pragma once

#include <cstdio>

#include "vm/cross_arch/ir/block.hpp"
#include "vm/mem/user_address_space.hpp"

namespace vm::tools {

void print_block_disassembly(std::FILE* out, const mem::UserAddressSpace& memory, const cross_arch::ir::Block& block);

}  // namespace vm::tools
