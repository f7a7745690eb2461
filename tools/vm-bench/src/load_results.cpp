#include "commands.hpp"
#include "output_file.hpp"

namespace vm::bench {

std::optional<ResultSet> load_results(const std::vector<std::string>& paths, const ReadOptions& options) {
  auto set = read_results(paths, options);
  if (!set) {
    print_error(set.error().message());
    return std::nullopt;
  }
  for (const std::string& why : set->skipped) print_error("warning: skipped " + why);
  return std::move(*set);
}

}  // namespace vm::bench
