// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// A buffer whose end touches a PROT_NONE page: bytes placed with place() end right at the guard,
// so a parser that reads one byte too far crashes instead of passing by luck.
#ifndef SOCKLITE_TESTS_HTTP_GUARD_PAGE_HPP
#define SOCKLITE_TESTS_HTTP_GUARD_PAGE_HPP

#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include <sys/mman.h>
#include <unistd.h>

namespace socklite_test {

class GuardPage {
public:
    /** Room for @p capacity bytes before the guard page. */
    explicit GuardPage(std::size_t capacity = 4096) {
        page_ = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
        usable_ = (capacity + page_ - 1) / page_ * page_;
        if (usable_ == 0) usable_ = page_;
        void* p = ::mmap(nullptr, usable_ + page_, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw std::runtime_error("mmap");
        base_ = static_cast<char*>(p);
        if (::mprotect(base_ + usable_, page_, PROT_NONE) != 0)
            throw std::runtime_error("mprotect");
    }
    GuardPage(const GuardPage&) = delete;
    GuardPage& operator=(const GuardPage&) = delete;
    ~GuardPage() { ::munmap(base_, usable_ + page_); }

    /** Copies @p bytes so that they end at the guard page; returns the placed view. */
    std::string_view place(std::string_view bytes) {
        if (bytes.size() > usable_) throw std::length_error("GuardPage::place");
        char* dst = base_ + usable_ - bytes.size();
        if (!bytes.empty()) std::memmove(dst, bytes.data(), bytes.size());
        return {dst, bytes.size()};
    }
    /** As place(), writable (for in-place decoding). */
    char* place_mutable(std::string_view bytes) { return const_cast<char*>(place(bytes).data()); }
    /** The usable size. */
    std::size_t capacity() const { return usable_; }

private:
    char* base_ = nullptr;
    std::size_t page_ = 0;
    std::size_t usable_ = 0;
};

}  // namespace socklite_test

#endif  // SOCKLITE_TESTS_HTTP_GUARD_PAGE_HPP
