#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "trend.hpp"
#include "writers.hpp"

namespace vm::bench {

namespace {

constexpr double kWidth = 760, kHeight = 400;
constexpr double kLeft = 80, kRight = 240, kTop = 40, kBottom = 50;  // margins; legend on the right
constexpr const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A "nice" axis maximum (1, 2 or 5 times a power of ten) at or above v.
double nice_ceiling(double v) {
  if (v <= 0) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

}  // namespace

std::string render_trend_svg(const std::string& title, const std::vector<TrendRow>& rows) {
  std::set<std::string> stamp_set;
  std::map<std::string, std::map<std::string, double>> series;  // benchmark -> timestamp -> mean
  double max_value = 0;
  for (const auto& r : rows) {
    stamp_set.insert(r.timestamp);
    series[r.benchmark][r.timestamp] = r.mean_time_ns;
    max_value = std::max(max_value, r.mean_time_ns);
  }
  const std::vector<std::string> stamps(stamp_set.begin(), stamp_set.end());
  const double y_max = nice_ceiling(max_value);
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  auto x_of = [&](std::size_t i) {
    return kLeft +
           (stamps.size() < 2 ? plot_w / 2 : plot_w * static_cast<double>(i) / static_cast<double>(stamps.size() - 1));
  };
  auto y_of = [&](double v) { return kTop + plot_h * (1 - v / y_max); };

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n"
      "<rect width=\"{0}\" height=\"{1}\" fill=\"white\"/>\n"
      "<text x=\"{2}\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{3}</text>\n",
      kWidth, kHeight, kLeft, xml_escape(title));
  // Horizontal grid lines with time labels, 5 steps from 0 to y_max.
  for (int i = 0; i <= 5; ++i) {
    const double v = y_max * i / 5, y = y_of(v);
    svg += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>\n", kLeft, y,
                       kLeft + plot_w, y);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", kLeft - 6, y + 4,
                       xml_escape(format_duration(v)));
  }
  svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"black\"/>\n", kLeft,
                     kTop, kTop + plot_h);
  svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" stroke=\"black\"/>\n", kLeft,
                     kTop + plot_h, kLeft + plot_w);
  // Run labels: the date part of the first and last timestamps, plus run numbers.
  for (std::size_t i = 0; i < stamps.size(); ++i) {
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", x_of(i),
                       kTop + plot_h + 16, i + 1);
  }
  if (!stamps.empty()) {
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">run ({} .. {})</text>\n",
                       kLeft + plot_w / 2, kHeight - 10, xml_escape(stamps.front()), xml_escape(stamps.back()));
  }
  std::size_t colour = 0;
  for (const auto& [name, points] : series) {
    const char* stroke = kPalette[colour % std::size(kPalette)];
    std::string coords;
    for (std::size_t i = 0; i < stamps.size(); ++i) {
      auto it = points.find(stamps[i]);
      if (it == points.end()) continue;
      coords += fmt::format("{}{:.1f},{:.1f}", coords.empty() ? "" : " ", x_of(i), y_of(it->second));
    }
    svg += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n", stroke, coords);
    const double ly = kTop + 14.0 * static_cast<double>(colour);
    svg += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"10\" height=\"10\" fill=\"{}\"/>\n",
                       kWidth - kRight + 12, ly, stroke);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", kWidth - kRight + 26, ly + 9, xml_escape(name));
    ++colour;
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace vm::bench
