// Shared Catch2 v2 entry point for every library's test executable.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
