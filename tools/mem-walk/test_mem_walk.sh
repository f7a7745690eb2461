#!/usr/bin/env bash
# Checks mem-walk on a hand-built Sv39 image: a 4 KiB page, a 2 MiB page,
# permission and invalid-PTE faults, and the bad-input exits.
# Usage: test_mem_walk.sh path/to/mem-walk
set -u
tool=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
img=$dir/image.bin
failures=0

# put OFFSET VALUE: writes a 64-bit little-endian value at OFFSET of the image.
put() {
  local v=$2 bytes="" i
  for i in 0 1 2 3 4 5 6 7; do bytes+=$(printf '\\x%02x' $(( (v >> (8 * i)) & 0xff ))); done
  printf "$bytes" | dd of="$img" bs=1 seek=$(($1)) conv=notrunc status=none
}
expect() {  # expect NAME STATUS PATTERN -- command...
  local name=$1 status=$2 pattern=$3; shift 4
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" != "$status" ] || ! grep -q -- "$pattern" <<<"$out"; then
    echo "FAIL $name: status $rc (want $status), output:"; echo "$out"; failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}

# Image at 0x80000000: root table, a level-1 table, a level-0 table.
head -c 12288 /dev/zero > "$img"
put 0x0008 0x20000401        # root[1]  -> table 0x80001000       (VA 0x40000000..)
put 0x1000 0x20000801        # l1[0]    -> table 0x80002000
put 0x1008 0x20080043        # l1[1]    2 MiB leaf R A -> 0x80200000
put 0x2000 0x20000CC7        # l0[0]    4 KiB leaf R W A D -> 0x80003000
satp=0x8000000000080000

expect "4 KiB page" 0 "=> pa 0x80003123 (4 KiB page)" -- "$tool" "$img" --satp $satp 0x40000123
expect "three levels" 0 "level 0  pte @ 0x80002000" -- "$tool" "$img" --satp $satp 0x40000123
expect "2 MiB page" 0 "=> pa 0x80200010 (2 MiB page)" -- "$tool" "$img" --satp $satp 0x40200010
expect "store to read-only" 0 "cause 15 (not-writable)" -- "$tool" "$img" --satp $satp --access store 0x40200010
expect "invalid PTE" 0 "cause 13 (invalid)" -- "$tool" "$img" --satp $satp 0x80000000
expect "user mode" 0 "cause 12 (supervisor-page)" -- "$tool" "$img" --satp $satp --priv U --access fetch 0x40000000
expect "bare" 0 "=> pa 0x1234" -- "$tool" "$img" --satp 0 0x1234
expect "short file" 1 "outside the image" -- "$tool" <(head -c 5000 "$img") --satp $satp 0x40000000
expect "bad satp mode" 1 "MODE 5" -- "$tool" "$img" --satp 0x5000000000080000 0x1000
expect "missing file" 1 "cannot open image" -- "$tool" "$dir/none.bin" --satp $satp 0x1000
expect "empty file" 1 "is empty" -- "$tool" /dev/null --satp $satp 0x1000
expect "bad address" 1 "'zz' is not" -- "$tool" "$img" --satp $satp zz
expect "no satp" 1 "--satp is required" -- "$tool" "$img" 0x1000
expect "help" 0 "usage: mem-walk" -- "$tool" --help
exit $(( failures > 0 ))
