// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_EVENT_LOOP_HPP
#define SOCKLITE_EVENT_LOOP_HPP

/** @file
 *  socklite::EventLoop: an epoll readiness loop with descriptor callbacks, timers and a
 *  thread-safe post(). */

#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <new>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "deadline.hpp"
#include "detail/function.hpp"
#include "detail/syscall.hpp"
#include "error.hpp"

namespace socklite {

/** A single-threaded readiness loop on Linux epoll: it calls your function when a descriptor
 *  becomes readable or writable, when a timer expires, or when another thread post()s work.
 *
 *  **Threads.** An EventLoop belongs to the thread that calls run() or run_once(). Every member
 *  function except post() must be called from that thread (usually from inside a callback, or
 *  before the loop starts). post() is the one thread-safe call: to stop a loop from another
 *  thread, `loop.post([&loop] { loop.stop(); })`.
 *
 *  **Level-triggered.** Descriptors are watched level-triggered (unless you add `edge_triggered`
 *  to the mask): while a socket still has unread bytes, or still has room to write with
 *  `writable` interest, the callback is called again on every iteration. A callback may therefore
 *  read a bounded amount and return (fairness between connections), and nothing is lost if it
 *  does not drain the socket. Watch `writable` only while you have bytes to send, or the loop
 *  wakes up all the time.
 *
 *  **Exceptions.** A callback that throws is not caught: the exception propagates out of run()
 *  or run_once() and the loop stays usable. Events of that iteration that were not yet
 *  dispatched are reported again by the next iteration (for level-triggered descriptors; an
 *  edge-triggered one loses them), a one-shot timer that threw is gone, a repeating one stays
 *  scheduled, and timers and posted functions not yet run still run on the next iteration.
 *  Call run() again to go on.
 *
 *  **Changes from callbacks.** A callback may add, modify or remove any descriptor (its own
 *  included), create or cancel timers and post work. A descriptor removed during an iteration
 *  gets no further events from that iteration, even if a new one with the same number is added.
 *
 *  Memory: one callback (32 bytes, plus a heap copy of a lambda that captures more than two
 *  pointers) and a few integers per watched descriptor (a table indexed by descriptor
 *  number), one heap entry plus one table slot per pending timer (slots are reused).
 *
 *  @par Example
 *  @code
 *  socklite::EventLoop loop;
 *  loop.add(fd, socklite::EventLoop::readable, [&](std::uint32_t events) { ... });
 *  auto id = loop.call_after(std::chrono::seconds(5), [&] { loop.stop(); });
 *  loop.run();  // returns after stop()
 *  @endcode */
class EventLoop {
public:
    /** The readiness mask passed to add() and modify() and received by callbacks. */
    using Events = std::uint32_t;
    /** A descriptor callback: receives the events that are ready (a mask of the constants below).
     *  Like `std::function` (built from a lambda, a function pointer or a `std::function`). */
    using FdCallback = detail::Function<void(Events events)>;
    /** A timer or posted function (like `std::function<void()>`). */
    using Task = detail::Function<void()>;
    /** Identifies a timer for cancel(); never 0, never reused by one loop. */
    using TimerId = std::uint64_t;
    /** The clock timers use. */
    using Clock = std::chrono::steady_clock;

    /** Interest and event: the descriptor can be read (or a listener can accept, or the peer closed). */
    static constexpr Events readable = EPOLLIN;
    /** Interest and event: the descriptor can be written. */
    static constexpr Events writable = EPOLLOUT;
    /** Event only (always reported): an error is pending on the descriptor (read `SO_ERROR`). */
    static constexpr Events error = EPOLLERR;
    /** Event only (always reported): hang-up, e.g. both directions of a socket are shut down. */
    static constexpr Events hangup = EPOLLHUP;
    /** Interest flag: watch edge-triggered (`EPOLLET`): the callback then must drain the
     *  descriptor until it would block, or it is not called again. */
    static constexpr Events edge_triggered = EPOLLET;

    /** Creates the epoll instance and the wake-up eventfd. @throws Error (e.g. `EMFILE`). */
    EventLoop();
    /** As EventLoop(), reporting through @p ec; on failure the loop is unusable (valid() is false). */
    explicit EventLoop(std::error_code& ec) noexcept;
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;
    /** Closes the loop's own descriptors; watched descriptors are not closed (they are yours),
     *  and pending timers and posted functions are destroyed without running. */
    ~EventLoop();

    /** Whether construction succeeded. */
    bool valid() const noexcept { return epoll_fd_ >= 0 && wake_fd_ >= 0; }

    /** Watches @p fd for @p events (readable, writable, optionally edge_triggered) and calls
     *  @p callback with the ready mask; error and hangup are always reported.
     *  @throws Error (`EEXIST` if already watched, `EPERM` for a regular file, `EINVAL` for an
     *  empty callback, ...). */
    void add(int fd, Events events, FdCallback callback);
    /** As add(int, Events, FdCallback), reporting through @p ec. */
    void add(int fd, Events events, FdCallback callback, std::error_code& ec) noexcept;
    /** Changes the interest of a watched descriptor (the callback stays). @throws Error
     *  (`ENOENT` if not watched). */
    void modify(int fd, Events events);
    /** As modify(int, Events), reporting through @p ec. */
    void modify(int fd, Events events, std::error_code& ec) noexcept;
    /** Stops watching @p fd (call it before closing the descriptor). The callback is destroyed
     *  after the current callback returns, so a callback may remove its own descriptor.
     *  @throws Error (`ENOENT` if not watched). */
    void remove(int fd);
    /** As remove(int), reporting through @p ec. */
    void remove(int fd, std::error_code& ec) noexcept;
    /** Whether @p fd is watched. */
    bool watching(int fd) const noexcept;
    /** The interest mask of a watched descriptor (0 if not watched). */
    Events interest(int fd) const noexcept;

    /** Runs @p task once, @p delay from now (millisecond resolution, never early).
     *  @return the id to cancel() it. @throws std::bad_alloc only. */
    TimerId call_after(std::chrono::milliseconds delay, Task task);
    /** Runs @p task every @p interval (the first time one interval from now) until cancelled.
     *  An interval below 1 ms counts as 1 ms. Late iterations are not caught up in a burst.
     *  @return the id to cancel() it. */
    TimerId call_every(std::chrono::milliseconds interval, Task task);
    /** Cancels a timer: its task will not run again and is destroyed now (a repeating timer may
     *  cancel itself from its own task). @return false if @p id is not pending (already fired
     *  or cancelled). No allocation; O(1). */
    bool cancel(TimerId id) noexcept;
    /** The number of timers pending. */
    std::size_t timer_count() const noexcept { return timer_count_; }

    /** Queues @p task to run on the loop's thread soon, and wakes the loop. **Thread-safe**: the
     *  only member function that may be called from any thread. Tasks run in the order posted.
     *  @throws std::bad_alloc only. */
    void post(Task task);

    /** Runs iterations until stop() is called, then returns (the stop request is consumed, so
     *  run() may be called again). If stop() was called before run(), run() returns at once. @throws Error if epoll fails, or whatever a callback throws. */
    void run();
    /** As run(), reporting loop failures through @p ec (callback exceptions still propagate). */
    void run(std::error_code& ec);
    /** Waits up to @p timeout for something to happen and runs the ready callbacks, the expired
     *  timers and the posted functions. As everywhere in socklite, no_timeout (the default) waits
     *  as long as it takes (a pending timer still bounds the wait), and zero or less has already
     *  expired: the call does not wait. @return the number of callbacks run. @throws Error. */
    std::size_t run_once(std::chrono::milliseconds timeout = no_timeout);
    /** As run_once(std::chrono::milliseconds), reporting through @p ec. */
    std::size_t run_once(std::chrono::milliseconds timeout, std::error_code& ec);
    /** Makes run() return once the current iteration is done (the events, timers and posted
     *  functions already due still run). Loop thread only; from elsewhere, post() it. */
    void stop() noexcept { stop_ = true; }
    /** Whether stop() was called and run() has not yet consumed the request. */
    bool stopping() const noexcept { return stop_; }

private:
    struct Watch {
        FdCallback callback;
        Events events = 0;
        std::uint32_t generation = 0;  // bumped on every add, so stale events are recognised
        bool active = false;
    };
    // A slot of the timer table. A TimerId is (generation << 32) | (slot + 1): the generation
    // tells a pending timer from an earlier one that held the same slot.
    struct Timer {
        Task task;
        Clock::duration interval{};    // zero: one-shot
        std::uint32_t generation = 0;  // bumped whenever the slot is taken
        std::uint32_t next_free = 0;   // while free: the next free slot (no_slot ends the list)
        bool live = false;             // pending
    };
    struct HeapEntry {
        Clock::time_point when;
        std::uint64_t seq;  // creation order: breaks ties between equal deadlines
        TimerId id;
    };
    // Orders the timer queue: the earlier deadline (then the older timer) comes out first.
    struct Later {
        bool operator()(const HeapEntry& a, const HeapEntry& b) const noexcept {
            return a.when != b.when ? a.when > b.when : a.seq > b.seq;
        }
    };
    // The pending deadlines. Cancelled timers stay queued until they come out on top (lazy
    // cancellation); compact() drops them all at once.
    struct TimerQueue : std::priority_queue<HeapEntry, std::vector<HeapEntry>, Later> {
        template <class Live>
        void compact(Live live) {
            std::size_t n = 0;
            for (std::size_t i = 0; i < c.size(); ++i) {
                if (live(c[i].id)) c[n++] = c[i];
            }
            c.resize(n);
            std::make_heap(c.begin(), c.end(), comp);
        }
    };
    // Resets dispatch state even when a callback throws.
    struct DispatchGuard {
        EventLoop& loop;
        explicit DispatchGuard(EventLoop& l) : loop(l) { ++loop.dispatching_; }
        ~DispatchGuard() {
            if (--loop.dispatching_ == 0) loop.graveyard_.clear();
        }
    };

    void init(std::error_code& ec) noexcept;
    TimerId schedule(Clock::time_point when, Clock::duration interval, Task task);
    Timer* find_timer(TimerId id) noexcept;
    void release_timer(TimerId id) noexcept;
    int wait_ms(std::chrono::milliseconds timeout) const noexcept;
    std::size_t run_timers();
    std::size_t run_posted(bool woken);
    void compact_heap();

    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    bool stop_ = false;
    int dispatching_ = 0;
    static constexpr std::uint32_t no_slot = UINT32_MAX;

    std::vector<Watch> watches_;         // indexed by descriptor
    std::vector<FdCallback> graveyard_;  // callbacks removed while dispatching
    std::vector<epoll_event> ready_;
    TimerQueue heap_;
    std::vector<Timer> timers_;           // slots, indexed by the low half of a TimerId, minus 1
    std::uint32_t free_timer_ = no_slot;  // first free slot, linked through Timer::next_free
    std::size_t timer_count_ = 0;         // live slots
    std::uint64_t next_seq_ = 0;
    std::vector<Task> running_;  // posted tasks being run (loop thread)
    std::size_t running_pos_ = 0;
    std::mutex post_mutex_;
    std::vector<Task> posted_;   // guarded by post_mutex_
    bool wake_pending_ = false;  // guarded by post_mutex_
};

// ---------------------------------------------------------------------------------------------
// Implementation

inline void EventLoop::init(std::error_code& ec) noexcept {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) {
        ec = detail::last_error();
        return;
    }
    wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0) {
        ec = detail::last_error();
        return;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = UINT64_MAX;  // marks the wake-up descriptor
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) {
        ec = detail::last_error();
        return;
    }
    ec.clear();
}

inline EventLoop::EventLoop(std::error_code& ec) noexcept { init(ec); }

inline EventLoop::EventLoop() {
    std::error_code ec;
    init(ec);
    if (ec) {
        if (wake_fd_ >= 0) ::close(wake_fd_);
        if (epoll_fd_ >= 0) ::close(epoll_fd_);
        detail::throw_error(ec, "create event loop", "");
    }
}

inline EventLoop::~EventLoop() {
    if (wake_fd_ >= 0) ::close(wake_fd_);
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

inline void EventLoop::add(int fd, Events events, FdCallback callback,
                           std::error_code& ec) noexcept {
    if (fd < 0) {
        ec = std::make_error_code(std::errc::bad_file_descriptor);
        return;
    }
    if (!callback) {
        ec = std::make_error_code(std::errc::invalid_argument);
        return;
    }
    if (watching(fd)) {
        ec = std::make_error_code(std::errc::file_exists);
        return;
    }
    try {
        if (static_cast<std::size_t>(fd) >= watches_.size())
            watches_.resize(static_cast<std::size_t>(fd) + 1);
    } catch (...) {
        ec = std::make_error_code(std::errc::not_enough_memory);
        return;
    }
    Watch& w = watches_[static_cast<std::size_t>(fd)];
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 =
        (static_cast<std::uint64_t>(w.generation + 1) << 32) | static_cast<std::uint32_t>(fd);
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
        ec = detail::last_error();
        return;
    }
    ++w.generation;
    w.callback = std::move(callback);
    w.events = events;
    w.active = true;
    ec.clear();
}

inline void EventLoop::add(int fd, Events events, FdCallback callback) {
    std::error_code ec;
    add(fd, events, std::move(callback), ec);
    if (ec) detail::throw_error(ec, "epoll add", "fd " + std::to_string(fd));
}

inline bool EventLoop::watching(int fd) const noexcept {
    return fd >= 0 && static_cast<std::size_t>(fd) < watches_.size() &&
           watches_[static_cast<std::size_t>(fd)].active;
}

inline EventLoop::Events EventLoop::interest(int fd) const noexcept {
    return watching(fd) ? watches_[static_cast<std::size_t>(fd)].events : 0;
}

inline void EventLoop::modify(int fd, Events events, std::error_code& ec) noexcept {
    if (!watching(fd)) {
        ec = std::make_error_code(std::errc::no_such_file_or_directory);
        return;
    }
    Watch& w = watches_[static_cast<std::size_t>(fd)];
    if (w.events == events) {  // nothing to tell the kernel
        ec.clear();
        return;
    }
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = (static_cast<std::uint64_t>(w.generation) << 32) | static_cast<std::uint32_t>(fd);
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0) {
        ec = detail::last_error();
        return;
    }
    w.events = events;
    ec.clear();
}

inline void EventLoop::modify(int fd, Events events) {
    std::error_code ec;
    modify(fd, events, ec);
    if (ec) detail::throw_error(ec, "epoll modify", "fd " + std::to_string(fd));
}

inline void EventLoop::remove(int fd, std::error_code& ec) noexcept {
    if (!watching(fd)) {
        ec = std::make_error_code(std::errc::no_such_file_or_directory);
        return;
    }
    Watch& w = watches_[static_cast<std::size_t>(fd)];
    // Even if the kernel refuses (the descriptor was already closed, say), forget the watch.
    int rc = ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    int e = errno;
    w.active = false;
    w.events = 0;
    if (dispatching_ > 0) {
        // The callback may be the one running right now: destroy it after it returns.
        try {
            graveyard_.push_back(std::move(w.callback));
        } catch (...) {
            // Out of memory: keeping the callback alive until the next add() is harmless.
        }
    } else {
        w.callback = nullptr;
    }
    if (rc != 0 && e != EBADF && e != ENOENT) {
        ec = {e, std::system_category()};
        return;
    }
    ec.clear();
}

inline void EventLoop::remove(int fd) {
    std::error_code ec;
    remove(fd, ec);
    if (ec) detail::throw_error(ec, "epoll remove", "fd " + std::to_string(fd));
}

inline EventLoop::Timer* EventLoop::find_timer(TimerId id) noexcept {
    std::size_t slot = static_cast<std::size_t>(static_cast<std::uint32_t>(id)) - 1;
    if (slot >= timers_.size()) return nullptr;  // also a low half of 0 (slot wraps)
    Timer& t = timers_[slot];
    return t.live && t.generation == static_cast<std::uint32_t>(id >> 32) ? &t : nullptr;
}

inline void EventLoop::release_timer(TimerId id) noexcept {
    std::size_t slot = static_cast<std::size_t>(static_cast<std::uint32_t>(id)) - 1;
    Timer& t = timers_[slot];
    t.live = false;
    --timer_count_;
    // A slot whose generation is exhausted is retired, so an id is never reused.
    if (t.generation != UINT32_MAX) {
        t.next_free = free_timer_;
        free_timer_ = static_cast<std::uint32_t>(slot);
    }
}

inline EventLoop::TimerId EventLoop::schedule(Clock::time_point when, Clock::duration interval,
                                              Task task) {
    // Cancelled entries stay in the heap until they reach the top; when they outnumber the live
    // ones, drop them all (amortised O(1) per timer), so create-and-cancel cannot grow the heap.
    if (heap_.size() >= 64 && heap_.size() > 2 * timer_count_) compact_heap();
    if (free_timer_ == no_slot) {
        if (timers_.size() >= no_slot) throw std::bad_alloc();  // ids have 32 bits of slot
        auto slot = static_cast<std::uint32_t>(timers_.size());
        timers_.emplace_back();
        timers_[slot].next_free = no_slot;
        free_timer_ = slot;
    }
    const std::uint32_t slot = free_timer_;
    Timer& t = timers_[slot];
    TimerId id = (static_cast<TimerId>(t.generation + 1) << 32) | (static_cast<TimerId>(slot) + 1);
    heap_.push(HeapEntry{when, next_seq_, id});  // may throw: the slot stays free
    ++next_seq_;
    free_timer_ = t.next_free;
    ++t.generation;
    t.task = std::move(task);
    t.interval = interval;
    t.live = true;
    ++timer_count_;
    return id;
}

inline EventLoop::TimerId EventLoop::call_after(std::chrono::milliseconds delay, Task task) {
    if (delay.count() < 0) delay = std::chrono::milliseconds(0);
    return schedule(Clock::now() + delay, Clock::duration::zero(), std::move(task));
}

inline EventLoop::TimerId EventLoop::call_every(std::chrono::milliseconds interval, Task task) {
    if (interval.count() < 1) interval = std::chrono::milliseconds(1);
    return schedule(Clock::now() + interval, interval, std::move(task));
}

inline bool EventLoop::cancel(TimerId id) noexcept {
    // Lazy cancellation: the heap entry stays until it reaches the top (or a compaction).
    Timer* t = find_timer(id);
    if (!t) return false;
    Task task = std::move(t->task);  // destroyed on return, once the slot is consistent
    release_timer(id);
    return true;
}

inline void EventLoop::compact_heap() {
    heap_.compact([this](TimerId id) { return find_timer(id) != nullptr; });
}

inline void EventLoop::post(Task task) {
    bool wake = false;
    {
        std::lock_guard<std::mutex> lock(post_mutex_);
        posted_.push_back(std::move(task));
        if (!wake_pending_) wake = wake_pending_ = true;
    }
    if (wake) {
        std::uint64_t one = 1;
        // Cannot fail short of a counter overflow; a pending wake-up is all that matters.
        [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
    }
}

inline int EventLoop::wait_ms(std::chrono::milliseconds timeout) const noexcept {
    long long ms = timeout == no_timeout ? -1 : (timeout.count() < 0 ? 0 : timeout.count());
    if (running_pos_ < running_.size()) return 0;  // posted work left over from an exception
    if (!heap_.empty()) {
        auto left = heap_.top().when - Clock::now();
        // Round up, so a timer is never run early and the loop does not spin on 0 ms waits.
        long long t = left <= Clock::duration::zero()
                          ? 0
                          : std::chrono::ceil<std::chrono::milliseconds>(left).count();
        if (ms < 0 || t < ms) ms = t;
    }
    return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

inline std::size_t EventLoop::run_timers() {
    std::size_t count = 0;
    auto now = Clock::now();
    // Timers added by these callbacks wait for the next iteration (now is fixed here), so a
    // zero-delay timer that re-arms itself cannot starve the descriptors.
    while (!heap_.empty() && heap_.top().when <= now) {
        HeapEntry top = heap_.top();
        heap_.pop();
        Timer* t = find_timer(top.id);
        if (!t) continue;  // cancelled
        if (t->interval == Clock::duration::zero()) {
            Task task = std::move(t->task);
            release_timer(top.id);
            ++count;
            if (task) task();
        } else {
            auto next = top.when + t->interval;
            if (next <= now) next = now + t->interval;  // late: skip, don't burst
            heap_.push(HeapEntry{next, top.seq, top.id});
            // Run a moved-out copy, so the task may cancel its own timer safely.
            Task task = std::move(t->task);
            ++count;
            struct Restore {
                EventLoop& loop;
                TimerId id;
                Task& task;
                ~Restore() {
                    Timer* again = loop.find_timer(id);
                    if (again && !again->task) again->task = std::move(task);
                }
            } restore{*this, top.id, task};
            if (task) task();
        }
    }
    if (heap_.size() > 64 && heap_.size() > 2 * timer_count_) compact_heap();
    return count;
}

inline std::size_t EventLoop::run_posted(bool woken) {
    std::size_t count = 0;
    for (int batch = 0; batch < 2; ++batch) {
        // First what an exception left over, then (if woken) the tasks posted since: the
        // eventfd stays readable until the queue is taken, so nothing posted is ever stranded.
        while (running_pos_ < running_.size()) {
            Task task = std::move(running_[running_pos_++]);
            ++count;
            if (task) task();
        }
        running_.clear();
        running_pos_ = 0;
        if (batch == 1 || !woken) break;
        std::uint64_t value;
        [[maybe_unused]] ssize_t r = ::read(wake_fd_, &value, sizeof value);
        // Tasks posted while this batch runs wait for the next iteration.
        std::lock_guard<std::mutex> lock(post_mutex_);
        running_.swap(posted_);
        wake_pending_ = false;
    }
    return count;
}

inline std::size_t EventLoop::run_once(std::chrono::milliseconds timeout, std::error_code& ec) {
    ec.clear();
    if (ready_.empty()) ready_.resize(256);
    int n;
    for (;;) {
        n = ::epoll_wait(epoll_fd_, ready_.data(), static_cast<int>(ready_.size()),
                         wait_ms(timeout));
        if (n >= 0) break;
        if (errno != EINTR) {
            ec = detail::last_error();
            return 0;
        }
        // A signal: return to the caller rather than wait the full timeout again.
        n = 0;
        break;
    }
    DispatchGuard guard(*this);
    std::size_t count = 0;
    bool woken = false;
    for (int i = 0; i < n; ++i) {
        const epoll_event ev = ready_[static_cast<std::size_t>(i)];
        if (ev.data.u64 == UINT64_MAX) {
            woken = true;  // read in run_posted(), just before it takes the queue
            continue;
        }
        auto fd = static_cast<std::size_t>(ev.data.u64 & 0xffffffffu);
        auto generation = static_cast<std::uint32_t>(ev.data.u64 >> 32);
        if (fd >= watches_.size()) continue;
        Watch& w = watches_[fd];
        // Removed (or removed and re-added) by an earlier callback of this iteration: stale.
        if (!w.active || w.generation != generation) continue;
        ++count;
        // Run a moved-out callback: the callback may remove its descriptor, and a new watch on
        // the same number may be added before it returns, without touching the running one.
        struct Restore {
            EventLoop& loop;
            std::size_t fd;
            std::uint32_t generation;
            FdCallback callback;
            ~Restore() {
                Watch& again = loop.watches_[fd];
                if (again.active && again.generation == generation && !again.callback)
                    again.callback = std::move(callback);
            }
        } running{*this, fd, generation, std::move(w.callback)};
        running.callback(ev.events);
    }
    if (static_cast<std::size_t>(n) == ready_.size() && ready_.size() < 4096)
        ready_.resize(ready_.size() * 2);
    count += run_timers();
    if (woken || running_pos_ < running_.size()) count += run_posted(woken);
    return count;
}

inline std::size_t EventLoop::run_once(std::chrono::milliseconds timeout) {
    std::error_code ec;
    std::size_t count = run_once(timeout, ec);
    if (ec) detail::throw_error(ec, "epoll_wait", "");
    return count;
}

inline void EventLoop::run(std::error_code& ec) {
    ec.clear();
    struct Consume {
        bool& stop;
        ~Consume() { stop = false; }
    } consume{stop_};
    while (!stop_) {
        run_once(no_timeout, ec);
        if (ec) return;
    }
}

inline void EventLoop::run() {
    std::error_code ec;
    run(ec);
    if (ec) detail::throw_error(ec, "epoll_wait", "");
}

}  // namespace socklite

#endif  // SOCKLITE_EVENT_LOOP_HPP
