/* n products of two 24x24 int32 matrices; each product feeds back into the next. */
#include "bench.h"

#define N 24
static int A[N][N], B[N][N], C[N][N];

EXPORT("run") u32 run(u32 n) {
    u32 state = 99;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            A[i][j] = (int)(lcg(&state) >> 20) - 2048;
            B[i][j] = (int)(lcg(&state) >> 20) - 2048;
        }
    u32 sum = 0;
    for (u32 r = 0; r < n; r++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                int s = 0;
                for (int k = 0; k < N; k++) s += A[i][k] * B[k][j];
                C[i][j] = s;
            }
        /* keep values bounded and dependent on the previous product */
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                sum = sum * 31u + (u32)C[i][j];
                A[i][j] = (C[i][j] >> 12) & 0xfff;
            }
    }
    return sum;
}
