// The protocol's byte layouts and the checks on what a worker says about itself.
#include "solvers/worker/protocol.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>

namespace condbench::worker {
namespace {

TEST(WorkerProtocol, FrameHeaderIsMagicTypeLengthLittleEndian) {
  auto h = encode_frame_header(MessageType::solve, 0x0102030405060708ULL);
  const unsigned char want[16] = {'C', 'B', 'W', 'K', 2, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1};
  EXPECT_EQ(std::memcmp(h.data(), want, 16), 0);
  FrameHeader f;
  EXPECT_EQ(decode_frame_header(h, f), "");
  EXPECT_EQ(f.type, 2u);
  EXPECT_EQ(f.length, 0x0102030405060708ULL);
}

TEST(WorkerProtocol, TextOnStdoutIsNamedAsSuch) {
  std::array<std::byte, kFrameHeaderSize> h;
  std::memcpy(h.data(), "hello world\n\x01\x02\x03\x04", 16);
  FrameHeader f;
  std::string e = decode_frame_header(h, f);
  EXPECT_NE(e.find("got \"hello world\\x0a\\x01"), std::string::npos) << e;
  EXPECT_NE(e.find("print to stderr"), std::string::npos) << e;
}

TEST(WorkerProtocol, SolveAndResultHeadersHaveTheDocumentedOffsets) {
  SolveHeader s{7, 3, kind_code(ProblemKind::least_squares), 4, 1, 90, 40};
  auto b = encode_solve_header(s);
  std::uint64_t id, m, n;
  std::uint32_t index, kind, e, threads;
  std::memcpy(&id, b.data(), 8);
  std::memcpy(&index, b.data() + 8, 4);
  std::memcpy(&kind, b.data() + 12, 4);
  std::memcpy(&e, b.data() + 16, 4);
  std::memcpy(&threads, b.data() + 20, 4);
  std::memcpy(&m, b.data() + 24, 8);
  std::memcpy(&n, b.data() + 32, 8);
  EXPECT_EQ(id, 7u);
  EXPECT_EQ(index, 3u);
  EXPECT_EQ(kind, 2u);
  EXPECT_EQ(e, 4u);
  EXPECT_EQ(threads, 1u);
  EXPECT_EQ(m, 90u);
  EXPECT_EQ(n, 40u);

  std::array<std::byte, kResultHeaderSize> r{};
  std::uint64_t rid = 7, count = 40, facts = 12;
  std::uint32_t status = 1, esize = 8;
  double fs = 0.25, ss = 0.5;
  std::memcpy(r.data(), &rid, 8);
  std::memcpy(r.data() + 8, &status, 4);
  std::memcpy(r.data() + 12, &esize, 4);
  std::memcpy(r.data() + 16, &count, 8);
  std::memcpy(r.data() + 24, &fs, 8);
  std::memcpy(r.data() + 32, &ss, 8);
  std::memcpy(r.data() + 40, &facts, 8);
  ResultHeader h = decode_result_header(r);
  EXPECT_EQ(h.id, 7u);
  EXPECT_EQ(h.status, 1u);
  EXPECT_EQ(h.element_size, 8u);
  EXPECT_EQ(h.count, 40u);
  EXPECT_EQ(h.factor_s, 0.25);
  EXPECT_EQ(h.solve_s, 0.5);
  EXPECT_EQ(h.facts_length, 12u);
}

std::string hex(const void* p, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += fmt::format("{:02x}", static_cast<const unsigned char*>(p)[i]);
  return s;
}

// docs/workers.md, "A complete exchange": the SOLVE of [[2, 0], [0, 4]] x = [2, 4] byte for byte.
TEST(WorkerProtocol, TheDocumentedExampleIsWhatCondbenchSends) {
  auto frame = encode_frame_header(MessageType::solve, kSolveHeaderSize + 6 * 8);
  auto head = encode_solve_header(SolveHeader{1, 0, kind_code(ProblemKind::general), 8, 1, 2, 2});
  const double a[4] = {2, 0, 0, 4}, b[2] = {2, 4};
  EXPECT_EQ(hex(frame.data(), frame.size()), "4342574b020000005800000000000000");
  EXPECT_EQ(hex(head.data(), head.size()),
            "0100000000000000" "00000000" "00000000" "08000000" "01000000" "0200000000000000" "0200000000000000");
  EXPECT_EQ(hex(a, sizeof a), "0000000000000040" "0000000000000000" "0000000000000000" "0000000000001040");
  EXPECT_EQ(hex(b, sizeof b), "0000000000000040" "0000000000001040");
  auto hello = encode_frame_header(MessageType::hello, 4);
  EXPECT_EQ(hex(hello.data(), hello.size()), "4342574b010000000400000000000000");
  auto bye = encode_frame_header(MessageType::bye, 0);
  EXPECT_EQ(hex(bye.data(), bye.size()), "4342574b030000000000000000000000");
}

TEST(WorkerProtocol, HelloIsParsedWithItsSolvers) {
  Hello h = parse_hello(R"({"protocol":1,"worker":"w","versions":{"z":"1","a":{"b":"2"}},"solvers":[
    {"name":"w.lu","kinds":["general","spd"],"precisions":["f64"],"description":"d","flop_method":"lu"},
    {"name":"w.gpu","kinds":["least_squares"],"precisions":["f32","f64"],"description":"g","unavailable":"no GPU"}]})");
  EXPECT_EQ(h.worker, "w");
  ASSERT_EQ(h.solvers.size(), 2u);
  EXPECT_TRUE(h.solvers[0].kinds.contains(ProblemKind::spd));
  EXPECT_FALSE(h.solvers[0].kinds.contains(ProblemKind::least_squares));
  EXPECT_FALSE(h.solvers[0].f32);
  EXPECT_TRUE(h.solvers[0].f64);
  EXPECT_EQ(h.solvers[0].flop_method, "lu");
  EXPECT_EQ(h.solvers[1].unavailable, "no GPU");
  EXPECT_EQ(h.versions.begin().key(), "z");  // the worker's order is kept for run.json
}

TEST(WorkerProtocol, ABadHelloSaysWhatIsWrong) {
  auto why = [](const std::string& text) {
    try {
      parse_hello(text);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string ok = R"("kinds":["general"],"precisions":["f64"],"description":"d")";
  EXPECT_NE(why("{nope").find("not valid JSON"), std::string::npos);
  EXPECT_NE(why(R"({"solvers":[]})").find("missing \"protocol\""), std::string::npos);
  EXPECT_NE(why(R"({"protocol":2,"solvers":[]})").find("worker speaks protocol 2, condbench speaks 1"),
            std::string::npos);
  EXPECT_NE(why(R"({"protocol":1,"solvers":[]})").find("non-empty list"), std::string::npos);
  EXPECT_NE(why(R"({"protocol":1,"solvers":[{"name":"nodot",)" + ok + "}]}").find("backend.method"),
            std::string::npos);
  EXPECT_NE(why(R"({"protocol":1,"solvers":[{"name":"a.b","kinds":["square-ish"],"precisions":["f64"],)"
                R"("description":"d"}]})")
                .find("unknown kind \"square-ish\""),
            std::string::npos);
  EXPECT_NE(why(R"({"protocol":1,"solvers":[{"name":"a.b","kinds":["spd"],"precisions":["f16"],"description":"d"}]})")
                .find("unknown precision \"f16\""),
            std::string::npos);
  EXPECT_NE(why(R"({"protocol":1,"solvers":[{"name":"a.b",)" + ok + R"(},{"name":"a.b",)" + ok + "}]}")
                .find("offered twice"),
            std::string::npos);
  EXPECT_NE(why(R"({"protocol":1,"solvers":[{"name":"a.b","kinds":["spd"],"precisions":["f64"]}]})")
                .find("missing \"description\""),
            std::string::npos);
}

TEST(WorkerProtocol, FactsBecomeSolverFacts) {
  std::string reason;
  SolverFacts f = parse_facts(R"({"reason":"r","iterations":4,"fallback":true,"note":"n",
                                  "extra":{"steps":3,"stop":"converged","ok":true},"future_key":[1]})",
                              reason);
  EXPECT_EQ(reason, "r");
  EXPECT_EQ(f.iterations, 4);
  EXPECT_TRUE(f.fallback);
  EXPECT_EQ(f.note, "n");
  EXPECT_EQ(f.extra.dump(), R"({"steps":3,"stop":"converged","ok":true})");
  EXPECT_EQ(parse_facts("", reason).iterations, -1);
  EXPECT_THROW(parse_facts(R"({"extra":{"v":[1,2]}})", reason), std::runtime_error);
  EXPECT_THROW(parse_facts(R"({"iterations":"many"})", reason), std::runtime_error);
  EXPECT_THROW(parse_facts("[1]", reason), std::runtime_error);
}

}  // namespace
}  // namespace condbench::worker
