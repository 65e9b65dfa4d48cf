/* Shared by the freestanding benchmark programs (no libc): fixed-width types and a tiny PRNG. Every
 * program exports `u32 run(u32 n)` whose work grows linearly with n and returns a checksum. */
#ifndef BENCH_H
#define BENCH_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned long usize;

#define EXPORT(name) __attribute__((export_name(name)))

static inline u32 lcg(u32 *state) {
    *state = *state * 1664525u + 1013904223u;
    return *state;
}

#endif
