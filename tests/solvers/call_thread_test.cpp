// The thread that calls into a stack's namespace: another thread than the caller's, always the same one,
// exceptions handed back, and a forked child gets a thread of its own.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

#include "solvers/lapack/call_thread.hpp"

namespace condbench::lapack {
namespace {

TEST(CallThread, RunsEveryCallOnOneThreadOfItsOwn) {
  CallThread t;
  std::thread::id first, second;
  t.run([&] { first = std::this_thread::get_id(); });
  t.run([&] { second = std::this_thread::get_id(); });
  EXPECT_NE(first, std::this_thread::get_id());
  EXPECT_EQ(first, second);
}

TEST(CallThread, HandsExceptionsBackAndGoesOn) {
  CallThread t;
  EXPECT_THROW(t.run([] { throw std::runtime_error("inside"); }), std::runtime_error);
  int x = 0;
  t.run([&] { x = 7; });
  EXPECT_EQ(x, 7);
}

TEST(CallThread, AForkedChildStartsItsOwnThread) {
  CallThread t;
  t.run([] {});
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int x = 0;
    t.run([&] { x = 42; });  // the parent's thread does not exist here
    _exit(x == 42 ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace condbench::lapack
