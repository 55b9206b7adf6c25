// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_DETAIL_ALIVE_HPP
#define SOCKLITE_DETAIL_ALIVE_HPP

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

}  // namespace detail
}  // namespace socklite

#endif  // SOCKLITE_DETAIL_ALIVE_HPP
