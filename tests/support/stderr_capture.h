// What the code under test writes to stderr (Sluice's log lines) while an object of this class
// lives: fd 2 goes to a temporary file, text() reads it, the destructor puts stderr back.
#pragma once
#include <unistd.h>

#include <cstdio>
#include <string>

namespace sluice::test {

class StderrCapture {
 public:
  StderrCapture() : file_(std::tmpfile()), saved_(::dup(2)) {
    std::fflush(stderr);
    ::dup2(::fileno(file_), 2);
  }
  ~StderrCapture() {
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
    std::fclose(file_);
  }
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;

  // Everything written so far.
  std::string text() const {
    std::fflush(stderr);
    std::string out;
    std::rewind(file_);
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, file_)) > 0;) out.append(buf, n);
    std::fseek(file_, 0, SEEK_END);
    return out;
  }

 private:
  std::FILE* file_;
  int saved_;
};

}  // namespace sluice::test
