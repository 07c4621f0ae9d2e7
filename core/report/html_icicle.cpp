// The icicle chart as SVG markup: laid out here so that the page needs no layout code and the
// chart's geometry can be checked without a browser.
#include <cstdio>
#include <sstream>

#include "report/html_report.h"

namespace mx {
namespace {

constexpr double kWidth = 1000, kRow = 24;

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

struct Layout {
  Layout(const TaggedModel& model, const ProfileFold& fold, double px_per_us) : t(model), f(fold), scale(px_per_us) {}
  const TaggedModel& t;
  const ProfileFold& f;
  double scale;
  int max_depth = 0;
  std::ostringstream cells;

  void place(int m, double x, int depth) {
    const auto& time = f.modules[m];
    double w = time.total_us * scale;
    if (time.total_us <= 0) return;
    if (depth > max_depth) max_depth = depth;
    const auto& mod = t.modules[m];
    std::string label = t.tree_label(m);
    // Hue by depth keeps neighbours apart; lightness says nothing, so no legend is needed.
    int hue = (30 + depth * 47) % 360;
    cells << "<g class=\"cell\" data-id=\"" << m << "\"><rect x=\"" << fixed(x, 2) << "\" y=\"" << depth * kRow
          << "\" width=\"" << fixed(w, 2) << "\" height=\"" << kRow - 2 << "\" fill=\"hsl(" << hue
          << ",60%,72%)\"/>";
    if (w > 40)
      cells << "<text x=\"" << fixed(x + 3, 2) << "\" y=\"" << depth * kRow + 16 << "\">"
            << xml_escape(label.size() * 7 > w ? label.substr(0, static_cast<size_t>(w / 7)) : label) << "</text>";
    cells << "<title>" << xml_escape(mod.tag) << "\n"
          << fixed(time.total_us / 1000, 3) << " ms total, " << fixed(time.self_us / 1000, 3) << " ms self, "
          << fixed(f.node_us > 0 ? 100 * time.total_us / f.node_us : 0, 1) << "%</title></g>\n";
    double child_x = x;
    for (int c : mod.children) {
      place(c, child_x, depth + 1);
      child_x += f.modules[c].total_us * scale;
    }
  }
};

}  // namespace

std::string icicle_svg(const TaggedModel& t, const ProfileFold& f) {
  Layout layout(t, f, f.node_us > 0 ? kWidth / f.node_us : 0);
  layout.place(0, 0, 0);
  std::ostringstream svg;
  svg << "<svg id=\"icicle\" viewBox=\"0 0 " << kWidth << " "
      << (layout.max_depth + 1) * kRow << "\" width=\"100%\">\n"
      << layout.cells.str() << "</svg>";
  return svg.str();
}

}  // namespace mx
