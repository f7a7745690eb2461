// TOML -> Config, checked against the key table in config_schema.cpp, and the
// reverse: the documented defaults rendered as a TOML file.
#include "vm/core/config.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <sstream>
#include <vector>

#include "config_schema.hpp"
#include "file_read.hpp"

namespace vm::core {
namespace {

std::string_view toml_type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::none:
      return "nothing";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
  }
  return "an unknown value";
}

// Collects every problem so one run reports them all, in file order.
class ConfigReader {
 public:
  explicit ConfigReader(std::string_view source) : source_(source) {}

  Result<Config> read(const toml::table& root) {
    for (auto&& [key, node] : root) read_root_entry(key, node);
    if (problems_.empty()) return config_;
    std::stable_sort(problems_.begin(), problems_.end(), [](const Problem& a, const Problem& b) {
      return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
    });
    std::string message;
    for (const auto& problem : problems_) {
      if (!message.empty()) message += '\n';
      message += problem.text;
    }
    return make_error(ErrorCode::kInvalidArgument, std::move(message));
  }

 private:
  struct Problem {
    toml::source_position where;
    std::string text;
  };

  void report(const toml::source_region& region, std::string_view key, std::string text) {
    const auto& at = region.begin;
    problems_.push_back({at, fmt::format("{}:{}:{}: {}: {}", source_, at.line, at.column, key, text)});
  }

  static bool is_known_table(std::string_view table) {
    auto keys = config_keys();
    return std::any_of(keys.begin(), keys.end(), [&](const ConfigKey& k) { return k.table == table; });
  }

  static std::string known_tables() {
    std::vector<std::string_view> tables;
    for (const auto& k : config_keys()) {
      if (std::find(tables.begin(), tables.end(), k.table) == tables.end()) tables.push_back(k.table);
    }
    return fmt::format("{}", fmt::join(tables, ", "));
  }

  static std::string known_keys(std::string_view table) {
    std::vector<std::string_view> names;
    for (const auto& k : config_keys()) {
      if (k.table == table) names.push_back(k.name);
    }
    return fmt::format("{}", fmt::join(names, ", "));
  }

  void read_root_entry(const toml::key& key, const toml::node& node) {
    std::string_view name = key.str();
    if (!is_known_table(name)) {
      report(key.source(), name,
             fmt::format("unknown {} (known tables: {})", node.is_table() ? "table" : "key", known_tables()));
      return;
    }
    if (!node.is_table()) {
      report(node.source(), name, fmt::format("expected a table [{}], got {}", name, toml_type_name(node.type())));
      return;
    }
    for (auto&& [child_key, child] : *node.as_table()) read_table_entry(name, child_key, child);
  }

  void read_table_entry(std::string_view table, const toml::key& key, const toml::node& node) {
    for (const auto& row : config_keys()) {
      if (row.table == table && row.name == key.str()) return read_value(row, node);
    }
    report(key.source(), fmt::format("{}.{}", table, key.str()),
           fmt::format("unknown key (known keys in [{}]: {})", table, known_keys(table)));
  }

  void read_value(const ConfigKey& row, const toml::node& node) {
    std::visit([&](auto* field) { store(row, node, field); }, row.field(config_));
  }

  void store(const ConfigKey& row, const toml::node& node, std::string* field) {
    const auto* value = node.as_string();
    if (!value) return wrong_type(row, node, "a string");
    const std::string& text = value->get();
    if (!row.choices.empty() && std::find(row.choices.begin(), row.choices.end(), text) == row.choices.end()) {
      return report(node.source(), dotted_name(row), fmt::format("\"{}\" is not one of {}", text, allowed_values(row)));
    }
    *field = text;
  }

  template <typename Unsigned>
  void store(const ConfigKey& row, const toml::node& node, Unsigned* field) {
    const auto* value = node.as_integer();
    if (!value) return wrong_type(row, node, "an integer");
    std::int64_t v = value->get();
    if (v < 0 || static_cast<std::uint64_t>(v) < row.min || static_cast<std::uint64_t>(v) > row.max) {
      return report(node.source(), dotted_name(row), fmt::format("{} is out of range {}", v, allowed_values(row)));
    }
    *field = static_cast<Unsigned>(v);
  }

  void wrong_type(const ConfigKey& row, const toml::node& node, std::string_view expected) {
    report(node.source(), dotted_name(row), fmt::format("expected {}, got {}", expected, toml_type_name(node.type())));
  }

  std::string_view source_;
  Config config_;
  std::vector<Problem> problems_;
};

// A TOML literal for a default value.
std::string toml_literal(ConfigField field) {
  return std::visit(
      [](auto* value) {
        // No format flags: strings come out "double-quoted", as in the docs.
        std::ostringstream out;
        out << toml::toml_formatter(toml::value(*value), toml::format_flags::none);
        return out.str();
      },
      field);
}

}  // namespace

Result<Config> parse_config(std::string_view toml_text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    return make_error(ErrorCode::kMalformed,
                      fmt::format("{}:{}:{}: TOML syntax error: {}", source_name, at.line, at.column, e.description()));
  }
  return ConfigReader(source_name).read(root);
}

Result<Config> load_config(const std::string& path) {
  VM_TRY_ASSIGN(auto bytes, read_file_bytes(path));
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return parse_config(text, path);
}

std::string default_config_toml() {
  std::string out =
      "# vm configuration. Every key is optional; the values below are the defaults.\n"
      "# Unknown keys and out-of-range values are errors.\n";
  Config defaults;
  std::string_view table;
  for (const auto& key : config_keys()) {
    if (key.table != table) {
      table = key.table;
      out += fmt::format("\n# {}\n[{}]\n", config_table_doc(table), table);
    }
    ConfigField value = key.field(defaults);
    std::string note;
    if (auto* bytes = std::get_if<std::uint64_t*>(&value); bytes && key.unit == "bytes") {
      note = fmt::format(" Default {}.", human_size(**bytes));
    }
    out += fmt::format("# {}{}\n# Allowed: {}.\n{} = {}\n", key.doc, note, allowed_values(key), key.name,
                       toml_literal(value));
  }
  return out;
}

}  // namespace vm::core
