// Code run in a child process answers over a pipe; a crash or an exit is reported and the
// calling process carries on.
#include "plugin/child_process.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <csignal>
#include <stdexcept>
#include <thread>
#include <cstdlib>

#include <signal.h>
#include <unistd.h>

namespace mx {
namespace {

TEST(ChildProcess, AnswerComesBackWhole) {
  std::string big(1 << 20, 'x');  // more than a pipe buffer holds
  big[12345] = 'y';
  auto o = run_in_child([&] { return big; });
  EXPECT_TRUE(o.answered);
  EXPECT_EQ(o.payload, big);
}

// The parent returns once the answer has come whole, before the child's exit; the child is
// still reaped (no zombie is left), and an answer that ends like the end mark is kept whole.
TEST(ChildProcess, TheChildIsReapedAfterItsAnswer) {
  auto o = run_in_child([] { return std::to_string(::getpid()); });
  ASSERT_TRUE(o.answered);
  const pid_t child = static_cast<pid_t>(std::stol(o.payload));
  ASSERT_NE(child, ::getpid());
  bool gone = false;
  for (int i = 0; i < 500 && !gone; ++i) {  // a zombie still takes signal 0
    gone = ::kill(child, 0) != 0 && errno == ESRCH;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone) << "child " << child << " was not reaped";
}

TEST(ChildProcess, AnAnswerEndingLikeTheEndMarkIsKept) {
  const std::string answer("x\0mx-done\0mx-done", 17);
  auto o = run_in_child([&] { return answer; });
  EXPECT_TRUE(o.answered);
  EXPECT_EQ(o.payload, answer);
}

TEST(ChildProcess, CrashIsReportedWithTheSignal) {
  auto o = run_in_child([]() -> std::string {
    // An unmapped address, not null (UBSan would stop a null store before it faults);
    // volatile: the store cannot be optimized away.
    volatile int* volatile p = reinterpret_cast<volatile int*>(16);
    *p = 1;
    return "unreachable";
  });
  EXPECT_FALSE(o.answered);
  EXPECT_EQ(o.signal, SIGSEGV);
  EXPECT_NE(describe_failure(o).find("killed by signal 11"), std::string::npos) << describe_failure(o);
}

TEST(ChildProcess, ExitWithoutAnswerIsReported) {
  auto o = run_in_child([]() -> std::string { std::_Exit(3); });
  EXPECT_FALSE(o.answered);
  EXPECT_EQ(o.exit_code, 3);
  EXPECT_EQ(describe_failure(o), "exited with status 3 without answering");
}

TEST(ChildProcess, ExceptionInTheChildIsAFailureNotAnAnswer) {
  auto o = run_in_child([]() -> std::string { throw std::runtime_error("x"); });
  EXPECT_FALSE(o.answered);
  EXPECT_EQ(o.exit_code, 70);
}

TEST(ChildProcess, AChildThatHangsIsStoppedAtTheTimeout) {
  auto o = run_in_child(
      [] {
        for (;;) pause();
        return std::string();
      },
      0.5);
  EXPECT_FALSE(o.answered);
  EXPECT_EQ(o.timed_out_after, 0.5);
  EXPECT_EQ(o.signal, SIGKILL);
  EXPECT_EQ(describe_failure(o), "did not finish within 0.5 s and was stopped");
}

TEST(ChildProcess, AnAnswerBeforeTheTimeoutCounts) {
  auto o = run_in_child([] { return std::string("done"); }, 60);
  EXPECT_TRUE(o.answered);
  EXPECT_EQ(o.payload, "done");
}

TEST(ChildProcess, ChildChangesDoNotReachTheParent) {
  int value = 1;
  auto o = run_in_child([&] {
    value = 2;
    return std::to_string(value);
  });
  EXPECT_EQ(o.payload, "2");
  EXPECT_EQ(value, 1);
}

// `meanwhile` runs in the parent while the child works; the child's answer still counts in
// full (more than a pipe buffer, so the child waits for the parent to read), and what
// `meanwhile` throws is not the child's failure.
TEST(ChildProcess, MeanwhileRunsInTheParentBesideTheChild) {
  std::string big(1 << 20, 'z');
  pid_t ran_in = 0;
  auto o = run_in_child([&] { return big; }, 60, [&] {
    ran_in = ::getpid();
    throw std::runtime_error("the parent's own trouble");
  });
  EXPECT_EQ(ran_in, ::getpid());
  EXPECT_TRUE(o.answered);
  EXPECT_EQ(o.payload, big);
}

// The time limit counts from the fork, not from the end of `meanwhile`: a hanging child
// is stopped right after a `meanwhile` that outlasted the limit.
TEST(ChildProcess, TheTimeLimitCountsFromTheForkNotFromMeanwhile) {
  auto start = std::chrono::steady_clock::now();
  auto o = run_in_child(
      [] {
        for (;;) pause();
        return std::string();
      },
      0.3, [] { std::this_thread::sleep_for(std::chrono::milliseconds(600)); });
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(o.timed_out_after, 0.3);
  EXPECT_EQ(o.signal, SIGKILL);
  EXPECT_LT(seconds, 0.85);  // 0.6 + 0.3 if the limit started after meanwhile
}

}  // namespace
}  // namespace mx
