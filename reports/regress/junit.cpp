// JUnit XML for CI systems (GitLab, Jenkins, GitHub test reporters): FAIL is a
// <failure>, NEW and reported-only MISSING are <skipped>, MARGINAL passes with its
// figures in <system-out>.
#include "reports/regress/regress.hpp"

#include "reports/common/escape.hpp"

#include <fmt/format.h>

#include <map>

namespace condbench::regress {
namespace {

std::string xml_escape(const std::string& s) { return markup_escape(s); }

std::string describe(const Check& c) {
  std::string s = fmt::format("{} {}: baseline {}, now {}", to_string(c.verdict), c.measure, c.baseline, c.now);
  if (c.factor > 0) s += fmt::format(" (x{:.3g}, allowed x{:.3g})", c.factor, c.allowed);
  if (!c.note.empty()) s += ": " + c.note;
  return s;
}

}  // namespace

std::string junit_xml(const RegressReport& r, const std::string& suite_name) {
  std::map<std::string, std::vector<const GroupResult*>> suites;
  for (const GroupResult& g : r.groups) suites[g.key.solver + " " + g.key.precision].push_back(&g);
  auto failures = [](const std::vector<const GroupResult*>& gs, Verdict v) {
    int n = 0;
    for (const GroupResult* g : gs) n += g->verdict == v;
    return n;
  };
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">\n", xml_escape(suite_name),
                     r.groups.size(), r.count(Verdict::fail),
                     r.count(Verdict::new_group) + r.count(Verdict::missing));
  for (const auto& [name, gs] : suites) {
    out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">\n", xml_escape(name),
                       gs.size(), failures(gs, Verdict::fail),
                       failures(gs, Verdict::new_group) + failures(gs, Verdict::missing));
    for (const GroupResult* g : gs) {
      std::string classname = "condbench.regress." + g->key.solver + "." + g->key.precision;
      std::string test = g->key.family + " kappa=" + g->key.kappa_range;
      out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"0\"", xml_escape(classname),
                         xml_escape(test));
      std::string details;
      for (const Check& c : g->checks) details += describe(c) + "\n";
      std::string first_bad;
      for (const Check& c : g->checks)
        if (c.verdict == g->verdict && first_bad.empty()) first_bad = describe(c);
      if (g->verdict == Verdict::pass) {
        out += "/>\n";
        continue;
      }
      out += ">\n";
      if (g->verdict == Verdict::fail)
        out += fmt::format("      <failure message=\"{}\">{}</failure>\n", xml_escape(first_bad), xml_escape(details));
      else if (g->verdict == Verdict::new_group || g->verdict == Verdict::missing)
        out += fmt::format("      <skipped message=\"{}\"/>\n", xml_escape(first_bad));
      out += fmt::format("      <system-out>{}</system-out>\n", xml_escape(details));
      out += "    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace condbench::regress
