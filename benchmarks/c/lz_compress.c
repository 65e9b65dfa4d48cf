/* A small LZ77 compressor (hash of 3-byte prefixes, greedy matching, byte-oriented tokens) and its
 * decompressor over 8 KiB of generated text, n rounds; each round checks the round trip. */
#include "bench.h"

#define IN_SIZE 8192
#define HASH_BITS 12
#define MIN_MATCH 4
#define MAX_MATCH 130
#define WINDOW 4095

static u8 input[IN_SIZE];
static u8 packed[IN_SIZE + IN_SIZE / 64 + 16];
static u8 unpacked[IN_SIZE];
static u16 head[1 << HASH_BITS];

static const char *const words[] = {
    "web", "assembly", "python", "runtime", "interpreter", "the", "a", "of", "module", "function",
    "memory", "table", "global", "export", "import", "stack", "value", "branch", "loop", "block",
};

static void make_text(u32 seed) {
    u32 state = seed;
    u32 i = 0;
    while (i < IN_SIZE) {
        const char *w = words[(lcg(&state) >> 16) % 20];
        while (*w && i < IN_SIZE) input[i++] = (u8)*w++;
        if (i < IN_SIZE) input[i++] = (lcg(&state) >> 28) == 0 ? '\n' : ' ';
    }
}

static u32 hash3(const u8 *p) { return ((u32)p[0] << 16 | (u32)p[1] << 8 | p[2]) * 2654435761u >> (32 - HASH_BITS); }

/* Token format: a byte b < 0x80 is a literal run of b + 1 bytes that follow; b >= 0x80 is a match of
 * length b - 0x80 + MIN_MATCH, followed by its 2-byte little-endian distance. */
static u32 compress(u32 len) {
    u32 ip = 0, op = 0, lit_start = 0;
    for (u32 i = 0; i < (1u << HASH_BITS); i++) head[i] = 0xffff;
    while (ip + MIN_MATCH <= len) {
        u32 h = hash3(input + ip);
        u32 cand = head[h];
        head[h] = (u16)ip;
        u32 mlen = 0;
        if (cand != 0xffff && ip - cand <= WINDOW) {
            while (ip + mlen < len && mlen < MAX_MATCH && input[cand + mlen] == input[ip + mlen]) mlen++;
        }
        if (mlen >= MIN_MATCH) {
            while (lit_start < ip) {
                u32 run = ip - lit_start;
                if (run > 128) run = 128;
                packed[op++] = (u8)(run - 1);
                for (u32 k = 0; k < run; k++) packed[op++] = input[lit_start + k];
                lit_start += run;
            }
            u32 off = ip - cand;
            packed[op++] = (u8)(0x80 + (mlen - MIN_MATCH));
            packed[op++] = (u8)off;
            packed[op++] = (u8)(off >> 8);
            ip += mlen;
            lit_start = ip;
        } else {
            ip++;
        }
    }
    ip = len;
    while (lit_start < ip) {
        u32 run = ip - lit_start;
        if (run > 128) run = 128;
        packed[op++] = (u8)(run - 1);
        for (u32 k = 0; k < run; k++) packed[op++] = input[lit_start + k];
        lit_start += run;
    }
    return op;
}

static u32 decompress(u32 plen) {
    u32 ip = 0, op = 0;
    while (ip < plen) {
        u32 t = packed[ip++];
        if (t < 0x80) {
            for (u32 k = 0; k <= t; k++) unpacked[op++] = packed[ip++];
        } else {
            u32 mlen = t - 0x80 + MIN_MATCH;
            u32 off = packed[ip] | (u32)packed[ip + 1] << 8;
            ip += 2;
            for (u32 k = 0; k < mlen; k++, op++) unpacked[op] = unpacked[op - off];
        }
    }
    return op;
}

EXPORT("run") u32 run(u32 n) {
    u32 acc = 0;
    for (u32 r = 0; r < n; r++) {
        make_text(r * 7919u + 1);
        u32 plen = compress(IN_SIZE);
        u32 ulen = decompress(plen);
        if (ulen != IN_SIZE) return 0xBAD00001u;
        for (u32 i = 0; i < IN_SIZE; i++)
            if (unpacked[i] != input[i]) return 0xBAD00002u;
        acc = acc * 31u + plen;
        for (u32 i = 0; i < plen; i += 61) acc += packed[i];
    }
    return acc;
}
