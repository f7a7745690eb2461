#!/usr/bin/env bash
# Bad input to `vm run` gets one clear line on stderr, the documented exit
# status, and no backtrace: missing file, directory, not an ELF, truncated
# ELF, wrong architecture, dynamically linked, bad config (including a
# malformed --seed or [user] seed), unknown option.
# Usage: launcher_errors_test.sh VM GUEST_STATIC GUEST_DYNAMIC_OR_EMPTY
set -uo pipefail
vm=$1
guest=$2
dynamic=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# expect NAME STATUS PATTERN -- ARGS...
expect() {
  local name=$1 status=$2 pattern=$3
  shift 4
  "$vm" "$@" > "$work/out" 2> "$work/err"
  local got=$?
  local lines
  lines=$(wc -l < "$work/err")
  if [ "$got" != "$status" ]; then
    echo "FAIL $name: exit status $got, expected $status"; cat "$work/err"; failures=$((failures + 1)); return
  fi
  if ! grep -qE -- "$pattern" "$work/err"; then
    echo "FAIL $name: stderr does not match /$pattern/:"; cat "$work/err"; failures=$((failures + 1)); return
  fi
  if [ "$lines" -gt 1 ]; then
    echo "FAIL $name: expected one line on stderr, got $lines:"; cat "$work/err"; failures=$((failures + 1)); return
  fi
  echo "ok   $name: $(cat "$work/err")"
}

printf 'just text\n' > "$work/text"
head -c 100 "$guest" > "$work/truncated"
head -c 3000 "$guest" > "$work/truncated_phdrs"
printf '[engine]\nmax_block_insns = 900\n' > "$work/bad.toml"
printf '[engine]\nspeed = 1\n' > "$work/unknown.toml"
printf '[user]\nseed = "12x"\n' > "$work/bad_seed.toml"
printf '[user]\nseed = 12\n' > "$work/int_seed.toml"

expect missing 127 "no-such-program.*No such file" -- run "$work/no-such-program"
expect directory 1 "is a directory" -- run "$work"
expect not_elf 1 "not an ELF" -- run "$work/text"
expect truncated 1 "truncated" -- run "$work/truncated"
expect wrong_arch 1 "wrong architecture: x86-64" -- run /bin/true
if [ -n "$dynamic" ]; then
  expect dynamic 1 "dynamically linked" -- run "$dynamic"
fi
expect bad_config_value 1 "engine.max_block_insns.*line 2|:2:.*engine.max_block_insns" -- run --config "$work/bad.toml" "$guest"
expect unknown_config_key 1 "engine.speed" -- run --config "$work/unknown.toml" "$guest"
expect missing_config 1 "nope.toml" -- run --config "$work/nope.toml" "$guest"
expect bad_config_seed 1 "user.seed: \"12x\" is not a decimal number" -- run --config "$work/bad_seed.toml" "$guest"
expect config_seed_not_string 1 "user.seed.*expected a string" -- run --config "$work/int_seed.toml" "$guest"
expect negative_seed 1 "--seed: \"-1\" is not a decimal number" -- run --seed -1 "$guest"
expect huge_seed 1 "--seed: \"18446744073709551616\" is not" -- run --seed 18446744073709551616 "$guest"
expect unknown_option 1 "unknown option '--bogus'" -- run --bogus "$guest"
expect missing_program 1 "missing PROGRAM" -- run
expect bad_engine 1 "unknown engine" -- run --engine warp "$guest"
expect bad_debug_item 1 "unknown debug item" -- run -d nonsense "$guest"

# --version and --help succeed.
"$vm" --version | grep -q "^vm " || { echo "FAIL version"; failures=$((failures + 1)); }
"$vm" run --help | grep -q -- "--strace" || { echo "FAIL run --help"; failures=$((failures + 1)); }
"$vm" run --help | grep -q -- "--seed" || { echo "FAIL run --help lacks --seed"; failures=$((failures + 1)); }

echo "$failures failure(s)"
[ "$failures" = 0 ]
