#include <catch2/catch.hpp>

#include <string>

#include "vm/device/uart16550.hpp"

using vm::device::Uart16550;

TEST_CASE("bytes written to THR reach the sink", "[uart]") {
  std::string out;
  Uart16550 uart([&](std::uint8_t b) { out.push_back(static_cast<char>(b)); });
  for (char c : std::string("hi\n")) uart.write(0, static_cast<std::uint8_t>(c));
  CHECK(out == "hi\n");
  CHECK((uart.read(5) & 0x60) == 0x60);  // THR empty, transmitter empty
}

TEST_CASE("received bytes are readable in order with data-ready set", "[uart]") {
  Uart16550 uart;
  CHECK((uart.read(5) & 1) == 0);
  uart.receive('a');
  uart.receive('b');
  CHECK((uart.read(5) & 1) == 1);
  CHECK(uart.read(0) == 'a');
  CHECK(uart.read(0) == 'b');
  CHECK((uart.read(5) & 1) == 0);
  CHECK(uart.read(0) == 0);  // empty RBR reads 0, never blocks
}

TEST_CASE("DLAB switches offsets 0 and 1 to the divisor latch", "[uart]") {
  std::string out;
  Uart16550 uart([&](std::uint8_t b) { out.push_back(static_cast<char>(b)); });
  uart.write(3, 0x80);
  uart.write(0, 0x03);
  uart.write(1, 0x01);
  CHECK(uart.divisor() == 0x0103);
  CHECK(out.empty());
  uart.write(3, 0x03);
  CHECK(uart.read(1) == 0);  // IER unchanged by the latch writes
}

TEST_CASE("interrupts follow IER, RX data and THR-empty acknowledgement", "[uart]") {
  Uart16550 uart([](std::uint8_t) {});
  CHECK_FALSE(uart.interrupt_pending());
  uart.write(1, 0x01);  // RX interrupt
  CHECK_FALSE(uart.interrupt_pending());
  uart.receive('x');
  CHECK(uart.interrupt_pending());
  CHECK((uart.read(2) & 0x0f) == 0x04);
  uart.read(0);
  CHECK_FALSE(uart.interrupt_pending());
  uart.write(1, 0x03);  // also THR-empty: fires at once
  CHECK(uart.interrupt_pending());
  CHECK((uart.read(2) & 0x0f) == 0x02);  // reading IIR acknowledges it
  CHECK_FALSE(uart.interrupt_pending());
}

TEST_CASE("guest misuse is ignored", "[uart]") {
  Uart16550 uart;
  uart.write(5, 0xff);  // LSR is read-only
  uart.write(42, 1);    // outside the register file
  CHECK(uart.read(42) == 0);
  CHECK((uart.read(5) & 0x60) == 0x60);
  uart.write(7, 0x5a);
  CHECK(uart.read(7) == 0x5a);
}
