// Exercises std::string growth and search, and std::vector with sort,
// stable_sort, unique and accumulate on deterministic pseudo-random data.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

namespace {

// A small deterministic generator so the data is the same on every run.
std::uint32_t next_random(std::uint32_t& state) {
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

void string_work() {
  std::string s = "The quick brown fox";
  s += " jumps over the lazy dog";
  std::printf("string: \"%s\" length %zu\n", s.c_str(), s.size());
  std::printf("find(\"fox\") = %zu, rfind('o') = %zu, substr(4,5) = \"%s\"\n", s.find("fox"), s.rfind('o'),
              s.substr(4, 5).c_str());
  std::string upper = s;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c); });
  std::printf("upper: %s\n", upper.c_str());

  // Grow past the small-string buffer many times.
  std::string big;
  for (int i = 0; i < 2000; ++i) big += std::to_string(i);
  std::printf("big string length %zu, tail \"%s\"\n", big.size(), big.substr(big.size() - 8).c_str());
  std::printf("stoi(\"-12345\") = %d, stoul(\"ff\", 16) = %lu\n", std::stoi("-12345"), std::stoul("ff", nullptr, 16));
}

void vector_sort_work() {
  std::vector<std::uint32_t> v;
  std::uint32_t state = 2463534242u;
  for (int i = 0; i < 10000; ++i) v.push_back(next_random(state) % 100000);
  std::sort(v.begin(), v.end());
  std::printf("sorted: min %u, median %u, max %u, is_sorted %d\n", v.front(), v[v.size() / 2], v.back(),
              static_cast<int>(std::is_sorted(v.begin(), v.end())));
  auto last = std::unique(v.begin(), v.end());
  v.erase(last, v.end());
  std::printf("unique values: %zu\n", v.size());
  unsigned long long sum = std::accumulate(v.begin(), v.end(), 0ull);
  std::printf("sum of unique values: %llu\n", sum);

  std::vector<std::pair<int, std::string>> people = {
      {30, "carol"}, {25, "alice"}, {30, "bob"}, {25, "dave"}, {40, "eve"}};
  std::stable_sort(people.begin(), people.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::printf("stable sort by age:");
  for (const auto& p : people) std::printf(" %s(%d)", p.second.c_str(), p.first);
  std::printf("\n");
}

}  // namespace

int main() {
  string_work();
  vector_sort_work();
  return 0;
}
