// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_DETAIL_ALIVE_HPP
#define SOCKLITE_DETAIL_ALIVE_HPP

#include <utility>

// Private: lets an object notice that a user callback destroyed it. An object that calls user
// code keeps a `bool* dead_flag_`; each entry point puts an AliveGuard on its stack, and the
// destructor calls AliveGuard::destroyed(dead_flag_). After every user callback the entry point
// checks guard.dead and returns at once if set, touching no member. Nested entry points (a
// callback that calls back in) chain their flags, so every frame learns of the destruction.

namespace socklite {
namespace detail {

/** Stack marker that learns whether the object it guards was destroyed meanwhile (private). */
class AliveGuard {
public:
    /** Registers on @p slot (the guarded object's `dead_flag_` member). */
    // GCC 12 at -O2 warns that the object keeps the address of this stack object; it does only
    // while the guard lives (the destructor restores the previous value).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
    explicit AliveGuard(bool*& slot) noexcept : slot_(slot), prev_(slot) { slot_ = &dead; }
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic pop
#endif
    AliveGuard(const AliveGuard&) = delete;
    AliveGuard& operator=(const AliveGuard&) = delete;
    /** Unregisters; passes a destruction on to the enclosing frame. */
    ~AliveGuard() {
        if (dead) {
            if (prev_) *prev_ = true;
        } else {
            slot_ = prev_;
        }
    }
    /** Called by the guarded object's destructor with its `dead_flag_`. */
    static void destroyed(bool* flag) noexcept {
        if (flag) *flag = true;
    }
    /** Set when the guarded object was destroyed: do not touch it any more. */
    bool dead = false;

private:
    bool*& slot_;  // only used while !dead
    bool* prev_;
};

/** Calls the handler held in @p slot, a member of an object that keeps @p dead_flag, through
 *  @p invoke (which receives the handler). The handler is moved out while it runs, so it may
 *  replace itself or destroy the object; it is put back afterwards (also when it throws) unless
 *  it was replaced or the object is gone. @return false when the object was destroyed: the
 *  caller must return at once, touching no member. */
template <class Handler, class Invoke>
bool call_handler(bool*& dead_flag, Handler& slot, Invoke&& invoke) {
    AliveGuard guard(dead_flag);
    struct Restore {
        AliveGuard& guard;
        Handler& slot;
        Handler handler;
        ~Restore() {
            if (!guard.dead && !slot) slot = std::move(handler);
        }
    } running{guard, slot, std::move(slot)};
    invoke(running.handler);
    return !guard.dead;
}

}  // namespace detail
}  // namespace socklite

#endif  // SOCKLITE_DETAIL_ALIVE_HPP
