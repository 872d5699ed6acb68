// Escaping text for HTML and XML (the report, compare.html, JUnit files).
#pragma once

#include <string>

namespace condbench {

// & < > " ' as entities: safe in element content and in quoted attributes of both.
inline std::string markup_escape(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

}  // namespace condbench
