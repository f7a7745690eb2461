#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "category.hpp"
#include "stats.hpp"
#include "trend.hpp"

namespace vm::bench {

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Splits one line into fields, honouring RFC 4180 quoting.
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

}  // namespace

std::string trend_csv_line(const TrendRow& row) {
  return fmt::format("{},{:.6g},{},{}", csv_field(row.benchmark), row.mean_time_ns, csv_field(row.timestamp),
                     csv_field(row.commit));
}

std::vector<TrendRow> trend_rows(const ResultSet& set, const std::string& timestamp, const std::string& commit) {
  std::vector<TrendRow> rows;
  for (const auto& b : set.benchmarks) rows.push_back({b.name, summarize(b.samples).mean, timestamp, commit});
  return rows;
}

vm::Result<void> append_trend_csv(const std::string& path, const std::vector<TrendRow>& rows) {
  std::error_code ec;
  const bool fresh = !std::filesystem::exists(path, ec) || std::filesystem::file_size(path, ec) == 0;
  std::ofstream out(path, std::ios::app);
  if (!out) {
    return vm::make_error(vm::ErrorCode::kIoError,
                          fmt::format("{}: cannot open for appending: {}", path, std::strerror(errno)));
  }
  if (fresh) out << kTrendHeader << '\n';
  for (const auto& r : rows) out << trend_csv_line(r) << '\n';
  if (!out) return vm::make_error(vm::ErrorCode::kIoError, fmt::format("{}: write failed", path));
  return {};
}

vm::Result<std::vector<TrendRow>> parse_trend_csv(const std::string& text, const std::string& source) {
  std::vector<TrendRow> rows;
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (line_no == 1 && line == kTrendHeader)) continue;
    const auto f = split_csv(line);
    char* num_end = nullptr;
    const double mean = f.size() == 4 ? std::strtod(f[1].c_str(), &num_end) : 0;
    if (f.size() != 4 || num_end == f[1].c_str() || *num_end != '\0') {
      return vm::make_error(vm::ErrorCode::kMalformed,
                            fmt::format("{}:{}: expected benchmark,mean_time_ns,timestamp,commit", source, line_no));
    }
    rows.push_back({f[0], mean, f[2], f[3]});
  }
  return rows;
}

std::map<std::string, std::vector<TrendRow>> rows_by_group(const std::vector<TrendRow>& rows) {
  std::map<std::string, std::vector<TrendRow>> groups;
  for (const auto& r : rows) groups[group_of(r.benchmark)].push_back(r);
  return groups;
}

}  // namespace vm::bench
