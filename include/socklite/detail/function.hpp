// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
#ifndef SOCKLITE_DETAIL_FUNCTION_HPP
#define SOCKLITE_DETAIL_FUNCTION_HPP

/** @file
 *  socklite::detail::Function: the small type-erased callable behind every socklite callback
 *  type. `std::function` in its place adds about 0.12 s (+19%) to every TU that includes the
 *  umbrella header at -O0 (docs/benchmarks.md, issue 7), hence this private one. */

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace socklite {
namespace detail {

/** Whether @p f is a null function pointer, or a callable object with an explicit
 *  `operator bool` that says it is empty (a `std::function`, another Function): such an
 *  argument makes an empty Function, as it makes an empty `std::function`. */
template <class F>
bool function_arg_is_empty(const F& f) {
    if constexpr (std::is_pointer<F>::value) {
        return f == nullptr;
    } else if constexpr (std::is_constructible<bool, const F&>::value &&
                         !std::is_convertible<const F&, bool>::value) {
        return !static_cast<bool>(f);
    } else {
        return false;
    }
}

template <class Signature>
class Function;

/** A callable of signature `R(A...)`, like `std::function`: empty, or holding a copy of any
 *  copyable callable (a lambda, a function or function pointer, a `std::function`, any object
 *  with a matching `operator()`; not a pointer to member). It converts from those arguments
 *  as `std::function` does (`nullptr` included), is copyable and movable, and is
 *  false in a boolean context when empty; calling an empty one is undefined (socklite always
 *  checks first). Small trivially copyable callables (a lambda capturing up to two pointers)
 *  are stored inline, without allocating, and moving never allocates. */
template <class R, class... A>
class Function<R(A...)> {
public:
    /** An empty callable (false in a boolean context). */
    Function() noexcept = default;
    /** An empty callable. */
    Function(std::nullptr_t) noexcept {}  // NOLINT(google-explicit-constructor)
    /** Holds a copy of @p f (empty if @p f is a null function pointer or an empty
     *  `std::function`). @throws std::bad_alloc, or what copying @p f throws. */
    template <class F, class = std::enable_if_t<!std::is_same<std::decay_t<F>, Function>::value>>
    Function(F&& f) {  // NOLINT(google-explicit-constructor): converts like std::function
        using D = std::decay_t<F>;
        if (function_arg_is_empty<D>(f)) return;
        if constexpr (stored_inline<D>()) {
            ::new (static_cast<void*>(store_.bytes)) D(std::forward<F>(f));
            manage_ = nullptr;
        } else {
            store_.heap = new D(std::forward<F>(f));
            manage_ = &manage<D>;
        }
        call_ = &call<D>;
    }
    /** Copies @p other's callable. @throws std::bad_alloc, or what copying it throws. */
    Function(const Function& other) : call_(other.call_), manage_(other.manage_) {
        if (manage_) {
            store_.heap = manage_(other.store_.heap, false);
        } else {
            store_ = other.store_;
        }
    }
    /** Takes @p other's callable; @p other is left empty. */
    Function(Function&& other) noexcept
        : store_(other.store_), call_(other.call_), manage_(other.manage_) {
        other.call_ = nullptr;
        other.manage_ = nullptr;
    }
    /** Copies @p other's callable. @throws std::bad_alloc, or what copying it throws. */
    Function& operator=(const Function& other) {
        if (this != &other) Function(other).swap(*this);
        return *this;
    }
    /** Takes @p other's callable; @p other is left empty. */
    Function& operator=(Function&& other) noexcept {
        Function(std::move(other)).swap(*this);
        return *this;
    }
    /** Destroys the callable; this becomes empty. */
    Function& operator=(std::nullptr_t) noexcept {
        Function().swap(*this);
        return *this;
    }
    /** Destroys the callable. */
    ~Function() {
        if (manage_) manage_(store_.heap, true);
    }
    /** Whether a callable is held. */
    explicit operator bool() const noexcept { return call_ != nullptr; }
    /** Calls the callable (which must be there) with @p args. @return what it returns. */
    R operator()(A... args) const { return call_(store_, std::forward<A>(args)...); }
    /** Exchanges the callables of this and @p other. */
    void swap(Function& other) noexcept {
        Store s = store_;
        store_ = other.store_;
        other.store_ = s;
        Call c = call_;
        call_ = other.call_;
        other.call_ = c;
        Manage m = manage_;
        manage_ = other.manage_;
        other.manage_ = m;
    }

    /** Whether @p f is empty. */
    friend bool operator==(const Function& f, std::nullptr_t) noexcept { return !f; }
    /** Whether @p f is empty. */
    friend bool operator==(std::nullptr_t, const Function& f) noexcept { return !f; }
    /** Whether @p f holds a callable. */
    friend bool operator!=(const Function& f, std::nullptr_t) noexcept { return !!f; }
    /** Whether @p f holds a callable. */
    friend bool operator!=(std::nullptr_t, const Function& f) noexcept { return !!f; }

private:
    // Inline storage for two pointers, or a pointer to a heap copy.
    union Store {
        unsigned char bytes[2 * sizeof(void*)];
        void* heap;
    };
    using Call = R (*)(Store&, A&&...);
    // Copies the heap object at p and returns the copy, or (destroy) deletes it.
    using Manage = void* (*)(void* p, bool destroy);

    template <class F>
    static constexpr bool stored_inline() noexcept {
        // Trivially copyable: moved and copied as raw bytes, nothing to destroy.
        return sizeof(F) <= sizeof(Store) && alignof(F) <= alignof(Store) &&
               std::is_trivially_copyable<F>::value;
    }
    template <class F>
    static R call(Store& s, A&&... args) {
        F* f;
        if constexpr (stored_inline<F>()) {
            f = std::launder(reinterpret_cast<F*>(s.bytes));
        } else {
            f = static_cast<F*>(s.heap);
        }
        if constexpr (std::is_void<R>::value) {
            (*f)(std::forward<A>(args)...);
        } else {
            return (*f)(std::forward<A>(args)...);
        }
    }
    template <class F>
    static void* manage(void* p, bool destroy) {
        if (destroy) {
            delete static_cast<F*>(p);
            return nullptr;
        }
        return new F(*static_cast<const F*>(p));
    }

    mutable Store store_{};    // mutable: a const Function calls its callable as non-const
    Call call_ = nullptr;      // null when empty
    Manage manage_ = nullptr;  // null when empty or stored inline
};

}  // namespace detail
}  // namespace socklite

#endif  // SOCKLITE_DETAIL_FUNCTION_HPP
