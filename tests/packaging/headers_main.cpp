// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
// Linked with one generated translation unit per header under include/, each of which includes
// only that header (twice, for the include guard). Compiling proves every header stands alone;
// linking them together proves that nothing in a header breaks the one-definition rule.
int main() { return 0; }
