/* A tiny stack-machine interpreter (switch dispatch) running a bytecode program: for each i < n, the
 * Collatz walk from 27 down to 1 (111 steps), so every unit of n is the same work; the walk's start is
 * read from a register, so the compiler cannot fold it. */
#include "bench.h"

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, AND, XOR, SHR, LT, EQ, JZ, JMP, DUP, DROP, HALT };

/* registers: r0 = n, r1 = acc, r2 = i, r3 = x, r4 = steps, r5 = start value */
static int code[256];
static int pos;

static void emit(int x) { code[pos++] = x; }

static u32 execute(const int *pc0, u32 n) {
    u32 stack[64];
    u32 regs[8] = {0};
    int sp = 0;
    const int *pc = pc0;
    regs[0] = n;
    regs[5] = 27;
    for (;;) {
        switch (*pc++) {
        case PUSH: stack[sp++] = (u32)*pc++; break;
        case LOAD: stack[sp++] = regs[*pc++]; break;
        case STORE: regs[*pc++] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case SHR: sp--; stack[sp - 1] >>= stack[sp]; break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case JZ: { int t = *pc++; if (stack[--sp] == 0) pc = pc0 + t; break; }
        case JMP: pc = pc0 + *pc; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case DROP: sp--; break;
        case HALT: return stack[sp - 1];
        default: return 0xdeadbeef;
        }
    }
}

/* Assembles the program at run time (labels patched by hand) so its layout is checked by the compiler,
 * not by counting offsets. */
static void assemble(void) {
    pos = 0;
    emit(PUSH); emit(0); emit(STORE); emit(1);
    emit(PUSH); emit(0); emit(STORE); emit(2);
    int l_loop = pos;
    emit(LOAD); emit(2); emit(LOAD); emit(0); emit(LT); emit(JZ); int p_done = pos; emit(0);
    emit(LOAD); emit(5); emit(STORE); emit(3);
    emit(PUSH); emit(0); emit(STORE); emit(4);
    int l_inner = pos;
    emit(LOAD); emit(3); emit(PUSH); emit(1); emit(EQ); emit(PUSH); emit(0); emit(EQ);
    emit(JZ); int p_after = pos; emit(0);
    emit(LOAD); emit(3); emit(PUSH); emit(1); emit(AND); emit(JZ); int p_even = pos; emit(0);
    emit(LOAD); emit(3); emit(PUSH); emit(3); emit(MUL); emit(PUSH); emit(1); emit(ADD);
    emit(JMP); int p_join = pos; emit(0);
    int l_even = pos;
    emit(LOAD); emit(3); emit(PUSH); emit(1); emit(SHR);
    int l_join = pos;
    emit(STORE); emit(3); emit(LOAD); emit(4); emit(PUSH); emit(1); emit(ADD); emit(STORE); emit(4);
    emit(JMP); emit(l_inner);
    int l_after = pos;
    emit(LOAD); emit(1); emit(PUSH); emit(33); emit(MUL); emit(LOAD); emit(4); emit(ADD); emit(LOAD); emit(2);
    emit(XOR); emit(STORE); emit(1);
    emit(LOAD); emit(2); emit(PUSH); emit(1); emit(ADD); emit(STORE); emit(2); emit(JMP); emit(l_loop);
    int l_done = pos;
    emit(LOAD); emit(1); emit(HALT);
    code[p_done] = l_done;
    code[p_after] = l_after;
    code[p_even] = l_even;
    code[p_join] = l_join;
}

EXPORT("run") u32 run(u32 n) {
    assemble();
    return execute(code, n);
}
