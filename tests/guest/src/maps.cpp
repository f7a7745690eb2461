// Exercises std::map and std::unordered_map: word counts, large integer
// keyed tables, lookups and erase. Output is printed in key order so it does
// not depend on hash-table layout.
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <unordered_map>

namespace {

void map_work() {
  const char* text =
      "it was the best of times it was the worst of times it was the age of wisdom "
      "it was the age of foolishness it was the epoch of belief";
  std::map<std::string, int> ordered;
  std::unordered_map<std::string, int> hashed;
  std::string word;
  for (const char* p = text;; ++p) {
    if (*p == ' ' || *p == '\0') {
      if (!word.empty()) {
        ++ordered[word];
        ++hashed[word];
        word.clear();
      }
      if (*p == '\0') break;
    } else {
      word += *p;
    }
  }
  std::printf("map (%zu words):", ordered.size());
  for (const auto& [w, n] : ordered) std::printf(" %s=%d", w.c_str(), n);
  std::printf("\n");

  bool same = hashed.size() == ordered.size();
  for (const auto& [w, n] : ordered) same = same && hashed.at(w) == n;
  std::printf("unordered_map agrees with map: %s\n", same ? "yes" : "no");

  std::unordered_map<std::uint64_t, std::uint64_t> squares;
  for (std::uint64_t i = 0; i < 50000; ++i) squares[i * 2654435761u] = i * i;
  std::uint64_t check = 0;
  for (std::uint64_t i = 0; i < 50000; i += 7) check += squares.at(i * 2654435761u);
  std::printf("unordered_map with %zu entries, checksum %llu\n", squares.size(),
              static_cast<unsigned long long>(check));
  squares.erase(0);
  std::printf("after erase: %zu entries, count(0) = %zu\n", squares.size(), squares.count(0));
}

}  // namespace

int main() {
  map_work();
  return 0;
}
