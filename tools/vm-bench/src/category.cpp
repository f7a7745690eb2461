#include "category.hpp"

#include <string_view>

namespace vm::bench {

namespace {

struct CategoryRule {
  std::string_view prefix;
  const char* category;
};

constexpr CategoryRule kRules[] = {
#define CATEGORY(prefix, category) {prefix, category},
#include "categories.inc"
#undef CATEGORY
};

}  // namespace

std::string category_of(const std::string& name) {
  std::string_view n = name;
  if (n.starts_with("vm_")) n.remove_prefix(3);
  for (const CategoryRule& rule : kRules) {
    if (n.starts_with(rule.prefix)) return rule.category;
  }
  return "other";
}

const std::vector<std::string>& categories() {
  static const std::vector<std::string> order = [] {
    std::vector<std::string> v;
    for (const CategoryRule& rule : kRules) {
      bool seen = false;
      for (const auto& c : v) seen = seen || c == rule.category;
      if (!seen) v.emplace_back(rule.category);
    }
    v.emplace_back("other");
    return v;
  }();
  return order;
}

std::string group_of(const std::string& name) {
  const auto first = name.find('/');
  if (first == std::string::npos) return name;
  const auto second = name.find('/', first + 1);
  return second == std::string::npos ? name : name.substr(0, second);
}

}  // namespace vm::bench
