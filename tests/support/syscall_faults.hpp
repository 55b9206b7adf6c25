// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_TESTS_SUPPORT_SYSCALL_FAULTS_HPP
#define SOCKLITE_TESTS_SUPPORT_SYSCALL_FAULTS_HPP

// A scoped fault injector over socklite::detail::sys (the library's syscall seam).
//
// While a ScopedFaults object lives, every call through detail::sys goes through a hook that
// counts it and, when scripted, fails it (EINTR, ECONNRESET, EMFILE, ...) or shortens it (short
// writes and reads). Install it while no other thread makes socklite calls (threads started
// after construction and joined before destruction are fine: the script itself is atomic).

#include <socklite/detail/syscall.hpp>

#include <socklite/address.hpp>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

#include <fcntl.h>

namespace socklite_test {

/** The system calls of the seam, as indices into the fault script. */
enum class Call { socket, connect, accept, send, recv, poll, close, getaddrinfo, count_ };

/** What to do with one kind of call. */
struct CallScript {
    std::atomic<int> calls{0};       ///< calls seen (matching the fd filter)
    std::atomic<int> fail_next{0};   ///< fail this many of the next calls ...
    std::atomic<int> fail_errno{0};  ///< ... with this errno
    std::atomic<int> skip{0};        ///< let this many calls through before failing
};

/** The global script read by the hooks. */
struct FaultScript {
    CallScript call[static_cast<int>(Call::count_)];
    std::atomic<int> only_fd{-1};          ///< act only on this fd (-1: every fd)
    std::atomic<std::size_t> send_cap{0};  ///< pass at most this many bytes to send (0: no cap)
    std::atomic<std::size_t> recv_cap{0};  ///< ask recv for at most this many bytes (0: no cap)
    /** When set, accept takes the connection and closes it, then reports EAGAIN: a client that
     *  vanished (or another thread that won the race) between poll and accept. */
    std::atomic<int> steal_accepts{0};
    /** How many accept4 calls on a blocking descriptor found the queue emptied (they would
     *  have blocked with no regard for any deadline). */
    std::atomic<int> blocked_accepts{0};
    /** Scripted EINTRs on connect happen after the real connect began, on non-blocking
     *  sockets too (they always do on blocking ones): 1 = right after it began (a retry meets
     *  EALREADY, or EISCONN), 2 = once the handshake is done (a retry meets EISCONN). */
    std::atomic<int> connect_eintr_after_start{0};
    /** Scripted EINTRs on connect happen before anything starts, on blocking sockets too: a
     *  signal while a Unix-domain connect waits for room in a full backlog. */
    std::atomic<bool> connect_eintr_before_start{false};
    /** getaddrinfo takes this long first (a slow resolver), in milliseconds. */
    std::atomic<int> resolve_delay_ms{0};

    // Set these only while no other thread makes socklite calls (they are not atomic).
    /** When not empty, getaddrinfo answers with these addresses (for any name). */
    std::vector<socklite::Address> fake_hosts;
    /** When not empty, connect goes to `second` instead of `first`; other addresses fail with
     *  ENETUNREACH, so a test never sends packets off loopback. */
    std::vector<std::pair<socklite::Address, socklite::Address>> connect_redirects;

    CallScript& operator[](Call c) { return call[static_cast<int>(c)]; }
};

inline FaultScript faults;

namespace hooks {

inline socklite::detail::Syscalls real = socklite::detail::sys;

inline bool applies(int fd) {
    int only = faults.only_fd.load();
    return only < 0 || only == fd;
}

// Counts the call; returns true (errno set) when the script says this call fails.
inline bool scripted_failure(Call c, int fd) {
    if (!applies(fd)) return false;
    CallScript& s = faults[c];
    s.calls.fetch_add(1);
    if (s.fail_next.load() <= 0) return false;
    int skip = s.skip.load();
    while (skip > 0) {
        if (s.skip.compare_exchange_weak(skip, skip - 1)) return false;
    }
    int left = s.fail_next.load();
    while (left > 0) {
        if (s.fail_next.compare_exchange_weak(left, left - 1)) {
            errno = s.fail_errno.load();
            return true;
        }
    }
    return false;
}

inline int socket(int domain, int type, int protocol) {
    if (scripted_failure(Call::socket, -1)) return -1;
    return real.socket(domain, type, protocol);
}

// The connect target after connect_redirects; nullptr when unmatched (ENETUNREACH).
inline const socklite::Address* redirected(const sockaddr* sa, socklen_t len) {
    socklite::Address asked(sa, len);
    for (const auto& r : faults.connect_redirects)
        if (r.first == asked) return &r.second;
    return nullptr;
}

inline int connect(int fd, const sockaddr* sa, socklen_t len) {
    if (!faults.connect_redirects.empty()) {
        const socklite::Address* to = redirected(sa, len);
        if (to == nullptr) {
            faults[Call::connect].calls.fetch_add(1);
            errno = ENETUNREACH;
            return -1;
        }
        sa = to->data();
        len = to->size();
    }
    int flags = ::fcntl(fd, F_GETFL);
    bool blocking = flags >= 0 && (flags & O_NONBLOCK) == 0;
    if ((blocking || faults.connect_eintr_after_start.load()) &&
        !faults.connect_eintr_before_start.load() && applies(fd) &&
        faults[Call::connect].fail_next.load() > 0 &&
        faults[Call::connect].fail_errno.load() == EINTR) {
        // A signal that interrupts a blocking connect leaves the handshake going on in the
        // background; model that by connecting for real, then reporting EINTR.
        int saved_errno = 0;
        int rc = real.connect(fd, sa, len);
        if (rc != 0) saved_errno = errno;
        if (rc != 0 && saved_errno == EINPROGRESS && faults.connect_eintr_after_start.load() == 2) {
            pollfd p{fd, POLLOUT, 0};
            real.poll(&p, 1, 10000);  // bounded: loopback handshakes take microseconds
        }
        if (scripted_failure(Call::connect, fd)) return -1;
        errno = saved_errno;
        return rc;
    }
    if (scripted_failure(Call::connect, fd)) return -1;
    return real.connect(fd, sa, len);
}

inline int accept4(int fd, sockaddr* sa, socklen_t* len, int flags) {
    if (scripted_failure(Call::accept, fd)) return -1;
    if (applies(fd) && faults.steal_accepts.load() > 0) {
        int stolen = real.accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (stolen >= 0) {
            faults.steal_accepts.fetch_sub(1);
            real.close(stolen);
            int fl = ::fcntl(fd, F_GETFL);
            if (fl >= 0 && (fl & O_NONBLOCK) == 0) {
                // The real accept4 would now block until the next client, whatever the
                // caller's deadline: record that instead of hanging the test.
                faults.blocked_accepts.fetch_add(1);
                errno = EAGAIN;
                return -1;
            }
            return real.accept4(fd, sa, len, flags);  // EAGAIN when the queue is empty
        }
    }
    return real.accept4(fd, sa, len, flags);
}

inline ssize_t send(int fd, const void* data, size_t len, int flags) {
    if (scripted_failure(Call::send, fd)) return -1;
    std::size_t cap = faults.send_cap.load();
    if (cap > 0 && len > cap && applies(fd)) len = cap;
    return real.send(fd, data, len, flags);
}

inline ssize_t recv(int fd, void* data, size_t len, int flags) {
    if (scripted_failure(Call::recv, fd)) return -1;
    std::size_t cap = faults.recv_cap.load();
    if (cap > 0 && len > cap && applies(fd)) {
        len = cap;
        flags &= ~MSG_WAITALL;  // a short read is the point
    }
    return real.recv(fd, data, len, flags);
}

inline int poll(pollfd* fds, nfds_t n, int timeout) {
    if (scripted_failure(Call::poll, n > 0 ? fds[0].fd : -1)) return -1;
    return real.poll(fds, n, timeout);
}

inline int close(int fd) {
    if (applies(fd)) faults[Call::close].calls.fetch_add(1);
    return real.close(fd);
}

// addrinfo lists made from fake_hosts, told apart from the resolver's own when freed.
inline std::mutex fake_lists_mutex;
inline std::set<addrinfo*> fake_lists;

inline int getaddrinfo(const char* node, const char* service, const addrinfo* hints,
                       addrinfo** res) {
    if (scripted_failure(Call::getaddrinfo, -1)) {
        int err = errno;  // an EAI_* value (negative), or an errno value for EAI_SYSTEM
        return err > 0 ? EAI_SYSTEM : err;
    }
    if (int ms = faults.resolve_delay_ms.load(); ms > 0) ::poll(nullptr, 0, ms);  // slow resolver
    if (faults.fake_hosts.empty()) return real.getaddrinfo(node, service, hints, res);
    addrinfo* head = nullptr;
    addrinfo** tail = &head;
    for (const auto& a : faults.fake_hosts) {
        auto* ai = new addrinfo{};
        auto* storage = new sockaddr_storage{};
        std::memcpy(storage, a.data(), a.size());
        ai->ai_family = a.data()->sa_family;
        ai->ai_socktype = SOCK_STREAM;
        ai->ai_addr = reinterpret_cast<sockaddr*>(storage);
        ai->ai_addrlen = a.size();
        *tail = ai;
        tail = &ai->ai_next;
    }
    std::lock_guard<std::mutex> lock(fake_lists_mutex);
    fake_lists.insert(head);
    *res = head;
    return 0;
}

inline void freeaddrinfo(addrinfo* list) {
    {
        std::lock_guard<std::mutex> lock(fake_lists_mutex);
        if (fake_lists.erase(list) == 0) return real.freeaddrinfo(list);
    }
    while (list != nullptr) {
        addrinfo* next = list->ai_next;
        delete reinterpret_cast<sockaddr_storage*>(list->ai_addr);
        delete list;
        list = next;
    }
}

}  // namespace hooks

/** Installs the hooks for its lifetime, with a clean script; restores the real calls after. */
class ScopedFaults {
public:
    ScopedFaults() {
        reset();
        socklite::detail::sys = {hooks::socket,
                                 hooks::connect,
                                 hooks::accept4,
                                 hooks::send,
                                 hooks::recv,
                                 hooks::poll,
                                 hooks::close,
                                 hooks::getaddrinfo,
                                 hooks::freeaddrinfo,
                                 ::sendfile,
                                 socklite::detail::real_openat2};
    }
    ScopedFaults(const ScopedFaults&) = delete;
    ScopedFaults& operator=(const ScopedFaults&) = delete;
    ~ScopedFaults() {
        socklite::detail::sys = hooks::real;
        reset();
    }

    /** Makes the next @p times calls of @p c fail with @p err, after letting @p skip through.
     *  For Call::getaddrinfo, @p err is an `EAI_*` code, or an errno value for `EAI_SYSTEM`. */
    void fail(Call c, int err, int times = 1, int skip = 0) {
        faults[c].fail_errno = err;
        faults[c].skip = skip;
        faults[c].fail_next = times;
    }
    /** How many calls of @p c the hooks saw. */
    int calls(Call c) const { return faults[c].calls.load(); }
    /** Calls that were scripted to fail but have not happened yet. */
    int pending(Call c) const { return faults[c].fail_next.load(); }
    /** Restricts the script to calls on @p fd (-1: all). */
    void only_fd(int fd) { faults.only_fd = fd; }
    /** Caps the bytes passed to each send (0: no cap). */
    void send_cap(std::size_t n) { faults.send_cap = n; }
    /** Caps the bytes asked of each recv (0: no cap). */
    void recv_cap(std::size_t n) { faults.recv_cap = n; }
    /** See FaultScript::connect_eintr_after_start. */
    void connect_eintr_after_start(int mode) { faults.connect_eintr_after_start = mode; }
    /** See FaultScript::connect_eintr_before_start. */
    void connect_eintr_before_start(bool on) { faults.connect_eintr_before_start = on; }
    /** Makes getaddrinfo take @p ms milliseconds (a slow resolver). */
    void resolve_delay(int ms) { faults.resolve_delay_ms = ms; }
    /** Makes getaddrinfo answer @p hosts for any name. */
    void fake_hosts(std::vector<socklite::Address> hosts) { faults.fake_hosts = std::move(hosts); }
    /** Makes connect to @p from go to @p to instead (see FaultScript::connect_redirects). */
    void redirect(const socklite::Address& from, const socklite::Address& to) {
        faults.connect_redirects.emplace_back(from, to);
    }
    /** Makes the next @p n accepts lose their connection to a "competitor". */
    void steal_accepts(int n) { faults.steal_accepts = n; }
    /** accept4 calls that would have blocked on an emptied queue (see FaultScript). */
    int blocked_accepts() const { return faults.blocked_accepts.load(); }

private:
    static void reset() {
        for (auto& s : faults.call) {
            s.calls = 0;
            s.fail_next = 0;
            s.fail_errno = 0;
            s.skip = 0;
        }
        faults.only_fd = -1;
        faults.send_cap = 0;
        faults.recv_cap = 0;
        faults.steal_accepts = 0;
        faults.blocked_accepts = 0;
        faults.resolve_delay_ms = 0;
        faults.connect_eintr_after_start = 0;
        faults.connect_eintr_before_start = false;
        faults.fake_hosts.clear();
        faults.connect_redirects.clear();
    }
};

}  // namespace socklite_test

#endif  // SOCKLITE_TESTS_SUPPORT_SYSCALL_FAULTS_HPP
